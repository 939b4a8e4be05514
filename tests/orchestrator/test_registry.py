"""A new AI task is one registration in one app: the gateway, its admin and its background
tasks pick it up with no edit of their own and no migration."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from orchestrator import registry
from orchestrator.models import AITask, RoutingRule
from orchestrator.registry import QUALITY, AITaskSpec, runner_register, task_register
from orchestrator.services import generate_task
from orchestrator.tasks import run_ai_task

pytestmark = pytest.mark.django_db

INTERVIEW = AITaskSpec(
    name="interview_prep",
    label="Interview preparation",
    system_prompt="You prepare candidates for interviews.",
    response_schema={
        "type": "object",
        "properties": {"questions": {"type": "array", "items": {"type": "string"}}},
        "required": ["questions"],
    },
    temperature=0.2,
    tiers={"PRO_MONTHLY": QUALITY},
)


@pytest.fixture
def interview_task(monkeypatch):
    """The task registered as an app's ready() would, for this test only."""
    monkeypatch.setattr(registry, "_tasks", dict(registry._tasks))
    monkeypatch.setattr(registry, "_runners", dict(registry._runners))
    task_register(INTERVIEW)
    return INTERVIEW


def test_a_registered_task_is_served_with_its_schema_and_logged(interview_task, user):
    result = generate_task(user=user, task=interview_task, prompt="Backend engineer at Acme.")
    assert result.provider == "offline" and result.data == {"questions": []}
    assert user.usage_logs.get().task_type == "interview_prep"


def test_its_default_tiers_are_seeded_and_shown_in_the_routing_matrix(interview_task, admin_client):
    call_command("seed_defaults", verbosity=0)
    rule = RoutingRule.objects.get(plan__code="PRO_MONTHLY", task="interview_prep")
    assert rule.tier == "quality"
    assert RoutingRule.objects.get(plan__code="FREEMIUM", task="interview_prep").tier == "fast"
    page = admin_client.get("/admin/orchestrator/routingrule/matrix/")
    assert page.status_code == 200 and "Interview preparation" in page.content.decode()


def test_its_background_runner_is_found_by_kind(interview_task, user):
    runner_register("interview_prep", lambda *, user, role: {"questions": [f"Why {role}?"]})
    task = AITask.objects.create(owner=user, kind="interview_prep", params={"role": "Django"})
    run_ai_task(str(task.pk))
    task.refresh_from_db()
    assert (task.status, task.result) == ("succeeded", {"questions": ["Why Django?"]})


def test_registering_a_different_task_under_a_taken_name_is_refused(interview_task):
    with pytest.raises(ValueError, match="registered twice"):
        task_register(AITaskSpec(name="interview_prep", label="Something else"))
