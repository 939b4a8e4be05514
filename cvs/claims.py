"""What a profile backs: the index of its facts that every claim of a CV or letter is read
against (skills, titles, certifications, dates and numbers), and the paraphrase rules that
let an honest rewording through.

The rules (README, "What the fact check accepts"):

- Words and figures are read as documents.wording reads them for every document: case,
  accents, punctuation and "&"/"and" never matter, a few names have a second spelling
  (ALIASES), numbers are values ("four" is 4, "2M" is 2,000,000).
- A few title words have an abbreviation (SHORT: Sr/Senior, Jr/Junior, Eng/Engineer,
  Dev/Developer, Mgr/Manager).
- Nothing else is a synonym: "Developer" is not "Engineer", "Go" is not "Golang 2".

Each part of the index is built when a check first needs it, in one walk of the profile; each
question is then a lookup, so a check costs time linear in the CV and the profile.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from documents.wording import (
    ALIASES,
    STOPWORDS,
    TOKEN,
    fold,
    numbers,
    skill_key,
    words,
)

SHORT = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "jnr": "junior",
    "eng": "engineer",
    "engr": "engineer",
    "dev": "developer",
    "mgr": "manager",
    "mngr": "manager",
    "asst": "assistant",
    "assoc": "associate",
}
_MONTHS = {
    m: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
ONGOING = {"", "present", "current", "now", "today", "ongoing", "heute", "aujourd'hui"}


def title_key(text: str) -> tuple[str, ...]:
    """A job title's words, abbreviations spelled out and hyphens dropped, in order."""
    joined = re.sub(r"(?<=\w)-(?=\w)", "", fold(text))
    return tuple(SHORT.get(w, w) for w in TOKEN.findall(joined.replace("&", " and ")))


def show_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def year_month(text: str) -> tuple[int, int] | None:
    """(year, month) of a date as CVs write them ("2021-03", "03/2021", "Mar 2021", "2021";
    month 0 when only the year is given); None when the text is no date."""
    lowered = fold(text).strip()
    year = re.search(r"\b(19|20)\d{2}\b", lowered)
    if not year:
        return None
    month = 0
    numeric = re.search(r"\b(19|20)\d{2}[-/.](\d{1,2})\b|\b(\d{1,2})[-/.](19|20)\d{2}\b", lowered)
    if numeric:
        month = int(numeric.group(2) or numeric.group(3))
    else:
        named = next((n for w, n in _MONTHS.items() if re.search(rf"\b{w}\b", lowered)), 0)
        month = named
    return int(year.group(0)), month if 1 <= month <= 12 else 0


def same_date(claimed: str, actual: str) -> bool:
    """Does a CV's date say what the profile's does? An empty claim says nothing; "Present"
    matches an open end; a year alone matches any month of that year."""
    if fold(claimed).strip() in ONGOING:
        return not fold(claimed).strip() or fold(actual).strip() in ONGOING
    mine, theirs = year_month(claimed), year_month(actual)
    if mine is None or theirs is None:
        return fold(claimed).strip() == fold(actual).strip()
    return mine[0] == theirs[0] and (not mine[1] or not theirs[1] or mine[1] == theirs[1])


# Skills that are also everyday words: in prose they count only capitalised ("Go", not "go
# live"; "Rust", not "rust").
AMBIGUOUS = frozenset("go rust swift react express spark flask excel r c dart ruby".split())


