"""How documents read words and figures, the same for a CV's fact check (cvs.claims) and a
letter's quality rules (letters.rules):

- Case, accents, punctuation, "&"/"and", and hyphens or spaces inside a word never matter:
  "Back-end" is "Backend", "CI/CD" is "CI CD", "Node.js" is "NodeJS".
- A few names have a second spelling everyone uses (ALIASES: Postgres/PostgreSQL, K8s/
  Kubernetes, JS/JavaScript, Golang/Go, ...).
- Numbers are values: "four" is 4, "2 million" and "2M" are 2,000,000, "35%" is 35.
"""

from __future__ import annotations

import re
import unicodedata

# Second spellings of the same thing, in key form (see skill_key).
ALIASES = {
    "postgres": "postgresql",
    "psql": "postgresql",
    "k8s": "kubernetes",
    "js": "javascript",
    "ts": "typescript",
    "golang": "go",
    "reactjs": "react",
    "vuejs": "vue",
    "vue": "vue",
    "nodejs": "node",
    "node": "node",
    "amazonwebservices": "aws",
    "googlecloud": "gcp",
    "googlecloudplatform": "gcp",
    "mssql": "sqlserver",
    "cicd": "cicd",
    "ml": "machinelearning",
    "ai": "artificialintelligence",
    "py": "python",
}
NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
_SCALE["billion"] = 1e9
# A figure: digits (with thousands separators or decimals), an optional scale word. A figure
# glued to letters ("p95", "S3", "EC2") is a name, not a number.
_FIGURE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|m|mn|bn|b|thousand|million|billion)?"
    r"(?![a-z\d])",
    re.I,
)
_HAS_DIGIT = re.compile(r"\d")
_PUNCTUATION = ".,;:!?()[]\"'’“”"
TOKEN = re.compile(r"[\w+#]+(?:\.[\w+#]+)*")

STOPWORDS = frozenset(
    "a an and as at by for from in into of on or our the their to with within was were is are "
    "be been that this those these it its over per via i my me we".split()
)


def fold(text: str) -> str:
    """Lower case without accents: "Lycée" and "lycee" are one school to a reader."""
    if not text or text.isascii():
        return (text or "").lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return TOKEN.findall(fold(text).replace("&", " and "))


def skill_key(text: str) -> str:
    """One spelling per skill: "Back-end" -> "backend", "CI/CD" -> "cicd", "Postgres" ->
    "postgresql"."""
    key = re.sub(r"[\s\-_/.'’]+", "", fold(text).replace("&", "and"))
    return ALIASES.get(key, key)


def numbers(text: str) -> set[float]:
    """The values of the figures in a text: "four" and "4" are both 4.0, "2M" is 2e6."""
    found = set()
    text = text or ""
    if _HAS_DIGIT.search(text):
        for digits, scale in _FIGURE.findall(text):
            value = float(digits.replace(",", ""))
            found.add(value * _SCALE.get(scale.lower(), 1) if scale else value)
    for word in set(text.lower().split()):
        value = NUMBER_WORDS.get(word.strip(_PUNCTUATION))
        if value is not None:
            found.add(float(value))
    return found
