from django.db import migrations

from orchestrator import defaults


def seed(apps, schema_editor):
    defaults.apply(
        plan_model=apps.get_model("billing", "Plan"),
        rule_model=apps.get_model("orchestrator", "RoutingRule"),
        price_model=apps.get_model("orchestrator", "ModelPrice"),
        provider_model=apps.get_model("orchestrator", "ProviderConfig"),
    )


class Migration(migrations.Migration):
    dependencies = [("orchestrator", "0001_initial"), ("billing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
