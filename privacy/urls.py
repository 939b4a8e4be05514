from django.urls import path

from . import api

urlpatterns = [
    path("me", api.MeView.as_view(), name="me"),
    path("me/export", api.MeExportView.as_view(), name="me-export"),
]
