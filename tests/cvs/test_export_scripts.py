"""Exports in every script a user writes in, and exports of hostile text: names and employers
in Chinese, Japanese, Arabic, Hindi and Russian come back out of the PDF; a character no font
has refuses the export (422) instead of vanishing; control characters never break a DOCX; the
Markdown export shows user text as text."""

from __future__ import annotations

import io
import os
import re
import unicodedata

import pytest
from docx import Document
from pypdf import PdfReader

from cvs.models import CVDraft
from cvs.services import profile_update
from jobs.models import Job
from tests.fixtures.profiles import DRAFT_URL

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/cvs/{}/export"
# (name, employer, position) per script.
PEOPLE = {
    "chinese": ("张伟", "阿里巴巴集团", "软件工程师"),
    "japanese": ("山田太郎", "株式会社メルカリ", "ソフトウェアエンジニア"),
    "arabic": ("محمد الأحمد", "شركة أرامكو", "مهندس برمجيات"),
    "hindi": ("प्रिया शर्मा", "टाटा कंसल्टेंसी सर्विसेज", "सॉफ्टवेयर इंजीनियर"),
    "russian": ("Иван Петров", "ООО Яндекс", "Разработчик"),
}


def _profile(name: str, employer: str, position: str) -> dict:
    return {
        "basics": {"name": name, "label": position, "email": "someone@example.com"},
        "work": [
            {
                "name": employer,
                "position": position,
                "startDate": "2020-01",
                "highlights": ["Built Python services on PostgreSQL"],
            }
        ],
        "skills": [{"name": "Python"}, {"name": "PostgreSQL"}],
    }


def _draft(api_client, user, job, profile: dict) -> dict:
    profile_update(user=user, data=profile)
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() for page in reader.pages)
    # pypdf reads shaped Arabic back in its presentation forms; NFKC turns them into letters.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


@pytest.mark.parametrize("script", list(PEOPLE))
def test_names_and_employers_in_every_script_survive_the_pdf(api_client, user, job, script):
    name, employer, position = PEOPLE[script]
    draft = _draft(api_client, user, job, _profile(name, employer, position))

    response = api_client.get(EXPORT.format(draft["id"]), {"format": "pdf"})

    assert response.status_code == 200, response.content[:300]
    text = _pdf_text(response.content)
    if script == "arabic":
        # Right-to-left text may come back in visual order: every letter must be there.
        for word in [*name.split(), *employer.split()]:
            assert _letters(word) in _letters(text) or _letters(word)[::-1] in _letters(text)
    else:
        assert _letters(name) in _letters(text)
        assert _letters(employer) in _letters(text)


def test_a_character_no_installed_font_has_refuses_the_pdf_naming_it(
    api_client, user, job, settings, tmp_path
):
    # A server with only the main Noto Sans files: no CJK font.
    main = tmp_path / "truetype" / "noto"
    main.mkdir(parents=True)
    for style in ("Regular", "Bold"):
        os.symlink(
            f"/usr/share/fonts/truetype/noto/NotoSans-{style}.ttf", main / f"NotoSans-{style}.ttf"
        )
    draft = _draft(api_client, user, job, _profile(*PEOPLE["chinese"]))
    settings.EXPORT_FONT_DIR = str(tmp_path)

    response = api_client.get(EXPORT.format(draft["id"]), {"format": "pdf"})

    assert response.status_code == 422
    body = response.json()
    assert body["error_code"] == "EXPORT_UNAVAILABLE"
    assert "张 (U+5F20)" in body["message"]
    assert api_client.get(EXPORT.format(draft["id"]), {"format": "docx"}).status_code == 200


@pytest.fixture
def rich_draft(api_client, user, job, with_profile) -> dict:
    response = api_client.post(DRAFT_URL, {"job_id": job.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def test_control_characters_stored_before_they_were_refused_never_break_an_export(
    api_client, rich_draft
):
    draft = CVDraft.objects.get(pk=rich_draft["id"])
    draft.content["summary"] = "Bell\x07 and form\x0cfeed, \ufffe\uffff end\x1f."
    draft.save(update_fields=["content"])

    for file_format in ("docx", "pdf", "md", "txt"):
        response = api_client.get(EXPORT.format(draft.pk), {"format": file_format})
        assert response.status_code == 200, (file_format, response.content[:300])
    docx = Document(io.BytesIO(api_client.get(EXPORT.format(draft.pk), {"format": "docx"}).content))
    assert "Bell and formfeed,  end." in [p.text for p in docx.paragraphs]


def test_the_markdown_export_shows_injected_markup_as_text(api_client, rich_draft):
    hostile = (
        "# Hired\n<script>alert(1)</script> [click](javascript:alert(1)) "
        "![x](https://tracker.example/p.png) <img src=x onerror=alert(1)>"
    )
    response = api_client.patch(
        f"/api/v1/cvs/{rich_draft['id']}", {"content": {"summary": hostile}}, format="json"
    )
    assert response.status_code == 200, response.json()

    markdown = api_client.get(EXPORT.format(rich_draft["id"]), {"format": "md"}).content.decode()

    summary = markdown.split("## Summary\n\n", 1)[1].split("\n", 1)[0]
    assert summary.startswith("\\# Hired \\<script\\>")
    # Every "<", "[" and "]" of the user's text is escaped: no tag, link or image remains.
    assert re.search(r"(?<!\\)[<\[\]]", summary) is None
    assert "![x](" not in markdown
    assert "\\[click\\](javascript:alert(1))" in summary
    assert not any(line.startswith("# Hired") for line in markdown.splitlines())


def test_a_job_with_control_characters_is_refused_when_it_is_edited(api_client, user, job):
    response = api_client.patch(f"/api/v1/jobs/{job.pk}", {"title": "Engineer\x01"}, format="json")

    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_INPUT"
    assert "control character" in response.json()["message"]
    assert Job.objects.get(pk=job.pk).title == "Senior Backend Engineer"
