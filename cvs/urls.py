from django.urls import path

from . import api

urlpatterns = [
    path("profile", api.ProfileView.as_view(), name="profile"),
    path("cv-drafter/draft", api.CVDraftView.as_view(), name="cv-draft"),
    path("cvs", api.CVDraftListView.as_view(), name="cv-list"),
    path("cvs/<id:draft_id>", api.CVDraftDetailView.as_view(), name="cv-detail"),
]
