from django.contrib import admin

from .models import CoverLetter


@admin.register(CoverLetter)
class CoverLetterAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "owner",
        "job",
        "tone",
        "profile_version",
        "provider_type",
        "model",
        "created_at",
    ]
    list_filter = ["tone", "provider_type", "created_at"]
    list_select_related = ["owner", "job"]
    search_fields = ["owner__username", "owner__email", "job__title", "job__company"]
    date_hierarchy = "created_at"
    raw_id_fields = ["owner", "job", "usage_log"]
    readonly_fields = ["provider_type", "model", "usage_log", "created_at"]
