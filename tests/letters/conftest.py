"""Fixtures for the cover letter API tests: the CV tests' profiles and jobs, and letters."""

from __future__ import annotations

import copy

import pytest

from tests.cvs.conftest import (  # noqa: F401  (fixtures shared with the CV tests)
    job,
    make_job,
    other_client,
    rich_profile,
    with_profile,
)

GOOD_LETTER = {
    "subject": "Application for Senior Backend Engineer at Acme Freight",
    "greeting": "Dear Hiring Manager,",
    "paragraphs": [
        "I am writing to apply for the Senior Backend Engineer role at Acme Freight. I am a "
        "backend software engineer with seven years of experience building data-heavy web "
        "services for retail and logistics companies, and I am currently a Senior Software "
        "Engineer at Parcelly Ltd, where I own the routing and tracking services of a parcel "
        "delivery platform. Moving goods reliably across Europe is work I already know from "
        "the inside, and it is the work I want to keep doing.",
        "At Parcelly I designed a Django REST API for tracking events that serves two million "
        "requests a day, and I tuned PostgreSQL queries and added Redis caching to bring the "
        "p95 latency from 900 ms down to 120 ms. I also led the migration of fourteen services "
        "from Heroku to AWS with Terraform, which cut our hosting costs by a third. Before "
        "that, at ShopWave, I built the Python forecasting pipeline on Airflow that plans "
        "stock for 300 stores and introduced Docker-based development environments with a "
        "CI/CD pipeline in GitHub Actions. I hold a BSc in Computer Science from the "
        "University of Leeds and the AWS Certified Solutions Architect credential.",
        "Your posting asks for Python, Django and PostgreSQL, which are the tools I use every "
        "day, and I would be glad to learn Kubernetes on the job. I would welcome the chance "
        "to discuss how my experience could help Acme Freight build the APIs behind its "
        "network. Thank you for taking the time to review my application and the enclosed CV; "
        "I am available for an interview at a time that suits you.",
    ],
    "sign_off": "Sincerely,",
    "signature": "Amara Okafor",
}


@pytest.fixture
def good_letter() -> dict:
    """A letter that keeps every rule: 3 paragraphs, 264 words, greeting and sign-off apart."""
    return copy.deepcopy(GOOD_LETTER)


def as_written(content: dict) -> dict:
    """A stored letter's content without what the service adds (sender, date, recipient)."""
    return {k: v for k, v in content.items() if k not in {"sender", "date", "recipient"}}
