from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: errors, the API envelope, validation and prompt helpers every app
    shares. It imports no other app of the project."""

    name = "core"
    verbose_name = "Core"
