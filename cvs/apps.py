from django.apps import AppConfig


class CvsConfig(AppConfig):
    name = "cvs"
    default_auto_field = "django.db.models.BigAutoField"
