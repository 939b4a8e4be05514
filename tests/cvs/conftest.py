"""Fixtures for the profile, CV and letter API tests: profiles, jobs, clients, a good CV."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from cvs.services import profile_update
from jobs.models import Job

PROFILES = Path(__file__).resolve().parent.parent / "data" / "profiles"
RICH = json.loads((PROFILES / "rich.json").read_text(encoding="utf-8"))
SPARSE = json.loads((PROFILES / "sparse.json").read_text(encoding="utf-8"))

PROFILE_URL = "/api/v1/profile"
DRAFT_URL = "/api/v1/cv-drafter/draft"
LETTER_URL = "/api/v1/cover-letter/generate"

# A backend posting that the rich profile fits: Django, PostgreSQL, Python and AWS are in the
# profile, Kubernetes is not.
BACKEND_JOB = dict(
    title="Senior Backend Engineer",
    company="Acme Freight",
    location="London, UK",
    employment_type="Full-time",
    salary="£80,000 - £95,000",
    description="Acme Freight moves pallets across Europe. You will build the APIs behind it.",
    requirements=["5+ years of Python", "Experience with Django and PostgreSQL"],
    skills=["Python", "Django", "PostgreSQL", "Kubernetes"],
    keywords=["Django", "PostgreSQL", "Kubernetes", "Python", "AWS"],
)

# The CV a careful AI would write for the rich profile and the backend job.
GOOD_CV = {
    "header": {
        "name": "Amara Okafor",
        "headline": "Senior Backend Engineer",
        "email": "amara.okafor@example.com",
        "phone": "+44 20 7946 0321",
        "location": "London, England, GB",
        "links": [
            "https://amara.dev",
            "https://github.com/aokafor",
            "https://linkedin.com/in/amaraokafor",
        ],
    },
    "summary": "Backend engineer with seven years of Django, PostgreSQL and AWS.",
    "experience": [
        {
            "employer": "Parcelly Ltd",
            "title": "Senior Software Engineer",
            "start_date": "2021-03",
            "end_date": "Present",
            "bullets": ["Designed a Django REST API serving 2 million requests a day"],
        },
        {
            "employer": "ShopWave",
            "title": "Software Engineer",
            "start_date": "2018-01",
            "end_date": "2021-02",
            "bullets": ["Built the Python forecasting pipeline on Airflow"],
        },
    ],
    "education": [
        {"institution": "University of Leeds", "degree": "BSc", "field": "Computer Science"}
    ],
    "skills": ["Django", "PostgreSQL", "Python", "AWS", "Redis"],
    "certifications": ["AWS Certified Solutions Architect – Associate"],
    "target": {"job_title": "Senior Backend Engineer", "company": "Acme Freight"},
}


def cv_inventing(employer: str) -> dict:
    """GOOD_CV plus a job the profile does not have."""
    cv = copy.deepcopy(GOOD_CV)
    cv["experience"].insert(
        0,
        {
            "employer": employer,
            "title": "Staff Engineer",
            "start_date": "2023-01",
            "end_date": "Present",
            "bullets": ["Led the platform team"],
        },
    )
    return cv


@pytest.fixture
def rich_profile() -> dict:
    return copy.deepcopy(RICH)


@pytest.fixture
def make_job(db) -> Callable[..., Job]:
    def make(owner, **fields) -> Job:
        return Job.objects.create(owner=owner, source=Job.Source.TEXT, **{**BACKEND_JOB, **fields})

    return make


@pytest.fixture
def job(user, make_job) -> Job:
    return make_job(user)


@pytest.fixture
def with_profile(user, rich_profile):
    """Alice has filled in her profile (version 2)."""
    return profile_update(user=user, data=rich_profile)


@pytest.fixture
def other_client(other_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def vendor_bodies(double) -> list[str]:
    """Each request the double received, as text, to look for what the prompt said."""
    return [json.dumps(seen.body, ensure_ascii=False) for seen in double.requests]
