from django.urls import path

from . import api, imports_api

urlpatterns = [
    path("profile", api.ProfileView.as_view(), name="profile"),
    path("profile/import", imports_api.ProfileImportView.as_view(), name="profile-import"),
    path(
        "profile/import/<id:import_id>/apply",
        imports_api.ProfileImportApplyView.as_view(),
        name="profile-import-apply",
    ),
    path("profile/versions", imports_api.ProfileVersionListView.as_view(), name="profile-versions"),
    path(
        "profile/versions/<id:number>/restore",
        imports_api.ProfileVersionRestoreView.as_view(),
        name="profile-version-restore",
    ),
    path("cv-drafter/draft", api.CVDraftView.as_view(), name="cv-draft"),
    path("cv-drafter/draft/async", api.CVDraftAsyncView.as_view(), name="cv-draft-async"),
    path("cvs", api.CVDraftListView.as_view(), name="cv-list"),
    path("cvs/<id:draft_id>", api.CVDraftDetailView.as_view(), name="cv-detail"),
    path("cvs/<id:draft_id>/versions", api.CVDraftVersionListView.as_view(), name="cv-versions"),
    path(
        "cvs/<id:draft_id>/versions/<id:number>",
        api.CVDraftVersionDetailView.as_view(),
        name="cv-version",
    ),
    path("cvs/<id:draft_id>/export", api.CVDraftExportView.as_view(), name="cv-export"),
    path("cvs/<id:draft_id>/match", api.CVDraftMatchView.as_view(), name="cv-match"),
]
