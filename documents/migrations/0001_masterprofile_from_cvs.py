"""The master profile moves here from the cvs app, keeping its table (cvs_masterprofile) and
rows: Django's state only. cvs 0008 removes it from cvs' state and renames its content type.

No dependency on cvs (a lower layer's migration does not wait for a higher one's): on a new
database cvs 0001 creates the table; this migration only records the model in Django's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MasterProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="master_profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "cvs_masterprofile"},
                ),
            ],
            database_operations=[],
        ),
    ]
