from django.contrib import admin
from django.contrib.admin import DateFieldListFilter

from core.admin_filters import titled

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "company",
        "location",
        "owner",
        "source",
        "provider_type",
        "model",
        "created_at",
    ]
    list_filter = ["source", "provider_type", ("created_at", titled(DateFieldListFilter, "date"))]
    list_select_related = ["owner"]
    search_fields = ["title", "company", "owner__username", "owner__email", "source_url"]
    date_hierarchy = "created_at"
    raw_id_fields = ["owner", "usage_log"]
    readonly_fields = [
        "source_url_hash",
        "image_sha256",
        "raw_ai_output",
        "provider_type",
        "model",
        "usage_log",
        "created_at",
        "updated_at",
    ]
