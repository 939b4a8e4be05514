"""The offline provider: useful answers with no key and no network, and honest about images."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import jsonschema
import pytest

from core.prompting import block
from cvs import offline as offline_cv
from cvs.factcheck import cv_fact_problems
from cvs.schemas import CV_SCHEMA
from jobs.schemas import JOB_SCHEMA
from letters import offline as offline_letter
from letters.rules import letter_problems
from letters.schemas import LETTER_SCHEMA, TONES
from orchestrator.providers import BAD_REQUEST, ProviderError
from orchestrator.providers.offline import OfflineAdapter
from orchestrator.request import AIRequest

DATA = Path(__file__).resolve().parent.parent / "data"
PROFILES = ("rich", "sparse")
JOB_PAGES = ("acme_backend_jsonld.html", "brightside_no_jsonld.html", "plain_posting.txt")


def posting(name: str) -> str:
    return (DATA / "jobs" / name).read_text(encoding="utf-8")


def profile(name: str) -> dict:
    return json.loads((DATA / "profiles" / f"{name}.json").read_text(encoding="utf-8"))


def ask(task: str, prompt: str, **kwargs):
    request = AIRequest(task=task, prompt=prompt, **kwargs)
    return OfflineAdapter().generate(request, model="offline")


def extract(name: str) -> dict:
    reply = ask("extraction", "Extract the job.\n" + block("posting", posting(name)))
    job = json.loads(reply.text)
    jsonschema.validate(job, JOB_SCHEMA)
    return job


def draft_cv(profile_name: str, job: dict) -> dict:
    prompt = block("profile", profile(profile_name)) + "\n" + block("job", job)
    cv = json.loads(ask("cv_draft", prompt, json_schema=CV_SCHEMA).text)
    jsonschema.validate(cv, CV_SCHEMA)
    return cv


def draft_letter(profile_name: str, job: dict, tone: str) -> dict:
    prompt = "\n".join(
        [block("profile", profile(profile_name)), block("job", job), block("tone", tone)]
    )
    letter = json.loads(ask("cover_letter", prompt, json_schema=LETTER_SCHEMA).text)
    jsonschema.validate(letter, LETTER_SCHEMA)
    return letter


# ---------------------------------------------------------------- extraction


def test_extraction_reads_a_pages_json_ld():
    job = extract("acme_backend_jsonld.html")

    assert (job["title"], job["company"]) == ("Senior Backend Engineer (Python)", "Acme Analytics")
    assert job["salary"] == "USD 120,000–150,000 per year"


def test_extraction_falls_back_to_the_pages_main_text():
    job = extract("brightside_no_jsonld.html")

    assert (job["title"], job["company"]) == ("Customer Success Manager", "Brightside Software")
    assert "Working knowledge of Salesforce or HubSpot" in job["requirements"]
    assert "Find jobs" not in job["description"]


def test_extraction_reads_pasted_text():
    job = extract("plain_posting.txt")

    assert (job["title"], job["company"]) == ("Frontend Developer", "Lumen Labs")


def test_extraction_without_a_posting_block_is_a_bad_request():
    with pytest.raises(ProviderError) as caught:
        ask("extraction", "Extract the job from nothing.")

    assert caught.value.kind == BAD_REQUEST and caught.value.retryable is False


# ---------------------------------------------------------------- images


@pytest.mark.parametrize("task", ["extraction", "image_check", None])
def test_images_are_refused_plainly_and_not_retried(task):
    with pytest.raises(ProviderError) as caught:
        ask(task, "Is this a job posting?", image=b"\x89PNG\r\n\x1a\n", image_mime="image/png")

    assert caught.value.kind == BAD_REQUEST
    assert caught.value.retryable is False
    assert "cannot read images" in caught.value.message
    assert "Gemini, OpenAI or Claude" in caught.value.message


# ---------------------------------------------------------------- CV


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("page", JOB_PAGES)
def test_cv_names_only_the_profiles_employers_and_degrees(profile_name, page):
    cv = draft_cv(profile_name, extract(page))
    own = profile(profile_name)

    assert cv_fact_problems(cv, own) == []
    assert [e["employer"] for e in cv["experience"]] == [w["name"] for w in own["work"]]
    assert [e["title"] for e in cv["experience"]] == [w["position"] for w in own["work"]]
    assert [e["start_date"] for e in cv["experience"]] == [
        w.get("startDate", "") for w in own["work"]
    ]


def test_cv_puts_the_jobs_keywords_first_and_only_lists_skills_the_profile_has():
    job = extract("acme_backend_jsonld.html")
    cv = draft_cv("rich", job)
    own = {s["name"] for s in profile("rich")["skills"]} | {
        k for s in profile("rich")["skills"] for k in s.get("keywords", [])
    }

    assert set(cv["skills"]) <= own
    assert cv["skills"][:5] == ["Python", "PostgreSQL", "REST", "GraphQL", "Django"]
    assert "Terraform" in cv["skills"][5:]  # the profile's, though the job does not ask for it
    assert cv["summary"].startswith("Backend Software Engineer skilled in Python, PostgreSQL")


def test_cv_orders_each_roles_bullets_by_the_jobs_keywords():
    cv = draft_cv("rich", extract("acme_backend_jsonld.html"))
    parcelly = cv["experience"][0]

    assert parcelly["bullets"][0].startswith("Designed a Django REST API")
    assert parcelly["bullets"][-1].startswith("Mentored three junior engineers")
    assert sorted(parcelly["bullets"]) == sorted(profile("rich")["work"][0]["highlights"])


def test_cv_headline_and_target():
    acme = extract("acme_backend_jsonld.html")
    rich, sparse = draft_cv("rich", acme), draft_cv("sparse", acme)

    # The headline is what the candidate is (the profile's label), never the job applied for.
    assert rich["header"]["headline"] == "Backend Software Engineer"
    assert sparse["header"]["headline"] == "Customer Support Specialist"
    assert rich["target"] == {
        "job_title": "Senior Backend Engineer (Python)",
        "company": "Acme Analytics",
    }
    assert rich["education"][0]["degree"] == "BSc Computer Science"
    assert rich["certifications"] == ["AWS Certified Solutions Architect – Associate"]


def test_a_role_without_highlights_keeps_its_summary_as_the_bullet():
    cv = draft_cv("rich", extract("plain_posting.txt"))

    assert cv["experience"][2]["bullets"] == [
        "Built and maintained PHP and JavaScript websites for small charities."
    ]


# ---------------------------------------------------------------- cover letter


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("page", JOB_PAGES)
def test_letter_keeps_every_rule_for_every_tone_and_profile(tone, profile_name, page):
    job = extract(page)
    letter = draft_letter(profile_name, job, tone)

    assert letter_problems(letter) == []
    assert letter["subject"] == f"Application for {job['title']} at {job['company']}"
    assert letter["signature"] == profile(profile_name)["basics"]["name"]


def test_letter_wording_and_sign_off_change_with_the_tone():
    job = extract("acme_backend_jsonld.html")
    letters = {tone: draft_letter("rich", job, tone) for tone in TONES}

    assert {t: letter["sign_off"] for t, letter in letters.items()} == {
        "professional": "Sincerely,",
        "enthusiastic": "Best regards,",
        "concise": "Kind regards,",
        "friendly": "Warm regards,",
    }
    openings = {letter["paragraphs"][0].split(".")[0] for letter in letters.values()}
    assert len(openings) == len(TONES)


def test_letter_cites_the_profiles_own_achievements_and_nothing_it_lacks():
    letter = draft_letter("rich", extract("acme_backend_jsonld.html"), "professional")
    body = " ".join(letter["paragraphs"])

    assert "At Parcelly Ltd, I designed a Django REST API" in body
    assert "Kubernetes" not in body  # the job asks for it; the profile does not have it


def test_sparse_profile_letter_claims_no_skill_it_does_not_have():
    letter = draft_letter("sparse", extract("acme_backend_jsonld.html"), "concise")
    body = " ".join(letter["paragraphs"])

    assert "fits my experience" not in body
    assert "Helpdesk Hub" in body


def test_letter_is_deterministic():
    job = extract("plain_posting.txt")

    assert draft_letter("rich", job, "friendly") == draft_letter("rich", job, "friendly")


# ---------------------------------------------------------------- other tasks and tokens


def test_provider_test_answers_ok():
    assert ask("provider_test", "Say OK.").text == "OK"


def test_unknown_task_gets_a_short_text_answer():
    reply = ask("summarise", "Summarise this please.")

    assert "offline provider" in reply.text and len(reply.text) < 200


def test_unknown_task_with_a_schema_gets_json_that_fits_it():
    schema = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}, "items": {"type": "array"}},
        "required": ["ok", "items"],
    }

    jsonschema.validate(json.loads(ask("classify", "x", json_schema=schema).text), schema)


def test_token_counts_are_estimates_from_the_text_length():
    reply = ask("provider_test", "Say OK.", system_prompt="You are terse.")

    assert reply.input_tokens == math.ceil(len("You are terse.Say OK.") / 4)
    assert reply.output_tokens == 1
    assert reply.cached_input_tokens == 0


def test_a_skill_group_heading_is_not_taken_for_a_skill_the_job_asks_for():
    # The profile groups skills under "Data"; the job title "Data Analyst" must not match it.
    cv = draft_cv("rich", extract("northwind_graph.html"))

    assert cv["skills"][:2] == ["SQL", "Python"]
    assert cv["summary"].startswith("Backend Software Engineer skilled in SQL and Python.")


# ---------------------------------------------------------------- reads like a person wrote it


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_cv_headline_is_the_candidates_own_even_without_a_label():
    job = extract("acme_backend_jsonld.html")
    unlabelled = profile("rich")
    del unlabelled["basics"]["label"]
    nothing = {"basics": {"name": "Ada Lovelace"}}

    assert offline_cv.draft_cv(unlabelled, job)["header"]["headline"] == "Senior Software Engineer"
    assert offline_cv.draft_cv(nothing, job)["header"]["headline"] == ""


def test_cv_summary_says_each_thing_once():
    rich = profile("rich")
    rich["basics"]["summary"] = "Backend Software Engineer skilled in Python and PostgreSQL."

    summary = offline_cv.draft_cv(rich, extract("acme_backend_jsonld.html"))["summary"]

    assert summary.count("skilled in") == 1, summary


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("page", JOB_PAGES)
def test_no_letter_says_the_same_sentence_twice(tone, profile_name, page):
    letter = draft_letter(profile_name, extract(page), tone)
    said = [s.casefold() for p in letter["paragraphs"] for s in sentences(p)]

    assert len(said) == len(set(said)), said


@pytest.mark.parametrize("tone", TONES)
def test_a_letter_names_no_skill_of_the_job_the_candidate_lacks(tone):
    job = extract("acme_backend_jsonld.html")
    sparse = profile("sparse")
    own = " ".join(json.dumps(sparse).casefold().split())
    lacking = [s for s in job["skills"] if s.casefold() not in own]

    # Naming the role ("the Senior Backend Engineer (Python) role") is not claiming its skills.
    body = " ".join(draft_letter("sparse", job, tone)["paragraphs"]).replace(job["title"], "")

    assert lacking  # the support agent has none of the backend job's tools
    assert [s for s in lacking if re.search(rf"\b{re.escape(s)}\b", body)] == []


@pytest.mark.parametrize("tone", TONES)
def test_greeting_and_subject_name_the_role(tone):
    job = extract("acme_backend_jsonld.html")
    letter = draft_letter("rich", job, tone)

    assert job["title"] in letter["greeting"]
    assert job["title"] in letter["subject"]
    assert letter["greeting"].startswith("Dear ") and letter["greeting"].endswith(",")


def test_a_highlight_copied_into_two_roles_is_told_once():
    rich = profile("rich")
    copied = next(h for h in rich["work"][0]["highlights"] if h.startswith("Designed a Django"))
    rich["work"][1]["highlights"] = [copied, *rich["work"][1].get("highlights", [])]
    job = extract("acme_backend_jsonld.html")

    for tone in TONES:
        body = " ".join(offline_letter.draft_letter(rich, job, tone)["paragraphs"])
        key = " ".join(copied.split()[1:6])  # the words after the verb

        assert body.count(key) == 1, (tone, body)


UNRELATED_JOB = {
    "title": "APAC Esports Partnership Manager",
    "company": "Riot Games",
    "skills": [],
    "keywords": ["APAC", "Esports", "Partnership", "Manager"],
}


@pytest.mark.parametrize("tone", TONES)
def test_a_letter_for_an_unrelated_job_lists_each_of_the_candidates_skills_once(tone):
    letter = offline_letter.draft_letter(profile("rich"), UNRELATED_JOB, tone)
    said = " ".join(letter["paragraphs"])
    lists = [s for s in sentences(said) if re.search(r"\bskills (?:are|include)\b", s)]
    listed = [w for s in lists for w in re.split(r",\s*|\s+and\s+", s.split(" are ")[-1])]
    listed = [w.split("include ")[-1].strip(" .") for w in listed]

    assert len(lists) == 2, lists  # the main skills, then the others
    assert len(listed) == len(set(listed)), listed
    assert "Backend" not in listed  # a skill group's name is not a skill
    assert said.count("There, I also") <= 1


def test_cv_skills_are_skills_not_the_names_of_their_groups():
    cv = offline_cv.draft_cv(profile("rich"), UNRELATED_JOB)
    groups = {s["name"] for s in profile("rich")["skills"] if s.get("keywords")}

    assert groups and not groups & set(cv["skills"])
    assert "Python" in cv["skills"]


def test_cv_summary_without_matching_skills_does_not_open_with_a_bare_headline():
    cv = offline_cv.draft_cv(profile("rich"), UNRELATED_JOB)

    assert cv["summary"] == profile("rich")["basics"]["summary"].strip()
