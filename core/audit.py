"""The admin's "staff opened a person's data" event, as a signal: the admin pages of the
lower apps (a captured payload, a profile, a document) send it, and the privacy app, above
them all, records it in its audit trail. Neither knows the other."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

# Sent with: staff (the user who opened it), action ("open_capture", "open_profile",
# "open_document"), subject (a short text naming the object), subject_user_id (whose it is).
staff_opened = Signal()


def staff_opened_send(*, staff: Any, action: str, subject: str, subject_user_id: Any) -> None:
    staff_opened.send(
        sender=None,
        staff=staff,
        action=action,
        subject=subject,
        subject_user_id=subject_user_id,
    )


class OpeningAudited:
    """A ModelAdmin mixin: showing an object's page to a staff user sends staff_opened.
    `audit_action` names what is opened, `audit_owner_field` whose data it is."""

    audit_action = "open_document"
    audit_owner_field = "owner_id"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method in ("GET", "HEAD"):
            staff_opened_send(
                staff=request.user,
                action=self.audit_action,
                subject=f"{obj._meta.object_name} {obj.pk}",
                subject_user_id=getattr(obj, self.audit_owner_field),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
