from decimal import Decimal

from django.db import migrations, models

# Frozen here, not imported: a migration must do the same thing whatever the catalogue says
# later. (fast, quality) per vendor: the retired defaults and their current replacements.
OLD_MODELS = {
    "gemini": ("gemini-2.5-flash", "gemini-2.5-pro"),
    "openai": ("gpt-4o-mini", "gpt-4o"),
    "anthropic": ("claude-haiku-4-5", "claude-sonnet-4-6"),
}
NEW_MODELS = {
    "gemini": ("gemini-3.5-flash-lite", "gemini-3.8-flash"),
    "openai": ("gpt-6-luna", "gpt-6.1-sol"),
    "anthropic": ("claude-haiku-5-5", "claude-sonnet-5-5"),
}
# The list prices earlier versions seeded as rows (input, output, cached input per million).
SEEDED_PRICES = {
    ("gemini", "gemini-2.5-flash"): ("0.30", "2.50", "0.075"),
    ("gemini", "gemini-2.5-pro"): ("1.25", "10.00", "0.31"),
    ("openai", "gpt-4o-mini"): ("0.15", "0.60", "0.075"),
    ("openai", "gpt-4o"): ("2.50", "10.00", "1.25"),
    ("anthropic", "claude-haiku-4-5"): ("1.00", "5.00", "0.10"),
    ("anthropic", "claude-sonnet-4-6"): ("3.00", "15.00", "0.30"),
}


def _move_models(apps, source, target):
    """Each model field still naming `source`'s default (never edited) gets `target`'s; a field
    an admin changed is left alone, as is the other tier of the same config."""
    config_model = apps.get_model("orchestrator", "ProviderConfig")
    for provider_type, (old_fast, old_quality) in source.items():
        new_fast, new_quality = target[provider_type]
        configs = config_model.objects.filter(provider_type=provider_type)
        configs.filter(fast_model=old_fast).update(fast_model=new_fast)
        configs.filter(quality_model=old_quality).update(quality_model=new_quality)


def forwards(apps, schema_editor):
    _move_models(apps, OLD_MODELS, NEW_MODELS)
    # An unedited seeded price row would override genai-prices' maintained price forever.
    price_model = apps.get_model("orchestrator", "ModelPrice")
    for (provider_type, model), (inp, out, cached) in SEEDED_PRICES.items():
        price_model.objects.filter(
            provider_type=provider_type,
            model=model,
            input_per_million=Decimal(inp),
            output_per_million=Decimal(out),
            cached_input_per_million=Decimal(cached),
        ).delete()


def backwards(apps, schema_editor):
    # Configs at the new defaults go back to the old ones; a config created at the new defaults
    # after this migration cannot be told apart and goes back too (harmless: the old models
    # still answer until their shutdown dates).
    _move_models(apps, NEW_MODELS, OLD_MODELS)
    price_model = apps.get_model("orchestrator", "ModelPrice")
    for (provider_type, model), (inp, out, cached) in SEEDED_PRICES.items():
        price_model.objects.get_or_create(
            provider_type=provider_type,
            model=model,
            defaults={
                "input_per_million": Decimal(inp),
                "output_per_million": Decimal(out),
                "cached_input_per_million": Decimal(cached),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("orchestrator", "0011_month_rollups")]

    operations = [
        migrations.AddField(
            model_name="providerconfig",
            name="activate_when_tested",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="providerconfig",
            name="last_test_warnings",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="usagelog",
            name="price_source",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(forwards, backwards),
    ]
