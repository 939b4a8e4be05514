"""Letters that read like a person wrote them: rules that catch a letter repeating itself,
contradicting itself about the posting, or leaving out every figure of a profile that has
some; the offline letter keeps them, and an AI letter that breaks them carries warnings.
An exported letter is addressed as a letter is: sender, date, recipient."""

from __future__ import annotations

import copy
import io
import json
from datetime import date
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from letters.offline import draft_letter
from letters.rules import hiring_manager_in, letter_quality_problems
from letters.schemas import TONES
from tests.fixtures.profiles import BACKEND_JOB, LETTER_URL, RICH, SPARSE
from tests.support.doubles.vendors import Reply

pytestmark = pytest.mark.django_db

DATA_JOB = dict(
    BACKEND_JOB,
    title="Data Engineer",
    skills=["Python", "Airflow", "SQL"],
    keywords=["Airflow", "Spark"],
)


def job(fields: dict) -> SimpleNamespace:
    return SimpleNamespace(**fields)


def letter(*paragraphs: str) -> dict:
    return {"paragraphs": list(paragraphs)}


def test_a_letter_that_repeats_itself_is_caught():
    text = "I am a Data Engineer, currently working as a Data Engineer at Parcelly Ltd."

    problems = letter_quality_problems(letter(text, "", ""), profile=RICH, job=job(DATA_JOB))

    assert 'The letter repeats "a data engineer".' in problems


def test_names_of_the_company_and_of_employers_may_recur():
    text = (
        "I led 14 migrations at Parcelly Ltd. I want to help Acme Freight grow. "
        "At Parcelly Ltd I also cut costs, and I would help Acme Freight do the same."
    )

    assert letter_quality_problems(letter(text), profile=RICH, job=job(BACKEND_JOB)) == []


def test_a_skill_set_apart_from_a_posting_that_asks_for_it_is_caught():
    text = "I cut costs by 35%. Beyond what the posting names, my skills include Airflow and Redis."

    problems = letter_quality_problems(letter(text), profile=RICH, job=job(DATA_JOB))

    assert problems == [
        "The letter sets Airflow apart from the posting, but the posting asks for it."
    ]


def test_a_letter_without_a_figure_when_the_profile_has_some_is_caught():
    text = "I built APIs at Parcelly Ltd and pipelines at ShopWave. I would like to join you."

    problems = letter_quality_problems(letter(text), profile=RICH, job=job(BACKEND_JOB))

    assert len(problems) == 1
    assert problems[0].startswith("The letter has no figure, though your profile has some")
    # A profile without figures asks for none.
    assert letter_quality_problems(letter(text), profile=SPARSE, job=job(BACKEND_JOB)) == []


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(
    "profile, fields", [(RICH, BACKEND_JOB), (RICH, DATA_JOB), (SPARSE, BACKEND_JOB)]
)
def test_the_offline_letter_keeps_every_quality_rule(tone, profile, fields):
    written = draft_letter(profile, fields, tone)

    assert letter_quality_problems(written, profile=profile, job=job(fields)) == []


def test_the_offline_letter_is_built_on_the_best_matching_facts_with_their_figures():
    written = " ".join(draft_letter(RICH, BACKEND_JOB, "professional")["paragraphs"])

    # The highlights that name the job's terms, with the profile's strongest figures.
    assert "14 services from Heroku to AWS" in written
    assert "cutting hosting costs by 35%" in written
    assert "2 million requests a day" in written
    # Who the candidate is, said once.
    assert "I am a Backend Software Engineer, currently at Parcelly Ltd." in written
    assert "Senior Software Engineer" not in written
    # Skills the posting asks for are never "beyond" it.
    beyond = written.split("Beyond what the posting names", 1)[1].split(".")[0]
    assert not {"Python", "Django", "PostgreSQL", "AWS"} & set(beyond.replace(",", " ").split())


def test_an_ai_letter_that_repeats_itself_is_saved_with_the_rule_as_a_warning(
    api_client, openai_double, make_provider, job, with_profile, good_letter
):
    make_provider(openai_double)
    repeating = copy.deepcopy(good_letter)
    repeating["paragraphs"][0] = repeating["paragraphs"][0].replace(
        "I am a backend software engineer",
        "I am a backend software engineer, working as a backend software engineer,",
    )
    openai_double.default = Reply.ok(json.dumps(repeating))

    response = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json")

    assert response.status_code == 201
    assert 'The letter repeats "a backend software".' in response.json()["data"]["warnings"]
    assert openai_double.request_count == 1  # a warning, not a regeneration


def test_an_exported_letter_has_the_sender_block_the_date_and_the_recipient(
    api_client, user, make_job, with_profile
):
    named = make_job(
        user, description="Acme Freight moves pallets. Hiring manager: Priya Shah, Platform."
    )
    created = api_client.post(LETTER_URL, {"job_id": named.pk}, format="json").json()["data"]

    body = api_client.get(f"/api/v1/letters/{created['id']}/export", {"format": "pdf"}).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)

    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "Amara Okafor"
    assert "amara.okafor@example.com" in lines[1] and "+44 20 7946 0321" in lines[1]
    day = created["content"]["date"]
    assert created["content"]["recipient"] == {
        "name": "Priya Shah",
        "company": "Acme Freight",
        "location": "London, UK",
    }
    assert created["content"]["greeting"] == "Dear Priya Shah,"
    assert date.fromisoformat(day).strftime("%B %Y") in text
    assert text.index("Priya Shah") < text.index("Acme Freight") < text.index("Subject:")


def test_the_hiring_manager_is_a_name_on_the_line_that_names_them():
    posting = "We build APIs. Hiring manager: Priya Shah\n\nRequirements:\n- Python"

    assert hiring_manager_in([posting]) == "Priya Shah"
    assert hiring_manager_in(["Contact us at jobs@example.com"]) == ""
