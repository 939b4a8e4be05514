from django.urls import path

from . import api

urlpatterns = [
    path("cover-letter/generate", api.LetterGenerateView.as_view(), name="letter-generate"),
    path("letters", api.LetterListView.as_view(), name="letter-list"),
    path("letters/<id:letter_id>", api.LetterDetailView.as_view(), name="letter-detail"),
]
