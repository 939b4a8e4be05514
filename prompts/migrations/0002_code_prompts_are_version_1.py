"""The code's prompts become version 1 of each task's prompt, and live.

Read from the task registry as the code stands when this runs: the registry holds each task's
code prompt (orchestrator.registry.AITaskSpec.prompt), which also stays the fallback when a
task has no row.
"""

from django.db import migrations
from django.utils.timezone import now


def code_prompts_to_rows(apps, schema_editor):
    from orchestrator.registry import task_list

    PromptVersion = apps.get_model("prompts", "PromptVersion")
    PromptLive = apps.get_model("prompts", "PromptLive")
    for spec in task_list():
        if spec.prompt is None or PromptVersion.objects.filter(task=spec.name).exists():
            continue
        version = PromptVersion.objects.create(
            task=spec.name,
            number=1,
            system_prompt=spec.system_prompt or "",
            user_template=spec.prompt.user,
            note="The code's prompt.",
            used_at=now(),
        )
        PromptLive.objects.create(task=spec.name, version=version)


class Migration(migrations.Migration):
    dependencies = [("prompts", "0001_prompt_registry")]
    operations = [migrations.RunPython(code_prompts_to_rows, migrations.RunPython.noop)]
