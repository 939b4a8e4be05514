from django.urls import path

from . import api

urlpatterns = [
    path("tasks/<uuid:task_id>", api.AITaskDetailView.as_view(), name="ai-task-detail"),
]
