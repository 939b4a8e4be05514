"""Dates and date ranges as CVs write them, normalised to ISO months ("2023-09").

"Sep. 2023 – Mar. 2024", "2021-03 – present", "06/2019 - 08/2020", "since January 2016",
"2019–2021", "März 2020 – heute", "janv. 2018 - déc. 2019".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    # English, German, French, Spanish, Italian, Dutch, Portuguese, Polish (first letters)
    "jan": 1, "janv": 1, "januar": 1, "janvier": 1, "ene": 1, "enero": 1, "gen": 1,
    "gennaio": 1, "januari": 1, "janeiro": 1, "sty": 1, "styczeń": 1,
    "feb": 2, "febr": 2, "februar": 2, "févr": 2, "fév": 2, "février": 2, "febrero": 2,
    "febbraio": 2, "februari": 2, "fev": 2, "fevereiro": 2, "lut": 2, "luty": 2,
    "mar": 3, "mär": 3, "märz": 3, "mars": 3, "marzo": 3, "maart": 3, "março": 3, "mrt": 3,
    "apr": 4, "april": 4, "avr": 4, "avril": 4, "abr": 4, "abril": 4, "aprile": 4, "kwi": 4,
    "may": 5, "mai": 5, "mayo": 5, "mag": 5, "maggio": 5, "mei": 5, "maio": 5, "maj": 5,
    "jun": 6, "juni": 6, "juin": 6, "junio": 6, "giu": 6, "giugno": 6, "junho": 6, "cze": 6,
    "jul": 7, "juli": 7, "juil": 7, "juillet": 7, "julio": 7, "lug": 7, "luglio": 7,
    "julho": 7, "lip": 7,
    "aug": 8, "august": 8, "août": 8, "aout": 8, "ago": 8, "agosto": 8, "augustus": 8,
    "sie": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9, "set": 9,
    "settembre": 9, "setembro": 9, "wrz": 9,
    "oct": 10, "okt": 10, "oktober": 10, "octobre": 10, "octubre": 10, "ott": 10,
    "ottobre": 10, "out": 10, "outubro": 10, "paź": 10,
    "nov": 11, "november": 11, "novembre": 11, "noviembre": 11, "novembro": 11, "lis": 11,
    "dec": 12, "dez": 12, "dezember": 12, "déc": 12, "décembre": 12, "dic": 12,
    "diciembre": 12, "dicembre": 12, "december": 12, "dezembro": 12, "gru": 12,
}  # fmt: skip
for _name in ("january", "february", "march", "june", "july", "october"):
    MONTHS[_name] = MONTHS[_name[:3]]

PRESENT = (
    r"present|current|now|today|ongoing|heute|jetzt|aujourd'hui|actuel(?:lement)?|"
    r"présent|actualidad|presente|hoy|oggi|attuale|heden|nu|atual|obecnie"
)
_MONTH_NAME = r"[A-Za-zÀ-ÿąćęłńóśźż]{3,10}\.?"
_YEAR = r"(?:19|20)\d\d"
# One date: "Sep. 2023", "September 2023", "2021-03", "03/2021", "03.2021", "2021".
_DATE = (
    rf"(?:{_MONTH_NAME}\s*,?\s*{_YEAR}|{_YEAR}[-/.](?:0?[1-9]|1[0-2])(?![\d])|"
    rf"(?:0?[1-9]|1[0-2])[-/.]{_YEAR}|{_YEAR})"
)
_DASH = r"\s*(?:–|—|-|‐|‑|−|\xad|to|bis|à|au|a|al|tot|do|until)\s*"
RANGE = re.compile(
    rf"(?P<start>{_DATE}){_DASH}(?P<end>{_DATE}|{PRESENT})"
    rf"|(?:since|seit|depuis|desde|dal|sinds|od)\s+(?P<since>{_DATE})",
    re.IGNORECASE,
)
SINGLE = re.compile(rf"(?<![\d/.-])(?P<one>{_DATE})(?![\d/-])", re.IGNORECASE)
_PRESENT_ONLY = re.compile(rf"^(?:{PRESENT})$", re.IGNORECASE)


@dataclass(frozen=True)
class DateRange:
    start: str
    end: str  # "" while ongoing or unknown
    text: str  # what the CV wrote, to remove it from the line


def iso_month(text: str) -> str:
    """ "Sep. 2023" -> "2023-09", "06/2019" -> "2019-06", "2021" -> "2021"; "" if not a date."""
    text = text.strip().rstrip(".,")
    if match := re.fullmatch(rf"({_YEAR})[-/.](\d\d?)", text):
        return f"{match[1]}-{int(match[2]):02d}"
    if match := re.fullmatch(rf"(\d\d?)[-/.]({_YEAR})", text):
        return f"{match[2]}-{int(match[1]):02d}"
    if re.fullmatch(_YEAR, text):
        return text
    if match := re.fullmatch(rf"({_MONTH_NAME})\s*,?\s*({_YEAR})", text):
        month = MONTHS.get(match[1].rstrip(".").casefold())
        if month:
            return f"{match[2]}-{month:02d}"
    return ""


def date_range_find(text: str) -> DateRange | None:
    """The first date range in the text, or a lone date (a start with no end)."""
    for match in RANGE.finditer(text):
        if match["since"]:
            start = iso_month(match["since"])
            if start:
                return DateRange(start, "", match[0])
            continue
        start = iso_month(match["start"])
        end_text = match["end"]
        end = "" if _PRESENT_ONLY.match(end_text) else iso_month(end_text)
        if start and (end or _PRESENT_ONLY.match(end_text)):
            return DateRange(start, end, match[0])
    for match in SINGLE.finditer(text):
        start = iso_month(match["one"])
        if start:
            return DateRange(start, start, match[0])
    return None
