"""The usage models move here from the orchestrator app, keeping their tables and rows.

Django's state only: the tables (db_table orchestrator_*) stay as they are. The content types
are renamed in place, so the permissions on them, and the groups that hold those permissions
(Provider admins), carry over.
"""

import django.core.validators
import functools

import usage.models
from django.db import migrations, models

MODELS = (
    "alert",
    "alertthresholds",
    "usagedaily",
    "usagedailyuser",
    "usagelatencydaily",
    "usagelatencymonthly",
    "usagemonthlyuser",
    "usagerollupday",
)


def _relabel(apps, old: str, new: str) -> None:
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
    CurrentContentType.objects.clear_cache()


def content_types_to_usage(apps, schema_editor):
    _relabel(apps, "orchestrator", "usage")


def content_types_to_orchestrator(apps, schema_editor):
    _relabel(apps, "usage", "orchestrator")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orchestrator", "0016_task_choices_from_registry"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AlertThresholds',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('error_rate', models.FloatField(default=functools.partial(usage.models._setting, *('ALERT_ERROR_RATE',), **{}), help_text="Share of a provider's calls that failed, 0.10 = 10%. Quota refusals are not provider errors and do not count.", validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='provider error rate above')),
                        ('p95_latency_ms', models.PositiveIntegerField(default=functools.partial(usage.models._setting, *('ALERT_P95_LATENCY_MS',), **{}), verbose_name='p95 latency above (ms)')),
                        ('cost_spike_factor', models.FloatField(default=functools.partial(usage.models._setting, *('ALERT_COST_SPIKE_FACTOR',), **{}), validators=[django.core.validators.MinValueValidator(1)], verbose_name="today's cost above (× the average day of the last 7)")),
                        ('quota_refusals', models.PositiveIntegerField(default=functools.partial(usage.models._setting, *('ALERT_QUOTA_EXCEEDED_MIN',), **{}), validators=[django.core.validators.MinValueValidator(1)], verbose_name='quota refusals in the window, at least')),
                        ('window_minutes', models.PositiveIntegerField(default=functools.partial(usage.models._setting, *('ALERT_WINDOW_MINUTES',), **{}), help_text='Error rates, latencies and quota refusals are counted over this window.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='window (minutes)')),
                        ('min_calls', models.PositiveIntegerField(default=functools.partial(usage.models._setting, *('ALERT_MIN_CALLS',), **{}), help_text="Below this many calls in the window, a provider's error rate and latency raise no alert: one error in two calls must not page anyone.", verbose_name='fewest calls to judge a provider')),
                        ('repeat_hours', models.FloatField(default=functools.partial(usage.models._setting, *('ALERT_REPEAT_HOURS',), **{}), validators=[django.core.validators.MinValueValidator(0)], verbose_name='mail a still-open alert again after (hours)')),
                    ],
                    options={
                        'verbose_name': 'alert thresholds',
                        'verbose_name_plural': 'alert thresholds',
                        'db_table': 'orchestrator_alertthresholds',
                    },
                ),
                migrations.CreateModel(
                    name='UsageRollupDay',
                    fields=[
                        ('day', models.DateField(primary_key=True, serialize=False)),
                        ('rolled_at', models.DateTimeField()),
                        ('covered_until', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'orchestrator_usagerollupday',
                    },
                ),
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('error_rate', 'Provider error rate'), ('latency', 'Provider p95 latency'), ('cost_spike', 'Cost spike'), ('quota_exceeded', 'Quota exceeded'), ('provider_test_failed', 'Provider credentials failing'), ('provider_billing', 'Provider account billing')], max_length=30)),
                        ('subject', models.CharField(help_text='What it is about, e.g. a provider.', max_length=200)),
                        ('message', models.TextField()),
                        ('value', models.DecimalField(blank=True, decimal_places=6, max_digits=20, null=True)),
                        ('threshold', models.DecimalField(blank=True, decimal_places=6, max_digits=20, null=True)),
                        ('first_seen', models.DateTimeField()),
                        ('last_seen', models.DateTimeField()),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('notified_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'orchestrator_alert',
                        'ordering': ['-last_seen'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('resolved_at__isnull', True)), fields=('kind', 'subject'), name='one_open_alert_per_kind_subject')],
                    },
                ),
                migrations.CreateModel(
                    name='UsageDaily',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('calls', models.BigIntegerField(default=0)),
                        ('errors', models.BigIntegerField(default=0)),
                        ('cache_hits', models.BigIntegerField(default=0)),
                        ('input_tokens', models.BigIntegerField(default=0)),
                        ('output_tokens', models.BigIntegerField(default=0)),
                        ('total_tokens', models.BigIntegerField(default=0)),
                        ('cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                        ('saved_cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                        ('day', models.DateField()),
                        ('plan', models.CharField(blank=True, max_length=20)),
                        ('task_type', models.CharField(max_length=20)),
                        ('provider_type', models.CharField(blank=True, max_length=20)),
                        ('provider_config_id', models.BigIntegerField(blank=True, null=True)),
                        ('model', models.CharField(blank=True, max_length=100)),
                        ('quota_exceeded', models.BigIntegerField(default=0)),
                        ('provider_calls', models.BigIntegerField(default=0)),
                        ('provider_errors', models.BigIntegerField(default=0)),
                        ('successes', models.BigIntegerField(default=0)),
                        ('success_cache_hits', models.BigIntegerField(default=0)),
                        ('success_saved_cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                    ],
                    options={
                        'db_table': 'orchestrator_usagedaily',
                        'indexes': [models.Index(fields=['day'], name='orchestrato_day_b0a2ce_idx')],
                        'unique_together': {('day', 'plan', 'task_type', 'provider_type', 'provider_config_id', 'model')},
                    },
                ),
                migrations.CreateModel(
                    name='UsageDailyUser',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('calls', models.BigIntegerField(default=0)),
                        ('errors', models.BigIntegerField(default=0)),
                        ('cache_hits', models.BigIntegerField(default=0)),
                        ('input_tokens', models.BigIntegerField(default=0)),
                        ('output_tokens', models.BigIntegerField(default=0)),
                        ('total_tokens', models.BigIntegerField(default=0)),
                        ('cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                        ('saved_cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                        ('day', models.DateField()),
                        ('user_id', models.BigIntegerField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'orchestrator_usagedailyuser',
                        'indexes': [models.Index(fields=['day', 'user_id'], name='orchestrato_day_296b23_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='UsageLatencyDaily',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('provider_type', models.CharField(max_length=20)),
                        ('provider_config_id', models.BigIntegerField(blank=True, null=True)),
                        ('model', models.CharField(blank=True, max_length=100)),
                        ('bucket', models.PositiveIntegerField()),
                        ('calls', models.BigIntegerField()),
                    ],
                    options={
                        'db_table': 'orchestrator_usagelatencydaily',
                        'unique_together': {('day', 'provider_type', 'provider_config_id', 'model', 'bucket')},
                    },
                ),
                migrations.CreateModel(
                    name='UsageLatencyMonthly',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('provider_type', models.CharField(max_length=20)),
                        ('provider_config_id', models.BigIntegerField(blank=True, null=True)),
                        ('model', models.CharField(blank=True, max_length=100)),
                        ('bucket', models.PositiveIntegerField()),
                        ('calls', models.BigIntegerField()),
                    ],
                    options={
                        'db_table': 'orchestrator_usagelatencymonthly',
                        'indexes': [models.Index(fields=['month'], name='orchestrato_month_6c6098_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='UsageMonthlyUser',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('calls', models.BigIntegerField(default=0)),
                        ('errors', models.BigIntegerField(default=0)),
                        ('cache_hits', models.BigIntegerField(default=0)),
                        ('input_tokens', models.BigIntegerField(default=0)),
                        ('output_tokens', models.BigIntegerField(default=0)),
                        ('total_tokens', models.BigIntegerField(default=0)),
                        ('cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                        ('saved_cost_usd', models.DecimalField(decimal_places=8, default=0, max_digits=18)),
                        ('month', models.DateField()),
                        ('user_id', models.BigIntegerField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'orchestrator_usagemonthlyuser',
                        'indexes': [models.Index(fields=['month', 'user_id'], name='orchestrato_month_b5c7a8_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_usage, content_types_to_orchestrator),
    ]