def _cased_tokens(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return TOKEN.findall(text.replace("&", " and "))


def _tokens(text: str) -> list[str]:
    """The words of a text as grams() runs them together: folded, "." and "_" dropped (a
    token holds no space, hyphen or slash; of what skill_key drops only these)."""
    if text.isascii():
        # Lower case keeps an ASCII text's tokens where they are: one pass finds them all.
        tokens = TOKEN.findall(text.lower().replace("&", " and "))
        return " ".join(tokens).replace(".", "").replace("_", "").split(" ") if tokens else []
    return [fold(t).replace(".", "").replace("_", "") for t in _cased_tokens(text)]


def grams(text: str, n: int = 3) -> set[str]:
    """Every run of 1..n words, joined and aliased, so "Google Cloud" and "GitHub Actions" are
    found as skills inside a sentence."""
    tokens = _tokens(text)
    found = set(map(ALIASES.get, tokens, tokens))
    ambiguous = found & AMBIGUOUS
    if ambiguous:  # a lone everyday word counts only where it is capitalised
        found -= ambiguous
        found.update(
            key
            for key, word in zip(map(ALIASES.get, tokens, tokens), _cased_tokens(text), strict=True)
            if key in ambiguous and word[:1].isupper()
        )
    runs = tokens
    for size in range(2, n + 1):
        runs = list(map(str.__add__, runs, tokens[size - 1 :]))
        found.update(map(ALIASES.get, runs, runs))
    return found


class ProfileIndex:
    """The profile's facts in the shapes the checks look them up in. Each shape is built the
    first time a check asks for it, so a match report, which reads the skills, the text and
    the facts of the CV's own employers, does not pay for the rest of a long profile."""

    def __init__(self, profile: dict) -> None:
        self._profile = profile  # a private copy (profile_index), never changed
        # Shapes built so far. Two threads may build one at the same time: both get the same.
        self._parts: dict[str, Any] = {}

    def _part(self, name: str, build: Callable[[], Any]) -> Any:
        if name not in self._parts:
            self._parts[name] = build()
        return self._parts[name]

    @property
    def skill_keys(self) -> dict[str, str]:
        """skill key -> the profile's first skill entry that names it"""
        return self._part("skill_keys", self._skill_keys)

    def _skill_keys(self) -> dict[str, str]:
        return {skill_key(n): n.strip() for n in reversed(_skill_names(self._profile))}

    @property
    def texts(self) -> list[str]:
        return self._part("texts", lambda: _profile_texts(self._profile))

    def text_naming(self, key: str) -> str | None:
        """The first text of the profile with a run of 1-3 words of that key (see grams).

        Only the texts whose squashed tokens hold a spelling of the key are read word by
        word, and each at most once: a check asks about a few dozen skills, and a profile
        may have hundreds of texts."""
        return self._part(f"text naming {key}", lambda: self._first_text_naming(key))

    def _first_text_naming(self, key: str) -> str | None:
        squashed, starts, tokens = self._part("squashed", lambda: _squash_all(self.texts))
        spellings = [s for s in _SPELLINGS.get(key, (key,)) if _cut_into(s, tokens)]
        if key and not spellings:
            return None
        texts, at, number = self.texts, 0, 0
        while number < len(texts):
            if key:  # "" (the run of a lone "_") may be in any text
                found = [p for p in (squashed.find(s, at) for s in spellings) if p >= 0]
                if not found:
                    return None
                number = bisect.bisect_right(starts, min(found)) - 1
            if key in self._part(f"grams of {number}", lambda n=number: grams(texts[n])):
                return texts[number]
            number += 1
            at = starts[number]
        return None

    @property
    def all_numbers(self) -> set[float]:
        return self._part("all_numbers", self._all_numbers)

    def _all_numbers(self) -> set[float]:
        # One pass over all texts: a bar between them keeps a figure from taking the next
        # text's first word as its scale ("5" and "million users" are not 5 million).
        found = numbers("\n|\n".join([*self.texts, *_skill_names(self._profile)]))
        for entries in self.work.values():
            found.update(*map(date_years, entries))
        return found

    @property
    def vocabulary(self) -> set[str]:
        return self._part("vocabulary", self._vocabulary)

    def _vocabulary(self) -> set[str]:
        every = set().union(*map(words, [*self.texts, *_skill_names(self._profile)]))
        return set(map(SHORT.get, every, every))

    @property
    def certificates(self) -> list[set[str]]:
        return self._part("certificates", lambda: _certificates(self._profile))

    @property
    def work(self) -> dict[str, list[dict]]:
        """key of the employer -> its work entries"""
        return self._part("work", lambda: _work_by_employer(self._profile))

    def facts_of(self, employer: str) -> list[dict]:
        """The fact texts of an employer (by its key), each with its stems and numbers."""
        works = self.work.get(employer, [])
        return self._part(
            f"facts of {employer}", lambda: [f for w in works for f in _work_facts(w)]
        )

    def backs_skill(self, name: str) -> bool:
        key = skill_key(name)
        return bool(key) and (key in self.skill_keys or self.text_naming(key) is not None)

    def backing(self, name: str) -> dict | None:
        """The profile fact that backs a skill: its skills list, or the text naming it."""
        key = skill_key(name)
        if key in self.skill_keys:
            return {"field": "skills", "text": self.skill_keys[key]}
        text = self.text_naming(key)
        return {"field": "text", "text": text} if text is not None else None


# Where the profile states facts in prose: list -> the keys of each entry that hold text.
_TEXT_FIELDS = {
    "work": ("position", "summary", "highlights"),
    "education": ("area", "studyType"),
    "certificates": ("name", "issuer"),
    "projects": ("name", "description", "highlights"),
}


def _entry_texts(entry: object, keys: tuple[str, ...]) -> list[str]:
    if not isinstance(entry, dict):
        return []
    values = [entry.get(key) for key in keys]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return [v for v in flat if isinstance(v, str) and v]


def _profile_texts(profile: dict) -> list[str]:
    texts = _entry_texts(profile.get("basics"), ("label", "summary"))
    for section, keys in _TEXT_FIELDS.items():
        for entry in profile.get(section) or []:
            texts += _entry_texts(entry, keys)
    return texts


def stems(text: str) -> set[str]:
    return {w[:4] for w in words(text) if w not in STOPWORDS and (len(w) > 2 or w.isdigit())}


def employer_key(name: str) -> str:
    key = " ".join(words(name))
    return re.sub(
        r"\s+(?:inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|bv|corp|corporation|co|company)$",
        "",
        key,
    )


def _skill_names(profile: dict) -> list[str]:
    names = []
    for skill in profile.get("skills") or []:
        names += [skill.get("name") or "", *(skill.get("keywords") or [])]
    return [n for n in names if isinstance(n, str) and n.strip()]


def date_years(entry: dict) -> set[float]:
    """The years of an entry's dates (a bullet may say "in 2019"; its month is no figure)."""
    found = (year_month(entry.get(k) or "") for k in ("startDate", "endDate"))
    return {float(ym[0]) for ym in found if ym}


def _work_facts(work: dict) -> list[dict]:
    texts = [("highlight", h) for h in work.get("highlights") or [] if isinstance(h, str)]
    if work.get("summary"):
        texts.append(("summary", work["summary"]))
    dates = date_years(work)
    return [
        {
            "employer": work.get("name") or "",
            "field": kind,
            "highlight": text,
            "stems": stems(text),
            "numbers": numbers(text) | dates,
        }
        for kind, text in texts
    ]


def profile_index(profile: dict) -> ProfileIndex:
    """The index of a profile; the last few are kept, so a fact check and a match report of
    the same profile (or a page of drafts) build it once."""
    return _cached_index(json.dumps(profile, sort_keys=True, ensure_ascii=False))


@functools.lru_cache(maxsize=8)
def _cached_index(profile_json: str) -> ProfileIndex:
    return ProfileIndex(json.loads(profile_json))


def profile_index_forget() -> None:
    """Drop the kept indexes (the benchmark measures a first build)."""
    _cached_index.cache_clear()


# key -> each spelling that grams() makes into it: the key and its aliases
_SPELLINGS = {
    key: (key, *(s for s, k in ALIASES.items() if k == key and s != key))
    for key in set(ALIASES.values())
}


def _cut_into(spelling: str, tokens: set[str], parts: int = 3) -> bool:
    """Can the spelling be cut into at most `parts` of these tokens?"""
    if spelling in tokens:
        return True
    return parts > 1 and any(
        spelling[:cut] in tokens and _cut_into(spelling[cut:], tokens, parts - 1)
        for cut in range(1, len(spelling))
    )


def _squash_all(texts: list[str]) -> tuple[str, list[int], set[str]]:
    """Each text's tokens run together, all in one string, where each text starts in it (and
    the end), and every token. A run of words grams() finds (before its alias) is a substring
    of its text's part, so a spelling that is not proves grams() will not find its key."""
    tokens = [_tokens(text) for text in texts]
    squashed = ["".join(words) for words in tokens]
    return "".join(squashed), [0, *itertools.accumulate(map(len, squashed))], set().union(*tokens)


def _certificates(profile: dict) -> list[set[str]]:
    return [
        set(words(f"{c.get('name') or ''} {c.get('issuer') or ''}"))
        for c in profile.get("certificates") or []
        if c.get("name")
    ]


def _work_by_employer(profile: dict) -> dict[str, list[dict]]:
    work: dict[str, list[dict]] = {}
    for entry in profile.get("work") or []:
        work.setdefault(employer_key(entry.get("name") or ""), []).append(entry)
    return work
