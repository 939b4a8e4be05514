"""The prompt registry as an operator uses it: versions written in the admin, refused when a
template names the wrong variables, never changed once used, compared in a diff; and what the
gateway then sends and records."""

import pytest
from django.urls import reverse

from letters.services import draft_cover_letter
from orchestrator.models import UsageCapture, UsageLog
from prompts.models import Evaluation, PromptLive, PromptVersion
from prompts.services import version_make_live

pytestmark = pytest.mark.django_db

ADD = reverse("admin:prompts_promptversion_add")


def letter_v1() -> PromptVersion:
    return PromptVersion.objects.get(task="cover_letter", number=1)


def form(**changes) -> dict:
    v1 = letter_v1()
    data = {
        "task": "cover_letter",
        "system_prompt": v1.system_prompt,
        "user_template": v1.user_template,
        "note": "",
        # The evaluations inline's management form, as the admin page sends it.
        "evaluations-TOTAL_FORMS": "0",
        "evaluations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_the_code_prompts_are_version_1_and_live():
    for task in ("extraction", "image_check", "cv_draft", "cover_letter", "interview_prep"):
        live = PromptLive.objects.get(task=task)
        assert live.version.number == 1 and live.version.used_at is not None


def test_an_operator_writes_a_new_version_in_the_admin(su_client, superuser):
    wording = letter_v1().user_template.replace("Write a $tone", "Write a short, $tone")
    response = su_client.post(ADD, form(user_template=wording, note="shorter"))

    assert response.status_code == 302
    v2 = PromptVersion.objects.get(task="cover_letter", number=2)
    assert v2.user_template == wording and v2.author == superuser and v2.note == "shorter"
    assert v2.used_at is None


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "Write a $mood letter.\n\n$tone_block\n\n$profile\n\n$job$feedback",
            "$mood is not a variable of this task",
        ),
        ("Write a $tone letter.\n\n$tone_block\n\n$job$feedback", "$profile is required"),
        ("Costs $ 5.\n\n$tone_block\n\n$profile\n\n$job$feedback", "a lone $ on line 1: write $$"),
    ],
)
def test_a_template_with_the_wrong_variables_is_refused(su_client, template, message):
    response = su_client.post(ADD, form(user_template=template))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PromptVersion.objects.filter(task="cover_letter", number=2).exists()


def test_the_system_prompt_takes_no_variables(su_client):
    response = su_client.post(ADD, form(system_prompt="You write letters for $profile."))

    assert "System prompt: it takes no variables" in response.content.decode()
    assert PromptVersion.objects.filter(task="cover_letter").count() == 1


def test_editing_a_used_version_saves_a_new_one(su_client):
    v1 = letter_v1()
    before = v1.user_template
    url = reverse("admin:prompts_promptversion_change", args=[v1.pk])

    response = su_client.post(url, form(user_template=before + "\n\nBe brief."), follow=True)

    assert "Version cover_letter@1 has been used, so it stays as it was: your edit is " in (
        response.content.decode()
    )
    v1.refresh_from_db()
    assert v1.user_template == before
    assert PromptVersion.objects.get(task="cover_letter", number=2).user_template.endswith(
        "Be brief."
    )


def test_an_unused_version_is_edited_in_place(su_client):
    su_client.post(ADD, form(note="draft"))
    v2 = PromptVersion.objects.get(task="cover_letter", number=2)
    url = reverse("admin:prompts_promptversion_change", args=[v2.pk])

    su_client.post(url, form(note="draft, reworded"))

    assert PromptVersion.objects.filter(task="cover_letter").count() == 2
    v2.refresh_from_db()
    assert v2.note == "draft, reworded"


def test_the_diff_shows_what_changed_and_escapes_it(su_client):
    su_client.post(ADD, form(user_template=letter_v1().user_template + "\n\n<b>Be brief</b>."))
    v2 = PromptVersion.objects.get(task="cover_letter", number=2)

    page = su_client.get(reverse("admin:prompts_promptversion_diff", args=[v2.pk])).content
    text = page.decode()

    assert text.count("<h1>cover_letter@2 against cover_letter@1</h1>") == 1
    assert "&lt;b&gt;Be" in text and "<b>Be" not in text
    assert 'class="diff_add"' in text
    # The system prompt did not change: said in a word, not shown twice side by side.
    assert "<h2>System prompt</h2><p>Unchanged.</p>" in text
    assert text.count('<table class="diff"') == 1


def _new_version(text_change: str) -> PromptVersion:
    v1 = letter_v1()
    return PromptVersion.objects.create(
        task="cover_letter",
        number=2,
        system_prompt=v1.system_prompt,
        user_template=v1.user_template.replace("Write a $tone", text_change),
    )


def test_the_gateway_sends_the_live_version_and_names_it_on_the_usage_row(
    user, superuser, profile, job_data, settings
):
    settings.AI_CAPTURE_PAYLOADS = True
    first = draft_cover_letter(user=user, master_profile=profile, job_data=job_data, tone="warm")
    v2 = _new_version("Write a brief, $tone")
    version_make_live(version=v2, user=superuser, override_note="trying it")

    second = draft_cover_letter(user=user, master_profile=profile, job_data=job_data, tone="warm")

    rows = UsageLog.objects.filter(task_type="cover_letter").order_by("pk")
    assert [row.prompt_version for row in rows] == ["cover_letter@1", "cover_letter@2"]
    assert (first.prompt_version, second.prompt_version) == ("cover_letter@1", "cover_letter@2")
    # Two versions never share a cached answer.
    assert not second.cached
    sent = UsageCapture.objects.get(usage_log=rows.last()).prompt
    assert sent.startswith("Write a brief, warm cover letter") and "<profile>" in sent


def test_a_task_without_a_row_falls_back_to_the_code_prompt(user, profile, job_data):
    PromptLive.objects.all().delete()

    result = draft_cover_letter(user=user, master_profile=profile, job_data=job_data)

    assert result.prompt_version == "cover_letter@code"
    assert result.data["paragraphs"]  # the offline provider read the blocks as ever
    assert UsageLog.objects.get().prompt_version == "cover_letter@code"


def test_a_warm_call_reads_no_prompt_row(user, profile, job_data, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft_cover_letter(user=user, master_profile=profile, job_data=job_data, use_cache=False)
    with CaptureQueriesContext(connection) as queries:
        draft_cover_letter(user=user, master_profile=profile, job_data=job_data, use_cache=False)

    assert queries.captured_queries  # the usage row was written
    assert not [q for q in queries.captured_queries if "prompts_" in q["sql"]]


def test_an_evaluation_is_shown_next_to_its_version(su_client):
    Evaluation.objects.create(
        version=letter_v1(), provider="offline", cases=6, figures={"rules passed": 0.5}
    )

    page = su_client.get(reverse("admin:prompts_promptversion_changelist")).content.decode()

    assert "rules passed 0.50" in page


def test_a_used_version_cannot_be_deleted(su_client):
    v1 = letter_v1()
    su_client.post(ADD, form(note="draft"))
    v2 = PromptVersion.objects.get(task="cover_letter", number=2)

    refused = su_client.post(reverse("admin:prompts_promptversion_delete", args=[v1.pk]))
    su_client.post(reverse("admin:prompts_promptversion_delete", args=[v2.pk]), {"post": "yes"})

    assert refused.status_code == 403
    assert list(
        PromptVersion.objects.filter(task="cover_letter").values_list("number", flat=True)
    ) == [1]
