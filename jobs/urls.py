from django.urls import path

from . import api

urlpatterns = [
    path("job-extractor/extract", api.JobExtractView.as_view(), name="job-extract"),
    path(
        "job-extractor/extract/async", api.JobExtractAsyncView.as_view(), name="job-extract-async"
    ),
    path("jobs", api.JobListView.as_view(), name="job-list"),
    path("jobs/<id:job_id>", api.JobDetailView.as_view(), name="job-detail"),
]
