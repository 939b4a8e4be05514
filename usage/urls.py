from django.urls import path

from . import api

urlpatterns = [
    path("usage", api.UsageView.as_view(), name="usage"),
    path("usage/logs", api.UsageLogListView.as_view(), name="usage-logs"),
]
