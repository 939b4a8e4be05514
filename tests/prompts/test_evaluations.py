"""manage.py eval_prompts on the offline provider, what it stores and shows, and the promotion
gate that reads it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from orchestrator.models import UsageLog
from prompts.models import Evaluation, PromptGate, PromptLive, PromptVersion

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("eval_prompts", *args, stdout=out)
    return out.getvalue()


def letter_v2() -> PromptVersion:
    v1 = PromptVersion.objects.get(task="cover_letter", number=1)
    return PromptVersion.objects.create(
        task="cover_letter",
        number=2,
        system_prompt=v1.system_prompt + " Keep it warm.",
        user_template=v1.user_template,
    )


def test_the_live_letter_prompt_is_evaluated_on_the_profiles_and_jobs():
    table = run("cover_letter")

    evaluation = Evaluation.objects.get()
    assert evaluation.version.label == "cover_letter@1" and evaluation.provider == "offline"
    assert evaluation.cases == 8  # 2 fixture profiles × 4 fixture jobs
    assert set(evaluation.figures) == {"rules passed", "length in range", "quality passed"}
    assert all(0 <= value <= 1 for value in evaluation.figures.values())
    lines = table.splitlines()
    assert lines[0].split() == ["cover_letter@1"]
    assert any(line.startswith("rules passed") for line in lines)
    assert any(line.split()[:2] == ["cases", "8"] for line in lines)
    # Through the gateway like any call: each case left its usage row, naming the version.
    rows = UsageLog.objects.filter(task_type="cover_letter")
    assert rows.count() == 8 and {row.prompt_version for row in rows} == {"cover_letter@1"}


def test_a_version_is_evaluated_against_another_side_by_side():
    letter_v2()

    table = run("cover_letter", "--version", "2", "--against", "1", "--limit", "2")

    assert table.splitlines()[0].split() == ["cover_letter@2", "cover_letter@1"]
    assert sorted(e.version.number for e in Evaluation.objects.all()) == [1, 2]
    labels = set(UsageLog.objects.values_list("prompt_version", flat=True))
    assert labels == {"cover_letter@1", "cover_letter@2"}
    assert PromptVersion.objects.get(number=2, task="cover_letter").used_at is not None


@pytest.mark.parametrize(
    ("task", "graders"),
    [
        ("extraction", {"fields right"}),
        ("cv_draft", {"fact check passed", "match score", "length within bounds"}),
        ("interview_prep", {"facts cited", "answers outlined"}),
    ],
)
def test_each_task_is_graded_by_its_own_graders(task, graders):
    run(task, "--limit", "3")

    evaluation = Evaluation.objects.get()
    assert evaluation.cases == 3 and set(evaluation.figures) == graders


def test_the_offline_extraction_gets_most_fields_of_the_corpus_right():
    run("extraction")

    evaluation = Evaluation.objects.get()
    assert evaluation.cases >= 20
    assert evaluation.figures["fields right"] > 0.5


def test_an_unknown_task_or_version_is_refused():
    with pytest.raises(CommandError, match="no evaluation set"):
        run("provider_test")
    with pytest.raises(CommandError, match="cover_letter has no version 7"):
        run("cover_letter", "--version", "7")
    with pytest.raises(CommandError, match='No active provider of type "gemini" is configured'):
        run("cover_letter", "--provider", "gemini")


def test_a_paid_run_says_what_it_may_cost_and_waits_for_a_yes(
    make_provider, openai_double, monkeypatch
):
    make_provider(openai_double)
    asked = []
    monkeypatch.setattr("builtins.input", lambda question: asked.append(question) or "n")
    out = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was run"):
        call_command("eval_prompts", "cover_letter", "--provider", "openai", stdout=out)

    assert "8 calls to openai will cost up to about $" in out.getvalue()
    assert asked and openai_double.request_count == 0
    assert not Evaluation.objects.exists()


# --- The promotion gate ---------------------------------------------------------------------


def evaluated(version: PromptVersion, **figures: float) -> None:
    Evaluation.objects.create(version=version, provider="offline", cases=8, figures=figures)


def make_live(client, version: PromptVersion, action: str = "make_live", note: str = ""):
    return client.post(
        reverse("admin:prompts_promptversion_changelist"),
        {"action": action, "_selected_action": [version.pk], "note": note},
        follow=True,
    )


def test_a_version_worse_than_the_live_one_is_not_made_live(su_client):
    v1 = PromptVersion.objects.get(task="cover_letter", number=1)
    evaluated(v1, **{"rules passed": 0.9, "length in range": 1.0})
    v2 = letter_v2()
    evaluated(v2, **{"rules passed": 0.8, "length in range": 1.0})

    page = make_live(su_client, v2).content.decode()

    assert "Version cover_letter@2 cannot go live: rules passed: 0.800 against the live" in page
    assert PromptLive.objects.get(task="cover_letter").version == v1


def test_a_version_within_the_tolerance_is_made_live(su_client):
    PromptGate.objects.create(pk=1, tolerance="0.05")
    evaluated(PromptVersion.objects.get(task="cover_letter", number=1), **{"rules passed": 0.9})
    v2 = letter_v2()
    evaluated(v2, **{"rules passed": 0.86})

    page = make_live(su_client, v2).content.decode()

    assert "Version cover_letter@2 is live." in page
    assert PromptLive.objects.get(task="cover_letter").version == v2


def test_a_version_never_evaluated_is_not_made_live(su_client):
    v2 = letter_v2()

    page = make_live(su_client, v2).content.decode()

    assert "cover_letter@2 has no evaluation: run manage.py eval_prompts first." in page


def test_a_superuser_overrides_the_gate_with_a_note(su_client):
    v2 = letter_v2()

    refused = make_live(su_client, v2, "make_live_overriding_gate").content.decode()
    assert "Only a superuser may override the gate, with a note." in refused

    make_live(su_client, v2, "make_live_overriding_gate", note="the rules grader is off")

    live = PromptLive.objects.get(task="cover_letter")
    assert live.version == v2 and live.override_note == "the rules grader is off"


def test_staff_who_are_not_superusers_cannot_override(db, django_user_model):
    from django.contrib.auth.models import Permission
    from django.test import Client

    staff = django_user_model.objects.create_user("sam", "sam@example.com", "x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="prompts"))
    client = Client()
    client.force_login(staff)
    v2 = letter_v2()

    page = make_live(client, v2, "make_live_overriding_gate", note="trust me").content.decode()

    assert "Only a superuser may override the gate, with a note." in page
    assert PromptLive.objects.get(task="cover_letter").version.number == 1


def test_the_gate_compares_evaluations_on_the_same_provider(su_client):
    evaluated(PromptVersion.objects.get(task="cover_letter", number=1), **{"rules passed": 0.9})
    v2 = letter_v2()
    Evaluation.objects.create(
        version=v2, provider="openai", cases=8, figures={"rules passed": 0.95}
    )

    page = make_live(su_client, v2).content.decode()

    assert "The live cover_letter@1 has no evaluation on openai: run manage.py eval_prompts " in (
        page
    )
    assert PromptLive.objects.get(task="cover_letter").version.number == 1
