"""A LinkedIn data export (Settings > Data privacy > Get a copy of your data): a ZIP of CSV
files. Its columns name every field, so it is read exactly, with full confidence."""

from __future__ import annotations

import csv
import io
import zipfile

from .dates import iso_month
from .errors import FileRefused
from .parse import ParsedCV

FILES = ("Profile.csv", "Positions.csv", "Education.csv", "Skills.csv", "Certifications.csv")
MAX_UNPACKED = 20 * 1024 * 1024


def is_linkedin_export(archive: zipfile.ZipFile) -> bool:
    names = {name.rsplit("/", 1)[-1] for name in archive.namelist()}
    return "Profile.csv" in names or "Positions.csv" in names


def linkedin_parse(archive: zipfile.ZipFile) -> ParsedCV:
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise FileRefused("This ZIP unpacks to more than 20 MB; a LinkedIn export is smaller.")
    tables = {
        name: _rows(archive, name) for name in (*FILES, "Email Addresses.csv", "PhoneNumbers.csv")
    }
    parsed = ParsedCV(draft={})
    basics = _basics(tables)
    if basics:
        parsed.draft["basics"] = basics
        parsed.confidence.update({f"basics.{key}": 1.0 for key in basics})
    for row in tables["Positions.csv"]:
        _add(parsed, "work", _position(row), required=("name", "position"))
    for row in tables["Education.csv"]:
        _add(parsed, "education", _school(row), required=("institution",))
    for row in tables["Skills.csv"]:
        _add(parsed, "skills", {"name": (row.get("Name") or "").strip()}, required=("name",))
    for row in tables["Certifications.csv"]:
        _add(parsed, "certificates", _certificate(row), required=("name",))
    return parsed


def _basics(tables: dict[str, list[dict[str, str]]]) -> dict:
    basics: dict = {}
    for row in tables["Profile.csv"][:1]:
        name = " ".join(filter(None, (row.get("First Name"), row.get("Last Name"))))
        _put(basics, "name", name)
        _put(basics, "label", row.get("Headline"))
        _put(basics, "summary", row.get("Summary"))
        if row.get("Geo Location"):
            basics["location"] = {"city": row["Geo Location"].strip()}
    for row in tables["Email Addresses.csv"]:
        if row.get("Primary", "Yes").strip().casefold() in ("yes", "true", ""):
            _put(basics, "email", row.get("Email Address"))
            break
    for row in tables["PhoneNumbers.csv"][:1]:
        _put(basics, "phone", row.get("Number"))
    return basics


def _position(row: dict[str, str]) -> dict:
    item: dict = {}
    _put(item, "name", row.get("Company Name"))
    _put(item, "position", row.get("Title"))
    _put(item, "location", row.get("Location"))
    _put(item, "startDate", iso_month(row.get("Started On") or ""))
    _put(item, "endDate", iso_month(row.get("Finished On") or ""))
    _put(item, "summary", row.get("Description"))
    return item


def _school(row: dict[str, str]) -> dict:
    item: dict = {}
    _put(item, "institution", row.get("School Name"))
    _put(item, "studyType", row.get("Degree Name"))
    _put(item, "startDate", iso_month(row.get("Start Date") or ""))
    _put(item, "endDate", iso_month(row.get("End Date") or ""))
    return item


def _certificate(row: dict[str, str]) -> dict:
    item: dict = {}
    _put(item, "name", row.get("Name"))
    _put(item, "issuer", row.get("Authority"))
    _put(item, "date", iso_month(row.get("Started On") or ""))
    return item


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    member = next((m for m in archive.namelist() if m.rsplit("/", 1)[-1] == name), None)
    if member is None:
        return []
    try:
        text = archive.read(member).decode("utf-8-sig")
    except (UnicodeDecodeError, zipfile.BadZipFile, RuntimeError) as exc:
        raise FileRefused(f"{name} in this ZIP cannot be read.") from exc
    lines = text.splitlines()
    # Some exports start with a "Notes:" paragraph before the header row.
    start = next(
        (i for i, line in enumerate(lines) if "," in line and not line.startswith("Notes")), 0
    )
    return list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))


def _put(item: dict, key: str, value: str | None) -> None:
    if value and value.strip():
        item[key] = value.strip()


def _add(parsed: ParsedCV, key: str, item: dict, *, required: tuple[str, ...]) -> None:
    if all(item.get(field) for field in required):
        items = parsed.draft.setdefault(key, [])
        parsed.confidence[f"{key}[{len(items)}]"] = 1.0
        items.append(item)
