from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import task_register
        from prompts.evaluations import evaluation_register
        from prompts.figures import arm_figures_register

        from . import prompt_figures
        from .interview import ai, evaluation

        task_register(ai.INTERVIEW_PREP)
        evaluation_register(evaluation.PREP_SET)
        arm_figures_register(prompt_figures.arm_outcomes)
