"""The master profile's versions: every change keeps the state it replaced, like the versions
of a draft, so an import (or any edit) can be undone. The newest MAX_PROFILE_VERSIONS stay."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from documents.models import MasterProfile

from .models import ProfileVersion

MAX_PROFILE_VERSIONS = 50


def profile_version_record(
    *, profile: MasterProfile, previous_data: dict, previous_number: int, source: str = "edit"
) -> None:
    """Keep the profile's new state, and the one before it if it was never kept (profiles
    written before versions existed, and version 1)."""
    owner = profile.user
    ProfileVersion.objects.get_or_create(
        owner=owner, number=previous_number, defaults={"data": previous_data, "source": "edit"}
    )
    ProfileVersion.objects.update_or_create(
        owner=owner, number=profile.version, defaults={"data": profile.data, "source": source}
    )
    stale = ProfileVersion.objects.filter(owner=owner).order_by("-number")[MAX_PROFILE_VERSIONS:]
    ProfileVersion.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def profile_versions_list(*, user: Any) -> QuerySet[ProfileVersion]:
    return ProfileVersion.objects.filter(owner=user).order_by("-number")


def profile_version_get(*, user: Any, number: int) -> ProfileVersion:
    version = ProfileVersion.objects.filter(owner=user, number=number).first()
    if version is None:
        raise NotFound(f"Your profile has no version {number}.")
    return version


def profile_versions_delete(*, user: Any) -> None:
    ProfileVersion.objects.filter(owner=user).delete()
