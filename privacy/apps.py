from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """What the service keeps about a person: their export, the deletion of their account,
    retention of untouched documents, and the trail of staff who opened personal data."""

    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from core.audit import staff_opened

        from .services import audit_staff_opened, usage_tombstone

        # However a user is deleted (the API, the admin's own delete, a shell), their usage
        # rows are kept for accounting under a tombstone first.
        pre_delete.connect(usage_tombstone, sender=get_user_model(), dispatch_uid="tombstone")
        staff_opened.connect(audit_staff_opened, dispatch_uid="audit_staff_opened")
