"""Experiments: a task's traffic split between prompt versions, sticky per user, started,
stopped and promoted in the admin, composed with the routing matrix's tier."""

from collections import Counter

import pytest
from django.urls import reverse

from letters.services import draft_cover_letter
from orchestrator.models import UsageLog
from prompts.models import Evaluation, Experiment, ExperimentArm, PromptLive, PromptVersion
from prompts.selectors import arm_index, bucket
from prompts.services import experiment_start

pytestmark = pytest.mark.django_db

VERSIONS = reverse("admin:prompts_promptversion_changelist")


def letter_versions() -> tuple[PromptVersion, PromptVersion]:
    v1 = PromptVersion.objects.get(task="cover_letter", number=1)
    v2 = PromptVersion.objects.create(
        task="cover_letter",
        number=2,
        system_prompt=v1.system_prompt + " Keep it warm.",
        user_template=v1.user_template,
    )
    return v1, v2


@pytest.mark.parametrize("percents", [[50, 50], [90, 10], [20, 30, 50]])
def test_the_split_is_within_3_points_of_its_target_over_10000_users(percents):
    bounds, total = [], 0
    for percent in percents:
        total += percent
        bounds.append((total, None))

    counts = Counter(arm_index(bounds, bucket(7, user_id)) for user_id in range(1, 10_001))

    for arm, percent in enumerate(percents):
        assert abs(counts[arm] / 100 - percent) <= 3, (arm, counts)


def test_the_same_user_always_gets_the_same_arm_and_experiments_split_apart():
    assert all(bucket(3, user_id) == bucket(3, user_id) for user_id in range(1000))
    assert all(0 <= bucket(3, user_id) < 100 for user_id in range(1000))
    # Another experiment places the same users anew: arms never line up across experiments.
    same = sum((bucket(3, u) < 50) == (bucket(4, u) < 50) for u in range(1, 10_001))
    assert 4_700 < same < 5_300


def test_an_operator_starts_a_50_50_experiment_in_the_admin(su_client):
    v1, v2 = letter_versions()

    page = su_client.post(
        VERSIONS, {"action": "start_experiment", "_selected_action": [v1.pk, v2.pk]}, follow=True
    ).content.decode()

    assert "Experiment started: cover_letter@1 50%, cover_letter@2 50%." in page
    experiment = Experiment.objects.get()
    assert experiment.status == "running" and experiment.task == "cover_letter"
    assert [(a.version.number, a.percent) for a in experiment.arms.all()] == [(1, 50), (2, 50)]
    assert PromptVersion.objects.get(pk=v2.pk).used_at is not None  # now immutable


def test_a_second_experiment_on_the_same_task_is_refused(su_client):
    v1, v2 = letter_versions()
    experiment_start(versions=[v1, v2])

    page = su_client.post(
        VERSIONS, {"action": "start_experiment", "_selected_action": [v1.pk, v2.pk]}, follow=True
    ).content.decode()

    assert "An experiment on cover_letter is running already: stop it first." in page


def test_each_user_keeps_their_arm_and_their_rows_name_it(django_user_model, profile, job_data):
    v1, v2 = letter_versions()
    experiment = experiment_start(versions=[v1, v2])
    users = [django_user_model.objects.create_user(f"u{i}") for i in range(12)]

    for user in users:
        for _ in range(2):
            draft_cover_letter(user=user, master_profile=profile, job_data=job_data)

    for user in users:
        expected = "cover_letter@1" if bucket(experiment.pk, user.pk) < 50 else "cover_letter@2"
        rows = UsageLog.objects.filter(user=user)
        assert [row.prompt_version for row in rows] == [expected, expected]
    assert {row.prompt_version for row in UsageLog.objects.all()} == {
        "cover_letter@1",
        "cover_letter@2",
    }


def test_the_plan_decides_the_tier_unless_the_arm_names_one(su_client, user, profile, job_data):
    v1, v2 = letter_versions()
    experiment = experiment_start(versions=[v1, v2])
    draft_cover_letter(user=user, master_profile=profile, job_data=job_data)
    arms = list(experiment.arms.all())
    form = {
        "name": experiment.name,
        "arms-TOTAL_FORMS": "2",
        "arms-INITIAL_FORMS": "2",
        **{f"arms-{i}-id": str(arm.pk) for i, arm in enumerate(arms)},
        **{f"arms-{i}-experiment": str(experiment.pk) for i in range(2)},
        **{f"arms-{i}-tier": "quality" for i in range(2)},
    }

    response = su_client.post(
        reverse("admin:prompts_experiment_change", args=[experiment.pk]), form
    )
    draft_cover_letter(user=user, master_profile=profile, job_data=job_data, use_cache=False)

    assert response.status_code == 302
    assert list(ExperimentArm.objects.values_list("tier", flat=True)) == ["quality"] * 2
    rows = UsageLog.objects.order_by("pk")
    assert [(row.plan, row.tier) for row in rows] == [("FREEMIUM", "fast"), ("FREEMIUM", "quality")]


def test_stopping_gives_everyone_the_live_version_again(su_client, user, profile, job_data):
    v1, v2 = letter_versions()
    experiment = experiment_start(versions=[v1, v2], percents=[1, 99])

    su_client.post(
        reverse("admin:prompts_experiment_changelist"),
        {"action": "stop", "_selected_action": [experiment.pk]},
    )
    draft_cover_letter(user=user, master_profile=profile, job_data=job_data)

    assert Experiment.objects.get().status == "stopped"
    assert UsageLog.objects.get().prompt_version == "cover_letter@1"


def test_promoting_an_arm_makes_it_live_and_ends_the_experiment_through_the_gate(su_client):
    v1, v2 = letter_versions()
    experiment_start(versions=[v1, v2])
    Evaluation.objects.create(version=v1, provider="offline", cases=8, figures={"rules": 1.0})
    Evaluation.objects.create(version=v2, provider="offline", cases=8, figures={"rules": 0.5})

    refused = su_client.post(
        VERSIONS, {"action": "make_live", "_selected_action": [v2.pk]}, follow=True
    ).content.decode()
    assert "Version cover_letter@2 cannot go live" in refused
    assert Experiment.objects.get().status == "running"

    Evaluation.objects.create(version=v2, provider="offline", cases=8, figures={"rules": 1.0})
    su_client.post(VERSIONS, {"action": "make_live", "_selected_action": [v2.pk]})

    assert PromptLive.objects.get(task="cover_letter").version == v2
    assert Experiment.objects.get().status == "stopped"
