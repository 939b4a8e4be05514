"""The privacy admin: the audit trail (superusers only, read-only) and, on the user admin
that billing registers, exporting a user's data and auditing every deletion of a user."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .models import AuditEvent
from .selectors import user_data_export
from .services import audit_record, user_delete


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Who exported, deleted or opened whose data, and when. Appended to by the services
    only: nobody adds, edits or deletes a row here."""

    list_display = ["created_at", "staff_username", "action", "subject", "subject_user_id"]
    list_filter = ["action", "created_at"]
    search_fields = ["staff_username", "subject"]
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.action(description="Export selected users' data (JSON)", permissions=["export"])
def export_user_data(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    """One JSON document per selected user, in one download; each export is on the trail.
    Superusers only: an export holds everything, documents and profile included."""
    if not request.user.is_superuser:
        raise PermissionDenied
    exports = []
    for user in queryset.order_by("pk"):
        exports.append(user_data_export(user=user))
        audit_record(
            staff=request.user,
            action=AuditEvent.Action.EXPORT,
            subject=f"user {user.pk}",
            subject_user_id=user.pk,
        )
    body = json.dumps({"users": exports}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json")
    name = f"user-data-{timezone.now():%Y%m%d-%H%M%S}.json"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _delete_model(request: HttpRequest, obj) -> None:
    user_delete(user=obj, staff=request.user)


def _delete_queryset(request: HttpRequest, queryset) -> None:
    for user in queryset:
        user_delete(user=user, staff=request.user)
    messages.info(request, "Their usage rows are kept under anonymous tombstones.")


# The user admin is billing's; the admin's own delete page (and its "delete selected"
# action) is the confirmation, and every deletion it confirms goes through user_delete, so
# it is on the audit trail and the usage rows keep their tombstone.
_user_admin = admin.site.get_model_admin(get_user_model())
_user_admin.actions = [*(_user_admin.actions or []), export_user_data]
_user_admin.has_export_permission = lambda request: request.user.is_superuser
_user_admin.delete_model = _delete_model
_user_admin.delete_queryset = _delete_queryset
