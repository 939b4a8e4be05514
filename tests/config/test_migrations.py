"""The layering's migrations keep every row: from the schema before them, with rows present,
forward to the current one (a job's provider renamed, the usage models moved to their app, the
master profile moved to documents). And the migration graph follows the layers: no app's
migration waits for one of an app above.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# A migration that must wait for one of an app above its own (docs/architecture.md says why).
UPWARD_DEPENDENCIES: set[tuple[str, str]] = set()

# The last migration of each app before the "produced by AI" fields got one name and the task
# fields their choices from the registry.
BEFORE = [
    ("jobs", "0002_prompt_version"),
    ("cvs", "0003_draft_versions"),
    ("letters", "0003_letter_versions"),
    ("orchestrator", "0015_alert_thresholds_scheduled_runs"),
]


DRAFT_FACTS = ("drafted_at", "provider_type", "model", "tier", "prompt_version")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# Committing (the migrations run their own transactions). No serialized_rollback: restoring the
# snapshot clashes with content types an earlier committing test's flush recreated; the flush
# after this test leaves what later committing tests already expect (they seed what they need).
@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_migrations_read_the_same_after():
    # An earlier committing test may have flushed the database, its content types and
    # permissions with it (a restoring test's flush does not make them again): made as
    # `migrate` makes them, then the plans.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    call_command("seed_defaults", verbosity=0)
    old = _migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="ada")
    plan = old.get_model("billing", "Plan").objects.get(code="PAYGO")
    job = old.get_model("jobs", "Job").objects.create(
        owner_id=user.pk, source="url", title="Backend engineer", extracted_by="jsonld"
    )
    draft = old.get_model("cvs", "CVDraft").objects.create(
        owner_id=user.pk, job_id=job.pk, profile_version=1, provider_type="anthropic"
    )
    letter = old.get_model("letters", "CoverLetter").objects.create(
        owner_id=user.pk, job_id=job.pk, tone="warm", profile_version=1, provider_type="gemini"
    )
    task = old.get_model("orchestrator", "AITask").objects.create(
        owner_id=user.pk, kind="cv_draft", params={"job_id": job.pk}
    )
    rule = old.get_model("orchestrator", "RoutingRule").objects.get(plan=plan, task="cv_draft")
    alert = old.get_model("orchestrator", "Alert").objects.create(
        kind="latency", subject="openai main", message="p95 9 s", first_seen=NOW, last_seen=NOW
    )
    old.get_model("orchestrator", "UsageRollupDay").objects.create(
        day=NOW.date(), rolled_at=NOW, covered_until=NOW
    )
    old.get_model("orchestrator", "ScheduledRun").objects.create(job="reaper", started_at=NOW)
    # As migration 0005 made it (an earlier committing test's flush may have removed it).
    admins, _ = old.get_model("auth", "Group").objects.get_or_create(name="Provider admins")
    admins.permissions.add(
        old.get_model("auth", "Permission").objects.get(
            content_type__app_label="orchestrator", codename="change_alert"
        )
    )

    profile = old.get_model("cvs", "MasterProfile").objects.create(
        user_id=user.pk, data={"basics": {"name": "Ada"}}, version=4
    )
    readers, _ = old.get_model("auth", "Group").objects.get_or_create(name="Profile readers")
    readers.permissions.add(
        old.get_model("auth", "Permission").objects.get(
            content_type__app_label="cvs", codename="view_masterprofile"
        )
    )

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = _migrate(leaves)

    assert new.get_model("jobs", "Job").objects.get(pk=job.pk).provider_type == "jsonld"
    assert new.get_model("cvs", "CVDraft").objects.get(pk=draft.pk).provider_type == "anthropic"
    letter_now = new.get_model("letters", "CoverLetter").objects.get(pk=letter.pk)
    assert letter_now.provider_type == "gemini"
    assert new.get_model("orchestrator", "AITask").objects.get(pk=task.pk).kind == "cv_draft"
    # The embedded schedule's row follows its job's new name, with its last start.
    runs = new.get_model("orchestrator", "ScheduledRun").objects
    assert list(runs.values_list("job", "started_at")) == [("orchestrator.reaper", NOW)]
    assert new.get_model("orchestrator", "RoutingRule").objects.get(pk=rule.pk).tier == "quality"
    assert new.get_model("usage", "Alert").objects.get(pk=alert.pk).subject == "openai main"
    assert new.get_model("usage", "UsageRollupDay").objects.get().covered_until == NOW
    # The permissions moved with their models: the provider admins still resolve alerts.
    admins = new.get_model("auth", "Group").objects.get(pk=admins.pk)
    assert admins.permissions.filter(
        content_type__app_label="usage", codename="change_alert"
    ).exists()
    profile_now = new.get_model("documents", "MasterProfile").objects.get(pk=profile.pk)
    assert (profile_now.user_id, profile_now.data, profile_now.version) == (
        user.pk,
        {"basics": {"name": "Ada"}},
        4,
    )
    readers = new.get_model("auth", "Group").objects.get(pk=readers.pk)
    assert readers.permissions.filter(
        content_type__app_label="documents", codename="view_masterprofile"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_applications_sent_before_their_drafts_facts_were_copied_get_them():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    before = [n for n in leaves if n[0] != "applications"]
    old = _migrate([*before, ("applications", "0001_applications_and_interview_preps")])
    user = old.get_model("auth", "User").objects.create(username="grace")
    job = old.get_model("jobs", "Job").objects.create(owner_id=user.pk, source="url")
    common = {"owner_id": user.pk, "job_id": job.pk, "profile_version": 1, "tier": "fast"}
    cv = old.get_model("cvs", "CVDraft").objects.create(
        **common, provider_type="openai", model="gpt-6-luna", prompt_version="cv_draft@2"
    )
    letter = old.get_model("letters", "CoverLetter").objects.create(
        **common, tone="warm", provider_type="gemini", model="gemini-9", prompt_version="letter@1"
    )
    applications = old.get_model("applications", "Application").objects
    sent = applications.create(owner_id=user.pk, job_id=job.pk, cv_id=cv.pk, letter_id=letter.pk)
    bare = applications.create(owner_id=user.pk, job_id=job.pk)

    new = _migrate(leaves)

    applications = new.get_model("applications", "Application").objects
    fields = [f"{link}_{key}" for link in ("cv", "letter") for key in DRAFT_FACTS]
    assert applications.filter(pk=sent.pk).values_list(*fields).get() == (
        cv.created_at, "openai", "gpt-6-luna", "fast", "cv_draft@2",
        letter.created_at, "gemini", "gemini-9", "fast", "letter@1",
    )  # fmt: skip
    assert applications.filter(pk=bare.pk).values_list(*fields).get() == (
        None, "", "", "", "", None, "", "", "", "",
    )  # fmt: skip


def test_no_migration_depends_on_a_migration_of_an_app_above_its_own():
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["id"] == "layers")  # top first
    # A layer of independent apps is written "letters | cvs".
    height = {
        app.strip(): len(layers) - i for i, layer in enumerate(layers) for app in layer.split("|")
    }
    migrations = MigrationLoader(None, ignore_no_migrations=True).disk_migrations

    upward = {
        (f"{app}.{name}", f"{dep_app}.{dep_name}")
        for (app, name), migration in migrations.items()
        for dep_app, dep_name in migration.dependencies
        if app in height and dep_app in height and height[dep_app] > height[app]
    }

    assert len(migrations) > 50  # every app's were read
    assert upward == UPWARD_DEPENDENCIES
