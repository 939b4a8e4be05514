from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PromptsConfig(AppConfig):
    name = "prompts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orchestrator import snapshot
        from orchestrator.registry import prompt_resolver_register

        from .models import Experiment, ExperimentArm, PromptLive, PromptVersion
        from .selectors import prompt_resolve

        prompt_resolver_register(prompt_resolve)
        # What the resolver holds per process goes with the gateway's configuration snapshot.
        for model in (PromptVersion, PromptLive, Experiment, ExperimentArm):
            for signal in (post_save, post_delete):
                signal.connect(snapshot.bump, sender=model, dispatch_uid=f"bump-{model.__name__}")
