"""Pasted postings in the shapes people paste them, extracted without any API key.

Each text goes through `POST /api/v1/job-extractor/extract` as a job seeker sends it, with only
the offline provider configured; the assertions are the fields the saved job shows.
"""

from __future__ import annotations

import pytest

from jobs.models import Job
from tests.fixtures.jobs import EXTRACT

pytestmark = pytest.mark.django_db

FIELDS = ("title", "company", "location", "employment_type", "salary")


def extract(api_client, text: str) -> dict:
    response = api_client.post(EXTRACT, {"text": text}, format="json")
    assert response.status_code == 201, response.json()
    job = response.json()["data"]
    assert job["extracted_by"] == "offline"
    return job


def fields(job: dict) -> dict:
    return {name: job[name] for name in FIELDS}


def test_one_sentence_title_at_company_place(api_client):
    job = extract(
        api_client,
        "Senior Python Developer at Acme GmbH, Berlin. Salary: EUR 70,000 - 85,000 per year. "
        "Requirements: 5+ years Python, Django, PostgreSQL.",
    )

    assert fields(job) == {
        "title": "Senior Python Developer",
        "company": "Acme GmbH",
        "location": "Berlin",
        "employment_type": "",
        "salary": "EUR 70,000 - 85,000 per year",
    }
    assert {"Python", "Django", "PostgreSQL"} <= set(job["skills"])
    assert Job.objects.get(pk=job["id"]).company == "Acme GmbH"


def test_job_board_header_title_company_place_with_work_mode(api_client):
    job = extract(
        api_client,
        "Backend Engineer\nStripe\nDublin, Ireland (Hybrid)\n\nAbout the role\n"
        "We are looking for a backend engineer to build payment APIs in Go and Java.\n\n"
        "Requirements\n- 4+ years of backend development\n- Go or Java in production\n\n"
        "Salary: €80,000–€100,000 a year",
    )

    assert fields(job) == {
        "title": "Backend Engineer",
        "company": "Stripe",
        "location": "Dublin, Ireland (Hybrid)",
        "employment_type": "",
        "salary": "€80,000–€100,000 a year",
    }
    assert job["requirements"] == ["4+ years of backend development", "Go or Java in production"]


def test_labelled_text_still_wins(api_client):
    job = extract(
        api_client,
        "Job Title: Payroll Officer\nCompany: Finch Ltd\nLocation: Leeds, UK\n"
        "Employment type: Part-time\n\nRun the monthly payroll for 300 staff in Excel.",
    )

    assert fields(job) == {
        "title": "Payroll Officer",
        "company": "Finch Ltd",
        "location": "Leeds, UK",
        "employment_type": "Part-time",
        "salary": "",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Acme Inc. is hiring a Product Manager in San Francisco, CA. You will own our "
            "billing roadmap. Full-time.",
            ("Product Manager", "Acme Inc.", "San Francisco, CA", "Full-time"),
        ),
        (
            "Product Designer – Zalando – Berlin, Germany\n\nShape the checkout of a fashion "
            "platform with Figma and user research.",
            ("Product Designer", "Zalando", "Berlin, Germany", ""),
        ),
        (
            "Werkstudent Marketing (m/w/d) bei Siemens AG in München\n\nDeine Aufgaben: Social "
            "Media und Content Marketing. Teilzeit, 20 Stunden pro Woche.",
            ("Werkstudent Marketing (m/w/d)", "Siemens AG", "München", "Part-time"),
        ),
        (
            "We're looking for a Frontend Engineer to join Spotify in Stockholm. You will work "
            "with React and TypeScript on the web player.",
            ("Frontend Engineer", "Spotify", "Stockholm", ""),
        ),
        (
            "Frontend Developer (Contract) at Klarna, Stockholm (Remote). Six months, React.",
            ("Frontend Developer (Contract)", "Klarna", "Stockholm (Remote)", "Contract"),
        ),
        (
            "Developer Advocate @ Vercel - Remote (US)\nHelp developers ship Next.js apps.",
            ("Developer Advocate", "Vercel", "US (Remote)", ""),
        ),
        (
            "Siemens sucht einen Werkstudent Vertrieb (m/w/d) in Erlangen. Teilzeit, 20 "
            "Stunden pro Woche.",
            ("Werkstudent Vertrieb (m/w/d)", "Siemens", "Erlangen", "Part-time"),
        ),
    ],
    ids=["is-hiring", "dashes", "bei-m-w-d", "to-join", "contract-remote", "at-sign", "sucht"],
)
def test_first_sentence_shapes(api_client, text, expected):
    job = extract(api_client, text)

    assert (job["title"], job["company"], job["location"], job["employment_type"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Data Scientist\nMonzo\nLondon, England, United Kingdom · Hybrid · Full-time\n\n"
            "About the job\nWe are building a bank that works for everyone with Python and SQL.",
            ("Data Scientist", "Monzo", "London, England, United Kingdom (Hybrid)", "Full-time"),
        ),
        (
            "Data Scientist\nMonzo · London, England, United Kingdom · Hybrid\n\nAbout the job\n"
            "Build models of customer behaviour in Python.",
            ("Data Scientist", "Monzo", "London, England, United Kingdom (Hybrid)", ""),
        ),
        (
            "Senior Accountant\nDeloitte\nToronto, ON\n$90,000 - $110,000 a year - Full-time\n\n"
            "Full job description\nPrepare monthly statements and reconciliations.",
            ("Senior Accountant", "Deloitte", "Toronto, ON", "Full-time"),
        ),
        (
            "Marketing Manager\nHubSpot\nRemote\n\nAbout us\nWe help businesses grow.",
            ("Marketing Manager", "HubSpot", "Remote", ""),
        ),
        (
            "Skip to main content\nNorthwind\n\nSenior Site Reliability Engineer\n\n"
            "Lisbon, Portugal\n\nDESCRIPTION\nKeep our payment systems up with Kubernetes.",
            ("Senior Site Reliability Engineer", "Northwind", "Lisbon, Portugal", ""),
        ),
        (
            "Back End Developer\nRobert Half · London Area, United Kingdom\nOur client, a media "
            "group, needs a Backend Engineer on a 6–12 month contract to build ledgers in Go.",
            ("Back End Developer", "Robert Half", "London Area, United Kingdom", "Contract"),
        ),
    ],
    ids=[
        "three-lines-fragments",
        "company-place-line",
        "indeed-pay-line",
        "remote-only",
        "company-above-title",
        "month-contract",
    ],
)
def test_job_board_headers(api_client, text, expected):
    job = extract(api_client, text)

    assert (job["title"], job["company"], job["location"], job["employment_type"]) == expected


