"""The experiment's page in the admin: per arm, what its calls did and cost, what the product's
checks found in its drafts and what became of them, and how sure the difference is."""

import pytest
from django.urls import reverse

from applications.services import application_create
from applications.statuses import Status
from cvs.services import profile_update
from jobs.models import Job
from letters.services import letter_generate
from prompts.figures import Mean, Rate, difference
from prompts.models import PromptVersion
from prompts.selectors import bucket
from prompts.services import experiment_start, experiment_stop

pytestmark = pytest.mark.django_db


def test_the_difference_of_two_rates_has_its_95_percent_interval():
    # 60% of 100 against 50% of 100: +10 points, ± 1.96 × √(.25/100 + .24/100) = ± 13.7.
    assert difference(Rate(50, 100), Rate(60, 100)) == "+10.0% ± 13.7%"
    assert difference(Rate(0, 0), Rate(6, 10)) == "-"


def test_the_difference_of_two_means_has_welchs_interval():
    # √(10²/25 + 20²/16) = √(4 + 25) = 5.385 → ± 10.6
    assert difference(Mean(100.0, 10.0, 25), Mean(130.0, 20.0, 16)) == "+30.0 ± 10.6"
    assert difference(Mean(100.0, 10.0, 1), Mean(130.0, 20.0, 16)) == "-"


def test_the_admin_shows_each_arms_calls_checks_and_outcomes(
    su_client, django_user_model, profile, job_data
):
    v1 = PromptVersion.objects.get(task="cover_letter", number=1)
    v2 = PromptVersion.objects.create(
        task="cover_letter",
        number=2,
        system_prompt=v1.system_prompt,
        user_template=v1.user_template.replace("Write a $tone", "Write a crisp $tone"),
    )
    experiment = experiment_start(versions=[v1, v2])
    arms = {"cover_letter@1": 0, "cover_letter@2": 0}
    for i in range(10):
        user = django_user_model.objects.create_user(f"user{i}")
        profile_update(user=user, data=profile)
        job = Job.objects.create(owner=user, source=Job.Source.TEXT, **job_data)
        letter = letter_generate(user=user, job_id=job.pk)
        status = Status.INTERVIEW if i % 2 else Status.APPLIED
        application_create(user=user, job_id=job.pk, letter_id=letter.pk, status=status)
        arm = "cover_letter@1" if bucket(experiment.pk, user.pk) < 50 else "cover_letter@2"
        assert letter.prompt_version == arm
        arms[arm] += 1
    experiment_stop(experiment=experiment)

    page = su_client.get(
        reverse("admin:prompts_experiment_change", args=[experiment.pk])
    ).content.decode()

    for column in (
        "calls",
        "cost",
        "latency ms",
        "rules passed",
        "edit distance before sending",
        "interview rate",
        "interview rate: difference (95% CI)",
    ):
        assert f"<th>{column}</th>" in page
    for label, calls in arms.items():
        assert f"<td>{label} 50%</td><td>{calls}</td>" in page
    assert " ± " in page  # the second arm's differences from the first
    # The same table on the usage dashboard, for the period the experiment ran in.
    dashboard = su_client.get("/admin/orchestrator/usagelog/dashboard/", {"period": "24h"})
    section = dashboard.content.decode().split('id="prompt-experiments"')[1]
    assert f"{experiment.name} · Cover letter · stopped since" in section
    for label, calls in arms.items():
        assert f"<td>{label} 50%</td><td>{calls}</td>" in section
    assert " ± " in section
