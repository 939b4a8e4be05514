from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """What CVs and cover letters share: the master profile they are written from, the
    edited-document and version models, versioned edits, export rendering, the shared view and
    admin bases and the offline writing helpers. No AI task of its own."""

    name = "documents"
    default_auto_field = "django.db.models.BigAutoField"
