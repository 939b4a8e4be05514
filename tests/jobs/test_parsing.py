"""Job extraction without an AI: what a user sees after pasting a link or a posting."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from jobs.heuristics import job_from_text
from jobs.parsing import main_text, requirements_from_text
from jobs.schemas import JOB_SCHEMA
from jobs.structured import structured_job

DATA = Path(__file__).resolve().parent.parent / "data" / "jobs"


def page(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def valid(job: dict) -> dict:
    jsonschema.validate(job, JOB_SCHEMA)
    return job


# ---------------------------------------------------------------- JSON-LD


def test_jsonld_posting_gives_the_fields_a_user_checks_first():
    job = valid(structured_job(page("acme_backend_jsonld.html")))

    assert job["title"] == "Senior Backend Engineer (Python)"
    assert job["company"] == "Acme Analytics"
    assert job["location"] == "San Francisco, CA, US"
    assert job["employment_type"] == "Full-time"
    assert job["salary"] == "USD 120,000–150,000 per year"


def test_jsonld_requirements_are_the_requirements_list_not_the_duties_or_benefits():
    job = structured_job(page("acme_backend_jsonld.html"))

    assert job["requirements"] == [
        "5+ years of professional Python experience",
        "Deep knowledge of PostgreSQL and query tuning",
        "Experience with Docker and Kubernetes in production",
        "Comfortable with CI/CD and automated testing (pytest)",
    ]


def test_jsonld_description_is_clean_text_with_one_bullet_a_line():
    description = structured_job(page("acme_backend_jsonld.html"))["description"]

    assert "<" not in description
    assert description.startswith("Acme Analytics helps 4,000 retailers forecast demand.")
    assert "\n- Run our PostgreSQL and Redis clusters on AWS\n" in description
    assert "\nBenefits\n" in description


def test_jsonld_skills_and_keywords_come_from_the_posting():
    job = structured_job(page("acme_backend_jsonld.html"))

    assert {"Python", "PostgreSQL", "Django", "Docker", "Kubernetes", "AWS"} <= set(job["skills"])
    assert job["keywords"][: len(job["skills"])] == job["skills"]
    assert {"Backend", "Engineer"} <= set(job["keywords"])
    assert "Senior" not in job["keywords"]
    assert len(job["keywords"]) <= 20
    assert len({k.lower() for k in job["keywords"]}) == len(job["keywords"])


def test_graph_posting_beside_a_broken_script_is_found_and_its_organisation_resolved():
    job = valid(structured_job(page("northwind_graph.html")))

    assert job["title"] == "Data Analyst & Reporting Specialist"
    assert job["company"] == "Northwind Health"
    assert job["location"] == "Remote (United Kingdom)"
    assert job["employment_type"] == "Full-time, Contract"
    assert job["salary"] == "GBP 42,000–52,000.50 per year"


def test_graph_posting_uses_its_own_skills_and_entity_escaped_description():
    job = structured_job(page("northwind_graph.html"))

    assert job["skills"] == ["SQL", "Tableau", "Power BI", "Python", "Stakeholder Management"]
    assert job["description"].startswith("Northwind Health runs 40 clinics.")
    assert "&lt;" not in job["description"]
    assert job["requirements"] == [
        "3+ years writing SQL against large datasets",
        "Dashboards in Tableau or Power BI",
        "Clear written communication with non-technical colleagues",
        "Bachelor degree",
    ]


def test_posting_as_main_entity_with_type_list_and_trailing_comma():
    html = """<html><head><script type="application/ld+json">
    {"@context": "http://schema.org", "@type": "WebPage",
     "mainEntity": {"@type": ["Thing", "http://schema.org/JobPosting"],
                    "title": "Night Nurse", "description": "Care for patients overnight.",
                    "hiringOrganization": "St Mary's Clinic",
                    "employmentType": "PART_TIME",
                    "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
                                   "value": {"@type": "QuantitativeValue", "value": "28.5",
                                             "unitText": "HOUR"}},}}
    </script></head><body></body></html>"""

    job = valid(structured_job(html))

    assert (job["title"], job["company"]) == ("Night Nurse", "St Mary's Clinic")
    assert job["employment_type"] == "Part-time"
    assert job["salary"] == "EUR 28.50 per hour"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><h1>Backend Engineer</h1></body></html>",
        '<script type="application/ld+json">{"@type": "Organization", "name": "Acme"}</script>',
        '<script type="application/ld+json">{"@type": "JobPosting", "title": "Cook"}</script>',
        '<script type="application/ld+json">{"@type": "JobPosting", "description": "x"}</script>',
        '<script type="application/ld+json">{not json at all</script>',
    ],
)
def test_pages_without_a_usable_posting_give_none(html):
    assert structured_job(html) is None


# ---------------------------------------------------------------- page text


def test_main_text_keeps_the_posting_and_drops_the_site_around_it():
    text = main_text(page("brightside_no_jsonld.html"))

    assert text.startswith("Customer Success Manager\n")
    assert "\n- Excellent communication in English and Swahili\n" in text
    for noise in (
        "Find jobs",
        "Sign in",
        "Search jobs",
        "Similar jobs",
        "Account Manager",
        "We use cookies",
        "Requirements for employers",
        "console.log",
        "font-family",
    ):
        assert noise not in text


def test_main_text_without_main_element_reads_the_body_without_navigation():
    html = """<html><body><nav>Home | Jobs</nav><h1>Barista</h1><p>Make great coffee.</p>
    <p>Second paragraph.</p><footer>Copyright</footer></body></html>"""

    assert main_text(html) == "Barista\n\nMake great coffee.\n\nSecond paragraph."


def test_page_without_jsonld_is_read_from_its_text():
    job = valid(job_from_text(main_text(page("brightside_no_jsonld.html"))))

    assert job["title"] == "Customer Success Manager"
    assert job["company"] == "Brightside Software"
    assert job["location"] == "Nairobi, Kenya (hybrid)"
    assert job["employment_type"] == "Full-time"
    assert job["salary"] == "KES 250,000 - 320,000 per month"
    assert job["requirements"] == [
        "3+ years in customer success or account management for a SaaS product",
        "Excellent communication in English and Swahili",
        "Working knowledge of Salesforce or HubSpot",
        "Comfort with Excel and basic data analysis",
    ]
    assert {"HubSpot", "Salesforce", "Excel"} <= set(job["skills"])


# ---------------------------------------------------------------- plain text


def test_plain_text_posting():
    job = valid(job_from_text(page("plain_posting.txt")))

    assert job["title"] == "Frontend Developer"
    assert job["company"] == "Lumen Labs"
    assert job["location"] == "Berlin, Germany (hybrid, 2 days in office)"
    assert job["employment_type"] == "Full-time"
    assert job["salary"] == "€65,000 – €78,000 per year"
    assert job["requirements"] == [
        "3+ years building production web apps with React and TypeScript",
        "Solid HTML and CSS, including accessibility (WCAG 2.2)",
        "Experience with REST APIs and Git-based workflows",
        "Good English; German is a plus",
    ]
    assert job["skills"][:2] == ["React", "TypeScript"]
    assert "Frontend" in job["keywords"]
    assert job["description"].startswith("Frontend Developer at Lumen Labs")


def test_plain_text_with_labels_and_prose():
    text = """Careers at Globex
