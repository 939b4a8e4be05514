from django.apps import AppConfig


class CvsConfig(AppConfig):
    name = "cvs"
    verbose_name = "CVs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import runner_register, task_register

        from . import ai, import_ai, runners

        task_register(ai.CV_DRAFT)
        task_register(import_ai.PROFILE_IMPORT)
        runner_register(ai.CV_DRAFT.name, runners.cv_draft_from_params, result_schema="CVDraft")
