"""Section headings, found by their words (English and the main European languages) and by
their typography (bigger or bold short lines), and the contact details of a CV's header."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter

from .lines import Line

SUMMARY, WORK, EDUCATION, SKILLS, CERTIFICATES, LANGUAGES, OTHER = (
    "summary",
    "work",
    "education",
    "skills",
    "certificates",
    "languages",
    "other",
)

HEADINGS = {
    SUMMARY: (
        "summary", "professional summary", "profile", "professional profile", "about me",
        "about", "objective", "career objective", "personal statement", "overview",
        "zusammenfassung", "profil", "kurzprofil", "über mich", "résumé", "à propos",
        "perfil", "resumen", "sobre mí", "profilo", "sommario", "profiel", "samenvatting",
        "podsumowanie", "o mnie", "perfil profissional", "resumo",
    ),
    WORK: (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "career history", "career", "experiences",
        "relevant experience", "industry experience", "positions", "professional background",
        "berufserfahrung", "berufliche erfahrung", "berufspraxis", "werdegang",
        "beruflicher werdegang", "erfahrung", "expérience", "expériences",
        "expérience professionnelle", "expériences professionnelles", "parcours professionnel",
        "experiencia", "experiencia laboral", "experiencia profesional", "esperienza",
        "esperienze", "esperienza lavorativa", "esperienze professionali", "werkervaring",
        "ervaring", "doświadczenie", "doświadczenie zawodowe", "experiência",
        "experiência profissional", "experiencia professional",
    ),
    EDUCATION: (
        "education", "academic background", "education and training", "qualifications",
        "academic qualifications", "studies", "ausbildung", "bildung", "bildungsweg",
        "studium", "schulbildung", "formation", "formations", "éducation", "études",
        "educación", "formación", "formación académica", "estudios", "istruzione",
        "formazione", "istruzione e formazione", "opleiding", "opleidingen", "onderwijs",
        "wykształcenie", "edukacja", "educação", "formação", "formação acadêmica",
    ),
    SKILLS: (
        "skills", "technical skills", "key skills", "core skills", "skills and expertise",
        "competencies", "core competencies", "expertise", "technologies", "tools",
        "programming skills", "computer skills", "skill", "technical proficiencies",
        "proficiencies", "kenntnisse", "fähigkeiten",
        "fachkenntnisse", "kompetenzen", "it-kenntnisse", "compétences",
        "compétences techniques", "habilidades", "competencias", "conocimientos",
        "competenze", "abilità", "vaardigheden", "competenties", "umiejętności",
        "kompetencje", "competências", "habilidades técnicas",
    ),
    CERTIFICATES: (
        "certifications", "certificates", "certification", "licenses and certifications",
        "technical certifications", "professional certifications",
        "licences", "zertifikate", "zertifizierungen", "certificats", "certificaciones",
        "certificazioni", "certificaten", "certyfikaty", "certificações",
    ),
    LANGUAGES: (
        "languages", "language skills", "sprachen", "sprachkenntnisse", "langues",
        "idiomas", "lingue", "conoscenze linguistiche", "talen", "języki", "línguas",
    ),
}  # fmt: skip

_HEADING_WORDS = {
    _key: section
    for section, words in HEADINGS.items()
    for word in words
    for _key in (word, word.replace(" ", ""))
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w/])\(?\+?\(?\d[\d ()./-]{6,18}\d(?![\w/])")
URL = re.compile(r"\b(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}(?:/[\w./%-]*)?", re.I)


def heading_key(text: str) -> str:
    """'WORK EXPERIENCE:' -> 'work experience'."""
    text = unicodedata.normalize("NFC", text).casefold().strip().rstrip(":").strip()
    text = re.sub(r"[^\w\s&'-]", " ", text)
    return " ".join(text.replace("&", "and").split())


def section_of(line: Line, *, body_size: float) -> str | None:
    """The section a line opens, OTHER for a heading we do not read, None for no heading."""
    key = heading_key(line.plain)
    if not key or len(key) > 40 or len(line.fields) != 1:
        return None
    section = _HEADING_WORDS.get(key) or _HEADING_WORDS.get(key.replace(" ", ""))
    looks_like_heading = line.heading or _typeset_as_heading(line, key, body_size)
    # A vocabulary word alone on its line is a heading, whatever its type.
    if section and (looks_like_heading or line.plain.rstrip(":") == line.plain.rstrip(":").strip()):
        return section
    return OTHER if looks_like_heading else None


def _typeset_as_heading(line: Line, key: str, body_size: float) -> bool:
    """A short line without figures, bigger than the body text or in capitals."""
    if len(key.split()) > 4 or any(ch.isdigit() for ch in key) or "@" in line.plain:
        return False
    bigger = bool(line.size and body_size and line.size >= body_size * 1.15)
    return bigger or (line.plain.isupper() and len(key) > 3)


def body_size(lines: list[Line]) -> float:
    """The type size most of the text is set in."""
    sizes: Counter = Counter()
    for line in lines:
        if line.size:
            sizes[line.size] += len(line.plain)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def find_email(text: str) -> str:
    match = EMAIL.search(text)
    return match[0].rstrip(".") if match else ""


def find_phone_alone(lines: list[Line]) -> str:
    """A phone number that is a field of its own anywhere ("0123 456789" in a contact column,
    "+1 (234) 567 890 •" in a footer)."""
    for line in lines:
        for field in line.fields:
            for part in re.split(r"\s*[;•·|]\s*", field):
                if part and find_phone(part) == part.strip():
                    return part.strip()
    return ""


def find_phone(text: str) -> str:
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match[0])
        if 7 <= len(digits) <= 15 and not re.fullmatch(
            r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d", match[0]
        ):
            return match[0].strip()
    return ""


def find_name(header: list[Line], lines: list[Line]) -> tuple[str, float]:
    """The person's name: the document title, else the biggest short line at the top. A CV
    that opens with a sidebar of contact details sets the name further on: a name-like line
    of page one set much bigger than the body text and than the top's pick wins."""
    name, sure, size = _top_name(header)
    biggest = _biggest_name_line(lines)
    if biggest is not None and (sure < 0.9 or size and biggest.size > size * 1.2):
        return _name_case(_name_part(biggest)), 0.6
    if name or header:
        return name, sure
    name, sure, _ = _top_name(lines[:8])
    return name, sure


