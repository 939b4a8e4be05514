from django.contrib import admin

from .models import CVDraft, MasterProfile


@admin.register(MasterProfile)
class MasterProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["version", "updated_at"]


@admin.register(CVDraft)
class CVDraftAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "job", "profile_version", "provider_type", "model", "created_at"]
    list_filter = ["provider_type", "created_at"]
    list_select_related = ["owner", "job"]
    search_fields = ["owner__username", "owner__email", "job__title", "job__company"]
    date_hierarchy = "created_at"
    raw_id_fields = ["owner", "job", "usage_log"]
    readonly_fields = ["provider_type", "model", "usage_log", "created_at"]
