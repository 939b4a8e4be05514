"""schema.org JobPosting wherever a page keeps it: JSON-LD, microdata, RDFa."""

from __future__ import annotations

import jsonschema

from jobs.schemas import JOB_SCHEMA
from jobs.structured import structured_job

MICRODATA = """<html><body>
<div itemscope itemtype="http://schema.org/JobPosting">
  <h1 itemprop="title">Staff Nurse, Cardiology</h1>
  <div itemprop="hiringOrganization" itemscope itemtype="http://schema.org/Organization">
    <span itemprop="name">St Mary's Hospital</span></div>
  <div itemprop="jobLocation" itemscope itemtype="http://schema.org/Place">
    <div itemprop="address" itemscope itemtype="http://schema.org/PostalAddress">
      <span itemprop="addressLocality">Leeds</span>, <span itemprop="addressCountry">UK</span>
    </div></div>
  <meta itemprop="employmentType" content="PART_TIME">
  <div itemprop="baseSalary" itemscope itemtype="http://schema.org/MonetaryAmount">
    <meta itemprop="currency" content="GBP">
    <div itemprop="value" itemscope itemtype="http://schema.org/QuantitativeValue">
      <meta itemprop="minValue" content="29970"><meta itemprop="maxValue" content="36483">
      <meta itemprop="unitText" content="YEAR"></div></div>
  <div itemprop="description"><p>Care for patients on our cardiology ward.</p></div>
</div></body></html>"""

RDFA = """<html><body vocab="https://schema.org/">
<div typeof="JobPosting">
  <h1 property="title">Baker</h1>
  <div property="hiringOrganization" typeof="Organization"><span property="name">Brot &amp;
    Co</span></div>
  <p property="description">Bake bread from four in the morning.</p>
  <span property="employmentType">FULL_TIME</span>
</div></body></html>"""


def test_microdata_posting_is_read_like_json_ld():
    job = structured_job(MICRODATA)

    jsonschema.validate(job, JOB_SCHEMA)
    assert job["title"] == "Staff Nurse, Cardiology"
    assert job["company"] == "St Mary's Hospital"
    assert job["location"] == "Leeds, UK"
    assert job["employment_type"] == "Part-time"
    assert job["salary"] == "GBP 29,970–36,483 per year"


def test_rdfa_posting_is_read_too():
    job = structured_job(RDFA)

    assert job["title"] == "Baker"
    assert job["company"] == "Brot & Co"
    assert job["employment_type"] == "Full-time"


def test_a_posting_in_a_graph_across_several_blocks_resolves_its_organisation():
    html = """<script type="application/ld+json">{"@type": "WebSite", "name": "Jobs"}</script>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "@id": "#org", "name": "Northwind", "url": "https://n.example"},
      {"@type": "JobPosting", "title": "Buyer", "description": "Buy things.",
       "hiringOrganization": {"@id": "#org"}}]}</script>"""

    job = structured_job(html)

    assert (job["title"], job["company"]) == ("Buyer", "Northwind")


def test_fields_missing_from_json_ld_are_filled_from_microdata_of_the_same_job():
    json_ld = """<script type="application/ld+json">{"@context": "https://schema.org",
      "@type": "JobPosting", "title": "Staff Nurse, Cardiology",
      "description": "Care for patients."}</script>"""
    job = structured_job(json_ld + MICRODATA)

    assert job["company"] == "St Mary's Hospital"
    assert job["salary"] == "GBP 29,970–36,483 per year"


def test_a_salary_written_only_in_the_description_is_used():
    html = """<script type="application/ld+json">{"@type": "JobPosting", "title": "Analyst",
      "hiringOrganization": {"name": "Acme"}, "description": "<p>We raised $40 m in 2024.</p>
      <p>Compensation: $85,000 - $95,000 per year plus equity.</p>"}</script>"""

    assert structured_job(html)["salary"] == "$85,000 - $95,000 per year"


def test_hand_written_json_ld_with_unescaped_quotes_and_no_type_is_still_read():
    html = """<script type="application/ld+json">{
      "title": "Postdoc", "hiringOrganization": {"name": "USDA"},
      "description": "<h1 id="intro">Intro</h1><p>Search genomes.</p>",
    }</script>"""

    job = structured_job(html)

    assert (job["title"], job["company"]) == ("Postdoc", "USDA")
    assert "Search genomes." in job["description"]