def _top_name(header: list[Line]) -> tuple[str, float, float]:
    """The name among the top lines, how sure, and its type size."""
    for line in header:
        if line.title and _could_be_name(line.plain):
            return line.plain, 0.95, line.size
    candidates = [line for line in _name_lines(header[:8]) if _could_be_name(_name_part(line))]
    if not candidates:
        return "", 0.0, 0.0
    sizes = [line.size for line in candidates if line.size]
    if not sizes:
        return _name_case(_name_part(candidates[0])), 0.6, 0.0
    biggest = max(candidates, key=lambda line: line.size)
    confident = biggest.size > statistics.median(sizes) * 1.2 or len(candidates) == 1
    return _name_case(_name_part(biggest)), 0.9 if confident else 0.6, biggest.size


def _biggest_name_line(lines: list[Line]) -> Line | None:
    """The biggest name-like line of page one, if it is bigger than the body text."""
    first_page = [line for line in lines if line.page == lines[0].page] if lines else []
    candidates = [line for line in first_page if _could_be_name(_name_part(line))]
    size = body_size(lines)
    if not candidates or not size:
        return None
    biggest = max(candidates, key=lambda line: line.size)
    return biggest if biggest.size >= size * 1.2 else None


def _name_lines(header: list[Line]) -> list[Line]:
    """The header's lines, and its first two joined when they are one word each in the same
    type (a name set over two lines: "JOHN" / "DOE")."""
    top = header[:2]
    if (
        len(top) == 2
        and top[0].size == top[1].size
        and all(len(line.plain.split()) == 1 and line.plain.isalpha() for line in top)
    ):
        joined = Line(text=f"{top[0].plain} {top[1].plain}", size=top[0].size, bold=top[0].bold)
        return [joined, *header]
    return header


def _name_part(line: Line) -> str:
    """ "John Doe | Resumé title" -> "John Doe"."""
    return (line.fields[0] if line.fields else "").split(" | ")[0].strip()


def _could_be_name(text: str) -> bool:
    words = text.split()
    return (
        1 < len(words) <= 5
        and not any(ch.isdigit() for ch in text)
        and "@" not in text
        and not URL.fullmatch(text)
        and heading_key(text) not in _HEADING_WORDS
        and all(w[:1].isupper() or w[:1] in "'(" or w.islower() and len(w) <= 3 for w in words)
    )


def _name_case(text: str) -> str:
    return text.title() if text.isupper() else text
