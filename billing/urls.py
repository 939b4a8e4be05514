from django.urls import path

from . import api

urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="auth-register"),
    path("auth/token", api.TokenView.as_view(), name="auth-token"),
    path("usage", api.UsageView.as_view(), name="usage"),
    path("usage/logs", api.UsageLogListView.as_view(), name="usage-logs"),
]
