from django.db import migrations, models


def forget_rolled_days(apps, schema_editor):
    # Months rolled up before this migration have no month rows: reports read their
    # days from UsageLog until `rollup_usage` (or the beat, for recent days) redoes them.
    apps.get_model("orchestrator", "UsageRollupDay").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('orchestrator', '0010_usagelatencydaily'),
    ]

    operations = [
        migrations.RunPython(forget_rolled_days, migrations.RunPython.noop),
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
                'indexes': [models.Index(fields=['month', 'user_id'], name='orchestrato_month_b5c7a8_idx')],
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
                'indexes': [models.Index(fields=['month'], name='orchestrato_month_6c6098_idx')],
            },
        ),
    ]
