from django.urls import path

from . import api

urlpatterns = [
    path("cover-letter/generate", api.LetterGenerateView.as_view(), name="letter-generate"),
    path(
        "cover-letter/generate/async",
        api.LetterGenerateAsyncView.as_view(),
        name="letter-generate-async",
    ),
    path(
        "cover-letter/generate/stream",
        api.LetterGenerateStreamView.as_view(),
        name="letter-generate-stream",
    ),
    path("letters", api.LetterListView.as_view(), name="letter-list"),
    path("letters/<id:letter_id>", api.LetterDetailView.as_view(), name="letter-detail"),
    path(
        "letters/<id:letter_id>/versions",
        api.LetterVersionListView.as_view(),
        name="letter-versions",
    ),
    path(
        "letters/<id:letter_id>/versions/<id:number>",
        api.LetterVersionDetailView.as_view(),
        name="letter-version",
    ),
    path("letters/<id:letter_id>/export", api.LetterExportView.as_view(), name="letter-export"),
]
