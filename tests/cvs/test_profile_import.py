"""Importing a CV file into the master profile: what the user sees from the two calls, the
errors of bad files, and the profile's versions (the undo)."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cvs.export import cv_blocks
from cvs.importer.scoring import accuracy, fields_score
from cvs.services import profile_update
from documents.export import render_docx, render_markdown, render_pdf, render_text
from tests.fixtures.profiles import PROFILE_URL, RICH

IMPORT_URL = "/api/v1/profile/import"
VERSIONS_URL = "/api/v1/profile/versions"
RENDERERS = {
    "pdf": lambda blocks: render_pdf(blocks, paper="a4", title="CV", author="Amara Okafor"),
    "docx": lambda blocks: render_docx(blocks, paper="a4", title="CV", author="Amara Okafor"),
    "md": lambda blocks: render_markdown(blocks).encode(),
    "txt": lambda blocks: render_text(blocks).encode(),
}


def cv_of(profile: dict) -> dict:
    """The CV our own exporter writes from a profile, as a draft would hold it."""
    basics = profile["basics"]
    return {
        "header": {
            "name": basics["name"],
            "headline": basics["label"],
            "email": basics["email"],
            "phone": basics["phone"],
            "location": "London, GB",
            "links": [basics["url"]],
        },
        "summary": basics["summary"],
        "experience": [
            {
                "employer": w["name"],
                "title": w["position"],
                "location": w.get("location", ""),
                "start_date": w["startDate"],
                "end_date": w.get("endDate", "Present"),
                "bullets": w.get("highlights", []),
            }
            for w in profile["work"]
        ],
        "education": [
            {
                "institution": e["institution"],
                "degree": e["studyType"],
                "field": e["area"],
                "start_date": e["startDate"],
                "end_date": e["endDate"],
            }
            for e in profile["education"]
        ],
        "skills": [k for s in profile["skills"] for k in (s.get("keywords") or [s["name"]])],
        "certifications": [c["name"] for c in profile["certificates"]],
        "target": {"job_title": "Backend Engineer", "company": "Acme"},
    }


def expected_of(profile: dict) -> dict:
    """The hand-checkable fields of a profile, as the corpus files write them."""
    return {
        "name": profile["basics"]["name"],
        "email": profile["basics"]["email"],
        "phone": profile["basics"]["phone"],
        "work": [
            {"employer": w["name"], "title": w["position"], "start": w["startDate"]}
            for w in profile["work"]
        ],
        "education": [
            {"institution": e["institution"], "degree": f"{e['studyType']} {e['area']}"}
            for e in profile["education"]
        ],
        "skills": [k for s in profile["skills"] for k in (s.get("keywords") or [s["name"]])],
    }


def upload(api_client, name: str, body: bytes):
    return api_client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, body)}, format="multipart")


@pytest.mark.parametrize("file_format", ["pdf", "docx", "md", "txt"])
def test_our_own_export_imports_back_to_the_same_profile_fields(api_client, file_format):
    body = RENDERERS[file_format](cv_blocks(cv_of(RICH)))

    response = upload(api_client, f"cv.{file_format}", body)

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    score = fields_score(expected=expected_of(RICH), draft=data["draft"])
    assert accuracy(score) == 1.0, (score, data["draft"])
    work = data["draft"]["work"]
    assert [(w["startDate"], w.get("endDate")) for w in work] == [
        ("2021-03", None),
        ("2018-01", "2021-02"),
        ("2016-09", "2017-12"),
    ]
    assert data["draft"]["certificates"][0]["name"] == RICH["certificates"][0]["name"]
    assert data["low_confidence"] == []
    assert data["ai_filled"] == []


def test_an_import_saves_nothing_until_it_is_applied_and_then_is_one_new_version(api_client):
    body = RENDERERS["pdf"](cv_blocks(cv_of(RICH)))
    before = api_client.get(PROFILE_URL).json()["data"]

    imported = upload(api_client, "cv.pdf", body).json()["data"]

    assert api_client.get(PROFILE_URL).json()["data"] == before
    assert {
        "path": "basics.name",
        "change": "added",
        "current": None,
        "imported": "Amara Okafor",
    } in imported["diff"]
    assert sum(1 for change in imported["diff"] if change["path"] == "work") == 3

    applied = api_client.post(f"{IMPORT_URL}/{imported['id']}/apply", {}, format="json")

    assert applied.status_code == 200, applied.json()
    profile = applied.json()["data"]
    assert profile["version"] == before["version"] + 1
    assert profile["data"]["basics"]["email"] == "amara.okafor@example.com"
    assert [w["name"] for w in profile["data"]["work"]] == [
        "Parcelly Ltd",
        "ShopWave",
        "Kestrel Digital",
    ]
    versions = api_client.get(VERSIONS_URL).json()["data"]
    assert [(v["number"], v["source"]) for v in versions] == [(2, "import"), (1, "edit")]


def test_applying_only_some_fields_keeps_the_rest_of_the_profile_as_the_user_wrote_it(
    api_client, user
):
    mine = copy.deepcopy(RICH)
    mine["basics"]["email"] = "old@example.com"
    mine["work"] = mine["work"][:1]
    mine["work"][0]["summary"] = "My own words."
    profile_update(user=user, data=mine)
    body = RENDERERS["docx"](cv_blocks(cv_of(RICH)))
    imported = upload(api_client, "cv.docx", body).json()["data"]
    assert {
        "path": "basics.email",
        "change": "changed",
        "current": "old@example.com",
        "imported": "amara.okafor@example.com",
    } in imported["diff"]

    applied = api_client.post(
        f"{IMPORT_URL}/{imported['id']}/apply", {"fields": ["work"]}, format="json"
    ).json()["data"]["data"]

    assert applied["basics"]["email"] == "old@example.com"
    assert [w["name"] for w in applied["work"]] == ["Parcelly Ltd", "ShopWave", "Kestrel Digital"]
    assert applied["work"][0]["summary"] == "My own words."


def test_an_applied_import_is_undone_by_restoring_the_version_before(api_client, user):
    profile_update(user=user, data={"basics": {"name": "Amara O."}})
    imported = upload(api_client, "cv.md", RENDERERS["md"](cv_blocks(cv_of(RICH)))).json()
    api_client.post(f"{IMPORT_URL}/{imported['data']['id']}/apply", {}, format="json")

    restored = api_client.post(f"{VERSIONS_URL}/2/restore")

    assert restored.status_code == 200, restored.json()
    assert restored.json()["data"]["data"] == {"basics": {"name": "Amara O."}}
    assert restored.json()["data"]["version"] == 4
    numbers = [(v["number"], v["source"]) for v in api_client.get(VERSIONS_URL).json()["data"]]
    assert numbers == [(4, "restore"), (3, "import"), (2, "edit"), (1, "edit")]


def test_a_version_that_does_not_exist_cannot_be_restored(api_client):
    response = api_client.post(f"{VERSIONS_URL}/7/restore")
    assert response.status_code == 404
    assert response.json()["error_code"] == "NOT_FOUND"


def test_another_users_import_cannot_be_applied(api_client, other_user):
    from rest_framework.test import APIClient

    theirs = APIClient()
    theirs.force_authenticate(other_user)
    imported = upload(theirs, "cv.txt", RENDERERS["txt"](cv_blocks(cv_of(RICH)))).json()

    response = api_client.post(f"{IMPORT_URL}/{imported['data']['id']}/apply", {}, format="json")

    assert response.status_code == 404


def test_an_unknown_field_to_apply_is_refused_by_name(api_client):
    imported = upload(api_client, "cv.txt", RENDERERS["txt"](cv_blocks(cv_of(RICH)))).json()
    response = api_client.post(
        f"{IMPORT_URL}/{imported['data']['id']}/apply", {"fields": ["hobbies"]}, format="json"
    )
    assert response.status_code == 400
    assert "hobbies" in response.json()["message"] + str(response.json().get("details"))


def scanned_pdf() -> bytes:
    """A one-page PDF holding only a drawn shape: no text layer, like a scan."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


