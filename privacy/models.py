from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One time a staff user exported, deleted or opened a person's data in the admin. Written
    by the services only; the admin shows the trail to superusers and changes none of it."""

    class Action(models.TextChoices):
        EXPORT = "export", "Exported a user's data"
        DELETE = "delete", "Deleted a user"
        OPEN_CAPTURE = "open_capture", "Opened a captured payload"
        OPEN_PROFILE = "open_profile", "Opened a user's profile"
        OPEN_DOCUMENT = "open_document", "Opened a user's document"

    # The staff user's name is kept as text too: the trail outlives a deleted staff account.
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_username = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    subject = models.CharField(max_length=300)  # what was opened: "CV draft 12", "user 7"
    subject_user_id = models.BigIntegerField(null=True, blank=True)  # whose data it was
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.staff_username}: {self.get_action_display()} ({self.subject})"
