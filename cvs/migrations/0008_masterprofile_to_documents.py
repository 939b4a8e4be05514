"""The master profile moves to the documents app, keeping its table and rows: Django's state
only. Its content type is renamed in place, so the permissions on it (and the groups and admin
log entries that point at them) carry over."""

from django.db import migrations


def _relabel(apps, old: str, new: str) -> None:
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="masterprofile").exists():
        ContentType.objects.filter(app_label=old, model="masterprofile").update(app_label=new)
    CurrentContentType.objects.clear_cache()


def content_type_to_documents(apps, schema_editor):
    _relabel(apps, "cvs", "documents")


def content_type_to_cvs(apps, schema_editor):
    _relabel(apps, "documents", "cvs")


class Migration(migrations.Migration):
    dependencies = [
        ("cvs", "0007_profile_versions_and_imports"),
        ("documents", "0001_masterprofile_from_cvs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="MasterProfile")],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_documents, content_type_to_cvs),
    ]
