from django.apps import AppConfig


class CvsConfig(AppConfig):
    name = "cvs"
    verbose_name = "CVs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import runner_register, task_register
        from prompts.evaluations import evaluation_register
        from prompts.figures import arm_figures_register

        from . import ai, evaluation, import_ai, runners

        task_register(ai.CV_DRAFT)
        task_register(import_ai.PROFILE_IMPORT)
        evaluation_register(evaluation.CV_SET)
        arm_figures_register(evaluation.cv_arm_figures)
        runner_register(ai.CV_DRAFT.name, runners.cv_draft_from_params, result_schema="CVDraft")
