from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator.registry import runner_register, task_register
        from prompts.evaluations import evaluation_register
        from prompts.figures import arm_figures_register

        from . import api, evaluation, services

        task_register(services.COVER_LETTER)
        evaluation_register(evaluation.LETTER_SET)
        arm_figures_register(evaluation.letter_arm_figures)
        runner_register(
            services.COVER_LETTER.name, api.letter_generate_from_params, result_schema="CoverLetter"
        )
