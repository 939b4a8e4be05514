"""GET /api/v1/cvs/{id}/export and /api/v1/letters/{id}/export: files an ATS can read.

Round trips: the text is read back out of each PDF (pypdf) and DOCX (python-docx) and every
section heading, employer, date and matched job keyword of the CV must be there, in the
order the CV has them, accented and Cyrillic names included.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.shared import Inches, Mm
from pypdf import PdfReader

from cvs.services import profile_update
from tests.fixtures.profiles import DRAFT_URL, LETTER_URL

pytestmark = pytest.mark.django_db

# A profile whose names need more than Latin-1: Polish, Turkish, French and Cyrillic.
UNICODE_PROFILE = {
    "basics": {
        "name": "Zoë Łukasiewicz-Şahin",
        "label": "Backend Engineer",
        "email": "zoe@example.com",
        "location": {"city": "Łódź", "countryCode": "PL"},
    },
    "work": [
        {
            "name": "Société Générale Paiements",
            "position": "Ingénieure logicielle",
            "startDate": "2021-04",
            "highlights": [
                "Built a Django payments API handling 40,000 transfers a day",
                "Moved reporting to PostgreSQL partitions, halving query time",
            ],
        },
        {
            "name": "ООО Яндекс Маркет",
            "position": "Разработчик",
            "startDate": "2018-02",
            "endDate": "2021-03",
            "highlights": ["Wrote Python services for the catalogue of Яндекс Маркет"],
        },
        {
            "name": "Şişecam Dijital",
            "position": "Junior Developer",
            "startDate": "2016-09",
            "endDate": "2018-01",
            "summary": "Maintained internal Python tools for the glass plants in İzmit.",
        },
    ],
    "education": [
        {
            "institution": "Politechnika Łódzka",
            "studyType": "MSc",
            "area": "Informatyka",
            "startDate": "2014-10",
            "endDate": "2016-07",
        }
    ],
    "skills": [{"name": "Backend", "keywords": ["Python", "Django", "PostgreSQL", "AWS"]}],
    "certificates": [{"name": "AWS Certified Developer – Associate"}],
}
EXPORT = "/api/v1/cvs/{}/export"


@pytest.fixture
def unicode_draft(api_client, user, job) -> dict:
    profile_update(user=user, data=UNICODE_PROFILE)
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def expected_in_order(cv: dict, match: dict) -> list[str]:
    """What must survive, in the order the CV has it."""
    items = [cv["header"]["name"], "Summary", "Experience"]
    for entry in cv["experience"]:
        items += [entry["employer"], entry["start_date"]]
        items += [entry["end_date"]] if entry.get("end_date") else []
    items.append("Education")
    for entry in cv["education"]:
        items += [entry["institution"], entry["start_date"], entry["end_date"]]
    items.append("Skills")
    skills = [s for s in cv["skills"] if s in {m["term"] for m in match["matched"]}]
    items += skills
    items.append("Certifications")
    items += cv["certifications"]
    return items


def assert_in_order(text: str, items: list[str]) -> None:
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} missing after position {position}: {text[position:][:300]!r}"
        position = found + len(item)


def pdf_text(body: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(body))
    return reader, _flat(" ".join(page.extract_text() for page in reader.pages))


def docx_text(body: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(body))
    return document, _flat(" ".join(p.text for p in document.paragraphs))


def test_the_draft_really_carries_the_unicode_names(unicode_draft):
    cv = unicode_draft["content"]
    assert cv["header"]["name"] == "Zoë Łukasiewicz-Şahin"
    assert [e["employer"] for e in cv["experience"]] == [
        "Société Générale Paiements",
        "ООО Яндекс Маркет",
        "Şişecam Dijital",
    ]
    assert {"Python", "Django", "PostgreSQL"} <= {
        m["term"] for m in unicode_draft["match"]["matched"]
    }


@pytest.mark.parametrize("paper, size", [("a4", (595.28, 841.89)), ("letter", (612, 792))])
def test_the_pdf_round_trips_every_section_employer_date_and_keyword(
    api_client, unicode_draft, paper, size
):
    response = api_client.get(EXPORT.format(unicode_draft["id"]), {"format": "pdf", "paper": paper})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".pdf" in disposition
    reader, text = pdf_text(response.content)
    assert_in_order(text, expected_in_order(unicode_draft["content"], unicode_draft["match"]))
    # Bullets too, accents and Cyrillic as they were typed.
    assert "Wrote Python services for the catalogue of Яндекс Маркет" in text
    assert "glass plants in İzmit" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == size
    assert reader.metadata.title == "Zoë Łukasiewicz-Şahin – CV"


def test_the_pdf_embeds_its_fonts_and_has_no_images(api_client, unicode_draft):
    body = api_client.get(EXPORT.format(unicode_draft["id"]), {"format": "pdf"}).content
    reader = PdfReader(io.BytesIO(body))
    for page in reader.pages:
        resources = page["/Resources"]
        assert "/XObject" not in resources  # no text hidden in pictures
        fonts = [font.get_object() for font in resources["/Font"].values()]
        assert fonts
        for font in fonts:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, font  # the TrueType program is in the file
            assert "/ToUnicode" in font  # and its text copies out as text


@pytest.mark.parametrize("paper, width", [("a4", Mm(210)), ("letter", Inches(8.5))])
def test_the_docx_round_trips_with_real_headings(api_client, unicode_draft, paper, width):
    response = api_client.get(
        EXPORT.format(unicode_draft["id"]), {"format": "docx", "paper": paper}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert ".docx" in response["Content-Disposition"]
    document, text = docx_text(response.content)
    assert_in_order(text, expected_in_order(unicode_draft["content"], unicode_draft["match"]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Experience", "Education", "Skills", "Certifications"]
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Zoë Łukasiewicz-Şahin"
    assert not document.tables  # one column
    assert abs(document.sections[0].page_width - width) < Mm(0.1)  # Word stores twips


@pytest.mark.parametrize(
    "file_format, media_type", [("md", "text/markdown"), ("txt", "text/plain")]
)
def test_markdown_and_text_exports(api_client, unicode_draft, file_format, media_type):
    response = api_client.get(EXPORT.format(unicode_draft["id"]), {"format": file_format})

    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    text = response.content.decode("utf-8")
    assert_in_order(
        _flat(text), expected_in_order(unicode_draft["content"], unicode_draft["match"])
    )
    if file_format == "md":
        assert text.startswith("# Zoë Łukasiewicz-Şahin\n")
        assert "\n## Experience\n" in text
        assert "\n### Ingénieure logicielle, Société Générale Paiements\n" in text
    else:
        assert "\nExperience\n----------\n" in text


def test_the_default_is_an_a4_pdf_named_after_the_candidate(api_client, unicode_draft):
    response = api_client.get(EXPORT.format(unicode_draft["id"]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''zo%C3%AB-%C5%82ukasiewicz-%C5%9Fahin-cv-acme-freight.pdf"
    )
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert round(float(box.width), 2) == 595.28


def test_an_unknown_format_or_paper_is_refused(api_client, unicode_draft):
    url = EXPORT.format(unicode_draft["id"])

    response = api_client.get(url, {"format": "xls"})
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": 'format: "xls" is not an export format; choose one of pdf, docx, md, txt.',
        "error_code": "INVALID_INPUT",
        "errors": {"format": ['"xls" is not an export format; choose one of pdf, docx, md, txt.']},
    }
    response = api_client.get(url, {"paper": "a5"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"
    assert "a4 or letter" in response.json()["message"]


def test_another_users_draft_is_not_found(other_client, unicode_draft):
    response = other_client.get(EXPORT.format(unicode_draft["id"]), {"format": "pdf"})

    assert response.status_code == 404
    assert response.json()["error_code"] == "NOT_FOUND"
    assert response.json()["message"] == "No such CV draft."


def test_without_the_fonts_a_pdf_export_says_what_is_missing(
    api_client, unicode_draft, settings, tmp_path
):
    settings.EXPORT_FONT_DIR = str(tmp_path)

    response = api_client.get(EXPORT.format(unicode_draft["id"]), {"format": "pdf"})
    assert response.status_code == 503
    assert response.json()["error_code"] == "EXPORT_UNAVAILABLE"
    assert "fonts-noto-core" in response.json()["message"]
    # The other formats need no font file.
    assert api_client.get(EXPORT.format(unicode_draft["id"]), {"format": "docx"}).status_code == 200


def test_an_export_is_of_the_latest_version(api_client, unicode_draft):
    url = f"/api/v1/cvs/{unicode_draft['id']}"
    api_client.patch(url, {"content": {"summary": "Edited by hand: Ж, ł, ş."}}, format="json")

    _, text = pdf_text(api_client.get(f"{url}/export", {"format": "pdf"}).content)
    assert "Edited by hand: Ж, ł, ş." in text


@pytest.mark.parametrize("file_format", ["pdf", "docx", "txt"])
def test_a_letter_exports_its_parts_in_order(
    api_client, user, job, with_profile, file_format, rich_profile
):
    letter = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]
    content = letter["content"]

    response = api_client.get(f"/api/v1/letters/{letter['id']}/export", {"format": file_format})

    assert response.status_code == 200
    assert f".{file_format}" in response["Content-Disposition"]
    if file_format == "pdf":
        _, text = pdf_text(response.content)
    elif file_format == "docx":
        _, text = docx_text(response.content)
    else:
        text = _flat(response.content.decode())
    parts = [content["subject"], content["greeting"], *content["paragraphs"]]
    assert_in_order(text, [_flat(p) for p in parts] + [content["sign_off"], content["signature"]])


def test_another_users_letter_is_not_found_and_a_bad_format_refused(
    api_client, other_client, job, with_profile
):
    letter = api_client.post(LETTER_URL, {"job_id": job.pk}, format="json").json()["data"]
    url = f"/api/v1/letters/{letter['id']}/export"

    assert other_client.get(url, {"format": "pdf"}).json()["error_code"] == "NOT_FOUND"
    response = api_client.get(url, {"format": "odt"})
    assert (response.status_code, response.json()["error_code"]) == (400, "INVALID_INPUT")
