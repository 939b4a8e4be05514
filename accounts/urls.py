from django.urls import path

from . import api

urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="auth-register"),
    path("auth/token", api.TokenView.as_view(), name="auth-token"),
]
