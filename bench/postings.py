"""Realistic job postings (~1,500 characters) for prompts and the extraction endpoint."""

from __future__ import annotations

import json

_POSTING = """Senior Backend Engineer ({team}) - Acme Logistics GmbH, Berlin (hybrid)

About us: Acme Logistics moves 40,000 parcels a day across Europe for retailers large and
small. Our platform team of {size} engineers builds the routing, pricing and tracking services
behind it, in Python and PostgreSQL, deployed on Kubernetes.

What you will do:
- Design and build APIs for carrier integrations and shipment tracking in Django and DRF.
- Own services end to end: data model, code review, monitoring, on-call one week in six.
- Improve the performance of our pricing engine (p99 below 200 ms at 1,500 requests/s).
- Mentor two mid-level engineers and take part in hiring.

What you bring:
- 5+ years of professional Python; strong SQL and PostgreSQL query tuning.
- Experience with message queues (RabbitMQ, Celery or Kafka) and Redis.
- Comfort with Docker, CI/CD (GitHub Actions) and cloud infrastructure (AWS or GCP).
- Good written English; German is a plus, not a requirement.

Nice to have: Go, Terraform, observability tooling (Prometheus, Grafana, OpenTelemetry).

What we offer: EUR {salary},000 - {salary_high},000 per year, 30 days of paid leave,
EUR 1,500 learning budget, a Deutschlandticket, flexible hours and up to three days a week
from home. Visa sponsorship and relocation support available.

Employment type: full-time, permanent. Start: as soon as possible.
How to apply: send your CV and a short note on a system you are proud of to
jobs@acme-logistics.example, quoting reference {reference}.
"""
TEAMS = ("Platform", "Payments", "Tracking", "Routing", "Carrier APIs", "Data")


def posting(n: int) -> str:
    """Posting number ``n``: the reference (and a few details) differ, so no two are equal."""
    return _POSTING.format(
        team=TEAMS[n % len(TEAMS)],
        size=8 + n % 17,
        salary=70 + n % 20,
        salary_high=90 + n % 25,
        reference=f"BE-{n:08d}",
    )


def job_json() -> str:
    """A valid JOB_SCHEMA answer, as a vendor would send it."""
    return json.dumps(
        {
            "title": "Senior Backend Engineer (Platform)",
            "company": "Acme Logistics GmbH",
            "location": "Berlin (hybrid)",
            "employment_type": "full-time",
            "salary": "EUR 70,000 - 90,000 per year",
            "description": "Design and build APIs for carrier integrations and tracking.",
            "requirements": ["5+ years of professional Python", "Strong SQL and PostgreSQL"],
            "skills": ["Python", "Django", "PostgreSQL", "Redis", "Celery", "Docker"],
            "keywords": ["backend", "logistics", "APIs", "performance"],
        }
    )
