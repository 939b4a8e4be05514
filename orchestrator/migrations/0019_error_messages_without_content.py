"""Error messages stored before schema errors stopped quoting the answer: drop the quoted
value (it echoed users' CVs and profiles) and scrub keys from every stored message."""

import re

from django.db import migrations

from core.secrets import scrub

_SCHEMA_ERROR = re.compile(r"(JSON does not match the schema at [^:\n]*): .*", re.DOTALL)


def _cleaned(message: str) -> str:
    return scrub(_SCHEMA_ERROR.sub(r"\1: (detail not kept)", message))


def _clean(model, field: str) -> None:
    rows = model.objects.exclude(**{field: ""}).values_list("pk", field)
    for pk, message in rows.iterator(chunk_size=2000):
        cleaned = _cleaned(message)
        if cleaned != message:
            model.objects.filter(pk=pk).update(**{field: cleaned})


def clean_messages(apps, schema_editor):
    _clean(apps.get_model("orchestrator", "UsageLog"), "error_message")
    _clean(apps.get_model("orchestrator", "AITask"), "error_message")
    _clean(apps.get_model("orchestrator", "ProviderConfig"), "last_test_message")


class Migration(migrations.Migration):
    dependencies = [
        ("orchestrator", "0018_usage_capture"),
    ]

    operations = [migrations.RunPython(clean_messages, migrations.RunPython.noop)]
