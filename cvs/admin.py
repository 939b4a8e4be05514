from django.contrib import admin
from django.contrib.admin import DateFieldListFilter

from core.admin_filters import titled
from documents.admin import DraftAdmin, VersionInline, blocks_html

from .export import cv_blocks
from .models import CVDraft, CVDraftVersion


class CVDraftVersionInline(VersionInline):
    model = CVDraftVersion


@admin.register(CVDraft)
class CVDraftAdmin(DraftAdmin):
    inlines = [CVDraftVersionInline]
    list_display = [
        "id",
        "owner",
        "job",
        "version",
        "profile_version",
        "provider_type",
        "model",
        "created_at",
    ]
    list_filter = ["provider_type", ("created_at", titled(DateFieldListFilter, "date"))]
    list_select_related = ["owner", "job"]
    search_fields = ["owner__username", "owner__email", "job__title", "job__company"]
    date_hierarchy = "created_at"

    @admin.display(description="CV (latest version)")
    def document(self, obj: CVDraft) -> str:
        return blocks_html(cv_blocks(obj.content))
