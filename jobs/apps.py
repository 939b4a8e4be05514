from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import runner_register, task_register
        from prompts.evaluations import evaluation_register

        from . import ai, evaluation, runners

        for spec in ai.TASKS:
            task_register(spec)
        evaluation_register(evaluation.EXTRACTION_SET)
        runner_register(ai.EXTRACTION.name, runners.job_extract_from_params, result_schema="Job")
