from django.contrib import admin
from django.contrib.admin import DateFieldListFilter

from core.admin_filters import titled
from documents.admin import DraftAdmin, VersionInline, blocks_html

from .export import letter_blocks
from .models import CoverLetter, CoverLetterVersion


class CoverLetterVersionInline(VersionInline):
    model = CoverLetterVersion


@admin.register(CoverLetter)
class CoverLetterAdmin(DraftAdmin):
    inlines = [CoverLetterVersionInline]
    list_display = [
        "id",
        "owner",
        "job",
        "tone",
        "version",
        "profile_version",
        "provider_type",
        "model",
        "created_at",
    ]
    list_filter = ["tone", "provider_type", ("created_at", titled(DateFieldListFilter, "date"))]
    list_select_related = ["owner", "job"]
    search_fields = ["owner__username", "owner__email", "job__title", "job__company"]
    date_hierarchy = "created_at"
    readonly_fields = ["tone", *DraftAdmin.readonly_fields]
    fields = readonly_fields

    @admin.display(description="Letter (latest version)")
    def document(self, obj: CoverLetter) -> str:
        return blocks_html(letter_blocks(obj.content))
