"""The layering's migrations keep every row: from the schema before them, with rows present,
forward to the current one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migration of each app before the "produced by AI" fields got one name and the task
# fields their choices from the registry.
BEFORE = [
    ("jobs", "0002_prompt_version"),
    ("cvs", "0003_draft_versions"),
    ("letters", "0003_letter_versions"),
    ("orchestrator", "0015_alert_thresholds_scheduled_runs"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_written_before_the_migrations_read_the_same_after(django_user_model):
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

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = _migrate(leaves)

    assert new.get_model("jobs", "Job").objects.get(pk=job.pk).provider_type == "jsonld"
    assert new.get_model("cvs", "CVDraft").objects.get(pk=draft.pk).provider_type == "anthropic"
    letter_now = new.get_model("letters", "CoverLetter").objects.get(pk=letter.pk)
    assert letter_now.provider_type == "gemini"
    assert new.get_model("orchestrator", "AITask").objects.get(pk=task.pk).kind == "cv_draft"
    assert new.get_model("orchestrator", "RoutingRule").objects.get(pk=rule.pk).tier == "quality"
