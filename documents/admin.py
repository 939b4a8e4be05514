"""The admin's shared parts for documents: the master profile's page (every opening
audited), and the bases of every draft's page (cvs, letters): a document shown as the user
reads it, never its JSON, with its versions and their warnings."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.audit import OpeningAudited

from .export import BULLET, ENTRY, HEADING, META, TITLE, Block
from .models import MasterProfile

# The admin's own stylesheet turns an h2 into a coloured band: the name is an h3.
_HTML = {
    TITLE: "<h3>{}</h3>",
    HEADING: "<h4>{}</h4>",
    ENTRY: "<p><strong>{}</strong></p>",
    META: "<p><em>{}</em></p>",
    BULLET: "<li>{}</li>",
}


@admin.register(MasterProfile)
class MasterProfileAdmin(OpeningAudited, admin.ModelAdmin):
    audit_action, audit_owner_field = "open_profile", "user_id"
    list_display = ["user", "version", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["version", "updated_at"]


def blocks_html(blocks: list[Block]) -> str:
    """A draft as the user would read it: headings, entries and bullets, every text escaped."""
    return format_html(
        '<div class="readonly" style="max-width:48em;line-height:1.5">{}</div>',
        mark_safe(
            "".join(format_html(_HTML.get(kind, "<p>{}</p>"), text) for kind, text in blocks)
        ),
    )


def warnings_html(warnings: list) -> str:
    if not warnings:
        return "None"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings)))


class VersionInline(admin.TabularInline):
    """The draft's history: which versions exist, who made them and what they were warned."""

    fields = ["number", "edited_by_user", "problems", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Warnings")
    def problems(self, obj: object) -> str:
        return warnings_html(obj.warnings)


class DraftAdmin(OpeningAudited, admin.ModelAdmin):
    """Drafts are the user's documents: the admin reads them, formatted, and never edits
    their JSON (a user edits through the API, which keeps every version)."""

    readonly_fields = [
        "owner",
        "job",
        "version",
        "profile_version",
        "provider_type",
        "model",
        "prompt_version",
        "usage_log",
        "created_at",
        "document",
        "problems",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Warnings")
    def problems(self, obj: object) -> str:
        return warnings_html(obj.warnings)
