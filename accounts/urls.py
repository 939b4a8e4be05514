from django.urls import path

from . import api

urlpatterns = [
    path("auth/register", api.RegisterView.as_view(), name="auth-register"),
    path("auth/token", api.TokenView.as_view(), name="auth-token"),
    path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    path("auth/tokens", api.TokensView.as_view(), name="auth-tokens"),
    path("auth/tokens/<str:token_id>", api.TokenDetailView.as_view(), name="auth-token-detail"),
]
