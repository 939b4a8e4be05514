from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import task_register
        from prompts.evaluations import evaluation_register

        from .interview import ai, evaluation

        task_register(ai.INTERVIEW_PREP)
        evaluation_register(evaluation.PREP_SET)
