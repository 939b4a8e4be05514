from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import task_register

        from .interview import ai

        task_register(ai.INTERVIEW_PREP)