Job title: Payroll Accountant
Globex Corporation is hiring an accountant to run payroll for 900 staff.
This is a part-time role (24 hours a week), fully remote within Canada.
Pay: CAD 38 per hour

Qualifications:
- CPA designation
- 3 years of payroll experience
- Advanced Excel

Benefits:
- Pension plan"""

    job = valid(job_from_text(text))

    assert job["title"] == "Payroll Accountant"
    assert job["company"] == "Globex Corporation"
    assert job["employment_type"] == "Part-time"
    assert job["location"] == "Remote"
    assert job["salary"] == "CAD 38 per hour"
    assert job["requirements"] == [
        "CPA designation",
        "3 years of payroll experience",
        "Advanced Excel",
    ]
    assert "Excel" in job["skills"]


@pytest.mark.parametrize(
    "sentence, salary",
    [
        ("We pay $120k - $150k a year.", "$120k - $150k a year"),
        ("Salary is £45,000 to £55,000 per annum plus bonus.", "£45,000 to £55,000 per annum"),
        ("The budget is 90.000 EUR yearly.", "90.000 EUR yearly"),
        ("USD 40/hour for this contract role.", "USD 40/hour"),
        ("No money is mentioned here at all.", ""),
    ],
)
def test_salary_in_prose(sentence, salary):
    assert job_from_text(f"Engineer\n\n{sentence}")["salary"] == salary


def test_empty_text_is_still_a_valid_job():
    job = valid(job_from_text(""))

    assert job["title"] == job["company"] == job["description"] == ""
    assert job["requirements"] == job["skills"] == job["keywords"] == []


def test_a_nice_to_have_section_is_kept_apart_from_the_requirements():
    posting = (
        "Requirements:\n- 5+ years of Python\n- Django and PostgreSQL\n\n"
        "Nice to have:\n- Kubernetes\n- Terraform is a plus\n\nBenefits\n- Free lunch\n"
    )

    assert requirements_from_text(posting) == [
        "5+ years of Python",
        "Django and PostgreSQL",
        "Nice to have: Kubernetes",
        "Terraform is a plus",
    ]
