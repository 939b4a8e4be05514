from django.urls import path

from . import api

urlpatterns = [
    path("applications", api.ApplicationListView.as_view(), name="application-list"),
    path("applications/export.csv", api.ApplicationCsvView.as_view(), name="application-csv"),
    path(
        "applications/<id:application_id>",
        api.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<id:application_id>/interview-prep",
        api.InterviewPrepCreateView.as_view(),
        name="application-interview-prep",
    ),
    path("interview-preps/<id:prep_id>", api.InterviewPrepDetailView.as_view(), name="prep-detail"),
    path(
        "interview-preps/<id:prep_id>/versions",
        api.InterviewPrepVersionListView.as_view(),
        name="prep-versions",
    ),
    path(
        "interview-preps/<id:prep_id>/export",
        api.InterviewPrepExportView.as_view(),
        name="prep-export",
    ),
]