def test_employment_type_named_first_near_the_top_wins(api_client):
    job = extract(
        api_client,
        "Pharmacist at Boots in Manchester. Permanent, part-time role of 24 hours a week. "
        "Full-time hours may be possible later.",
    )

    assert (job["company"], job["location"], job["employment_type"]) == (
        "Boots",
        "Manchester",
        "Part-time",
    )


def test_place_from_labels_keeps_the_stated_work_mode(api_client):
    job = extract(
        api_client,
        "Product Designer\nLocation: Berlin, Germany\nRemote Status: Hybrid\n\n"
        "Design the tools riders use every day.",
    )

    assert job["location"] == "Berlin, Germany (Hybrid)"


def test_values_glued_to_the_next_label_are_read_apart(api_client):
    # Copying a list of labels and values can join each value to the next label.
    job = extract(
        api_client,
        "Data Engineer\nRole details\nContract type\nPermanent Employment type\n"
        "Part-time (20 hours) Working hours\nFlexible\n\nBuild pipelines in Python and dbt.",
    )

    assert job["employment_type"] == "Part-time"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We work at the intersection of design and data. Our team builds tools for "
            "analysts and we love Python and SQL.",
            ("", "", ""),
        ),
        ("Working at Acme is fun. We build rockets and write Python every day.", ("", "", "")),
        (
            "Teacher at a primary school in Leeds. Start in September, lessons for year 4.",
            ("", "", ""),
        ),
        (
            "We are looking for a Senior Engineer to join our team in Berlin. You will build "
            "APIs in Python.",
            ("Senior Engineer", "", "Berlin"),
        ),
        (
            "Senior Engineer - Backend - Remote\nBuild payment APIs in Go.",
            ("Senior Engineer - Backend", "", "Remote"),
        ),
        (
            "Software Engineer\nStripe\nAbout the role\nBuild payment APIs in Go and Java.",
            ("Software Engineer", "", ""),
        ),
        (
            "Cloud Engineer\n\nRun our hybrid cloud on Kubernetes and Terraform every day.",
            ("Cloud Engineer", "", ""),
        ),
    ],
    ids=[
        "intersection",
        "working-at",
        "a-primary-school",
        "our-team",
        "department-not-company",
        "no-place-line",
        "hybrid-cloud",
    ],
)
def test_what_is_not_a_company_or_place(api_client, text, expected):
    job = extract(api_client, text)

    assert (job["title"], job["company"], job["location"]) == expected
