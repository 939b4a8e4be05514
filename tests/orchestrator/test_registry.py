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

SALARY = AITaskSpec(
    name="salary_advice",
    label="Salary advice",
    system_prompt="You advise candidates on salary offers.",
    response_schema={
        "type": "object",
        "properties": {"advice": {"type": "array", "items": {"type": "string"}}},
        "required": ["advice"],
    },
    temperature=0.2,
    tiers={"PRO_MONTHLY": QUALITY},
)


@pytest.fixture
def salary_task(monkeypatch):
    """The task registered as an app's ready() would, for this test only."""
    monkeypatch.setattr(registry, "_tasks", dict(registry._tasks))
    monkeypatch.setattr(registry, "_runners", dict(registry._runners))
    task_register(SALARY)
    return SALARY


def test_a_registered_task_is_served_with_its_schema_and_logged(salary_task, user):
    result = generate_task(user=user, task=salary_task, prompt="Backend engineer at Acme.")
    assert result.provider == "offline" and result.data == {"advice": []}
    assert user.usage_logs.get().task_type == "salary_advice"


def test_its_default_tiers_are_seeded_and_shown_in_the_routing_matrix(salary_task, admin_client):
    call_command("seed_defaults", verbosity=0)
    rule = RoutingRule.objects.get(plan__code="PRO_MONTHLY", task="salary_advice")
    assert rule.tier == "quality"
    assert RoutingRule.objects.get(plan__code="FREEMIUM", task="salary_advice").tier == "fast"
    page = admin_client.get("/admin/orchestrator/routingrule/matrix/")
    assert page.status_code == 200 and "Salary advice" in page.content.decode()


def test_its_background_runner_is_found_by_kind(salary_task, user):
    runner_register("salary_advice", lambda *, user, role: {"advice": [f"Ask more for {role}."]})
    task = AITask.objects.create(owner=user, kind="salary_advice", params={"role": "Django"})
    run_ai_task(str(task.pk))
    task.refresh_from_db()
    assert (task.status, task.result) == ("succeeded", {"advice": ["Ask more for Django."]})


def test_registering_a_different_task_under_a_taken_name_is_refused(salary_task):
    with pytest.raises(ValueError, match="registered twice"):
        task_register(AITaskSpec(name="salary_advice", label="Something else"))