def test_a_scanned_pdf_gets_422_no_text_layer_asking_for_the_original(api_client):
    response = upload(api_client, "scan.pdf", scanned_pdf())

    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "NO_TEXT_LAYER"
    assert "original" in body["message"] and "DOCX" in body["message"]


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [
        ("cv.pdf", b"PK\x03\x04 this is a zip", "not a PDF"),
        ("cv.pdf", b"%PDF-1.7\n garbage with no objects", "damaged"),
        ("cv.docx", b"%PDF-1.4 not a docx", "not a DOCX"),
        ("cv.docx", b"PK\x03\x04 broken", "damaged"),
        ("cv.zip", b"not a zip at all", "not a ZIP"),
        ("cv.txt", b"\x00\x01\x02binary", "not text"),
        ("cv.odt", b"whatever", "Upload a PDF, DOCX"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_gets_a_clear_422(api_client, name, body, says):
    response = upload(api_client, name, body)

    assert response.status_code == 422, response.json()
    assert response.json()["error_code"] == "UNREADABLE_FILE"
    assert says in response.json()["message"]


def test_an_encrypted_pdf_is_refused_as_encrypted(api_client):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(RENDERERS["pdf"](cv_blocks(cv_of(RICH))))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)

    response = upload(api_client, "cv.pdf", out.getvalue())

    assert response.status_code == 422
    assert "encrypted" in response.json()["message"]


def test_a_pdf_over_ten_pages_is_refused(api_client):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for page in range(11):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {page}")

    response = upload(api_client, "cv.pdf", bytes(pdf.output()))

    assert response.status_code == 422
    assert "11 pages" in response.json()["message"]


def test_a_file_over_ten_megabytes_is_refused(api_client):
    response = upload(api_client, "cv.txt", b"a" * (10 * 1024 * 1024 + 1))
    assert response.status_code in (400, 422)
    assert "10 MB" in response.json()["message"]


def test_a_text_with_nothing_of_a_cv_is_refused_rather_than_an_empty_profile(api_client):
    response = upload(api_client, "notes.txt", b"remember to buy milk\nand eggs\n")

    assert response.status_code == 422
    assert response.json()["error_code"] == "NOTHING_READ"


def linkedin_export() -> bytes:
    files = {
        "Profile.csv": "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,"
        "Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        'Amara,Okafor,,,,Backend Software Engineer,"Backend engineer, seven years.",'
        "Software,,London,,,\n",
        "Email Addresses.csv": "Email Address,Confirmed,Primary,Updated On\n"
        "amara.okafor@example.com,Yes,Yes,1/2/21\n",
        "Positions.csv": "Company Name,Title,Description,Location,Started On,Finished On\n"
        'Parcelly Ltd,Senior Software Engineer,"Routing, tracking",London,Mar 2021,\n'
        "ShopWave,Software Engineer,,Manchester,Jan 2018,Feb 2021\n",
        "Education.csv": "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
        "University of Leeds,2013,2016,,BSc Computer Science,\n",
        "Skills.csv": "Name\nPython\nDjango\nPostgreSQL\n",
        "Certifications.csv": "Name,Url,Authority,Started On,Finished On,License Number\n"
        "AWS Certified Solutions Architect – Associate,,Amazon Web Services,May 2022,,\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_linkedin_export_is_read_column_by_column_with_full_confidence(api_client):
    response = upload(api_client, "Basic_LinkedInDataExport.zip", linkedin_export())

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["file_format"] == "linkedin"
    draft = data["draft"]
    assert draft["basics"]["name"] == "Amara Okafor"
    assert draft["basics"]["email"] == "amara.okafor@example.com"
    assert draft["work"][0] == {
        "name": "Parcelly Ltd",
        "position": "Senior Software Engineer",
        "location": "London",
        "startDate": "2021-03",
        "summary": "Routing, tracking",
    }
    assert draft["work"][1]["endDate"] == "2021-02"
    assert draft["education"][0]["studyType"] == "BSc Computer Science"
    assert [s["name"] for s in draft["skills"]] == ["Python", "Django", "PostgreSQL"]
    assert draft["certificates"][0]["issuer"] == "Amazon Web Services"
    assert set(data["confidence"].values()) == {1.0}


def test_a_zip_that_is_not_a_linkedin_export_is_refused(api_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "hello")

    response = upload(api_client, "export.zip", buffer.getvalue())

    assert response.status_code == 422
    assert "LinkedIn" in response.json()["message"]


def test_importing_needs_a_file_that_is_not_empty(api_client):
    assert api_client.post(IMPORT_URL, {}, format="multipart").status_code == 400
    response = upload(api_client, "cv.txt", b"")
    assert response.status_code == 400
    assert "empty" in response.json()["message"]


UNSURE_CV = b"""jane.roe@example.com | +44 20 7946 0000

Experience
Acme Widgets Ltd
2019-01 - 2021-02
- Kept the widget line running

Skills
Welding, Lathe work
"""


def test_without_a_vendor_configured_no_ai_is_asked_and_the_gaps_stay_marked(api_client):
    data = upload(api_client, "cv.txt", UNSURE_CV).json()["data"]

    assert "name" not in data["draft"].get("basics", {})
    assert data["ai_filled"] == []
    assert "work[0]" in data["low_confidence"]


def test_a_configured_vendor_fills_what_the_parser_missed_seeing_contacts_as_placeholders(
    api_client, openai_double, make_provider
):
    import json

    from tests.fixtures.profiles import vendor_bodies
    from tests.support.doubles import Reply

    make_provider(openai_double)
    openai_double.default = Reply.ok(
        json.dumps(
            {
                "basics": {"name": "Jane Roe"},
                "work": [
                    {
                        "name": "Acme Widgets Ltd",
                        "position": "Machine Operator",
                        "startDate": "2019-01",
                        "endDate": "2021-02",
                    }
                ],
            }
        )
    )

    response = upload(api_client, "cv.txt", UNSURE_CV)

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["draft"]["basics"]["name"] == "Jane Roe"
    assert data["draft"]["basics"]["email"] == "jane.roe@example.com"
    assert data["draft"]["work"][0]["position"] == "Machine Operator"
    assert set(data["ai_filled"]) == {"basics.name", "work[0]"}
    assert data["draft"]["skills"] == [{"name": "Welding"}, {"name": "Lathe work"}]
    sent = "".join(vendor_bodies(openai_double))
    assert openai_double.request_count == 1
    assert "jane.roe@example.com" not in sent and "7946 0000" not in sent


def test_deleting_the_profile_deletes_its_versions_and_a_new_one_starts_clean(api_client, user):
    profile_update(user=user, data={"basics": {"name": "Old Name"}})
    assert api_client.delete(PROFILE_URL).status_code == 200
    assert api_client.get(VERSIONS_URL).json()["data"] == []

    profile_update(user=user, data={"basics": {"name": "New Name"}})

    versions = api_client.get(VERSIONS_URL).json()["data"]
    assert [(v["number"], v["data"]) for v in versions] == [
        (2, {"basics": {"name": "New Name"}}),
        (1, {}),
    ]
