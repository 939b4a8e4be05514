"""Property tests of the fact check: generated profiles, and drafts that copy, paraphrase (within
the rules the README lists) or invent each kind of claim. Every invention is caught and removed;
no copy or paraphrase is flagged."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvs.factcheck import cv_fact_check

SKILLS = ["Python", "Django", "PostgreSQL", "Redis", "Terraform", "Kubernetes", "Go", "Rust"]
SKILLS += ["Java", "TypeScript", "Docker", "Kafka", "Airflow", "AWS", "GraphQL", "Scala"]
# A second spelling the rules accept, per skill that has one.
SKILL_PARAPHRASES = {"PostgreSQL": "Postgres", "Kubernetes": "K8s", "Go": "Golang"}
SKILL_PARAPHRASES |= {"TypeScript": "TS", "AWS": "Amazon Web Services"}
EMPLOYERS = ["Parcelly Ltd", "ShopWave", "Kestrel Digital", "Northwind Traders Inc", "Acme Freight"]
INVENTED_EMPLOYERS = ["Globex", "Initech", "Umbrella Corporation", "Hooli", "Stark Industries"]
TITLES = ["Senior Backend Engineer", "Software Engineer", "Junior Web Developer"]
TITLES += ["Engineering Manager", "Data Analyst"]
TITLE_PARAPHRASES = {
    "Senior Backend Engineer": ["Sr. Back-end Engineer", "senior back-end engineer"],
    "Software Engineer": ["software engineer", "Software Eng."],
    "Junior Web Developer": ["Jr. Web Developer", "Junior Web Dev"],
    "Engineering Manager": ["Engineering Mgr", "ENGINEERING MANAGER"],
    "Data Analyst": ["data analyst"],
}
INVENTED_TITLES = ["Staff Engineer", "Principal Architect", "CTO", "Head of Platform", "VP Sales"]
CERTS = ["AWS Certified Solutions Architect – Associate", "Certified Kubernetes Administrator"]
CERTS += ["Professional Scrum Master I"]
INVENTED_CERTS = ["Google Professional Data Engineer", "CISSP", "Oracle Certified Java Programmer"]
INVENTED_CERTS += ["AWS Certified DevOps Engineer – Professional"]
SCHOOLS = ["University of Leeds", "Open University", "Lycée Victor Hugo"]
INVENTED_SCHOOLS = ["Harvard University", "MIT", "University of Oxford"]
DEGREES = [("BSc", "Computer Science"), ("MSc", "Data Science"), ("BA", "Economics")]
DEGREE_PARAPHRASES = {
    "BSc": ["B.Sc.", "Bachelor of Science", "BSc (Hons)"],
    "MSc": ["M.Sc.", "Master of Science"],
    "BA": ["B.A.", "Bachelor of Arts"],
}
INVENTED_DEGREES = ["PhD", "MBA", "BEng", "MPhil"]
NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
PROPERTIES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def profiles(draw) -> dict:
    skills = draw(st.lists(st.sampled_from(SKILLS), min_size=2, max_size=6, unique=True))
    employers = draw(st.lists(st.sampled_from(EMPLOYERS), min_size=1, max_size=3, unique=True))
    work = []
    for n, employer in enumerate(employers):
        start = draw(st.integers(2005, 2020))
        percent, team = draw(st.integers(21, 95)), draw(st.integers(2, 12))
        skill = skills[n % len(skills)]
        work.append(
            {
                "name": employer,
                "position": draw(st.sampled_from(TITLES)),
                "startDate": f"{start}-{draw(st.integers(1, 12)):02d}",
                "endDate": "" if n == 0 else f"{start + 2}-06",
                "highlights": [
                    f"Cut the {skill} service's latency by {percent}% for {team} teams",
                    f"Led a team of {team} engineers on the {skill} migration",
                ],
            }
        )
    study, area = draw(st.sampled_from(DEGREES))
    return {
        "basics": {"name": "Amara Okafor", "label": work[0]["position"]},
        "work": work,
        "education": [
            {
                "institution": draw(st.sampled_from(SCHOOLS)),
                "studyType": study,
                "area": area,
                "startDate": "2001-09",
                "endDate": "2004-06",
            }
        ],
        "skills": [{"name": s} for s in skills],
        "certificates": [{"name": draw(st.sampled_from(CERTS))}],
    }


def copied_cv(profile: dict) -> dict:
    """A draft that says exactly what the profile says."""
    return {
        "header": {"name": "Amara Okafor", "headline": profile["basics"]["label"]},
        "summary": "",
        "experience": [
            {
                "employer": w["name"],
                "title": w["position"],
                "start_date": w["startDate"],
                "end_date": w["endDate"] or "Present",
                "bullets": list(w["highlights"]),
            }
            for w in profile["work"]
        ],
        "education": [
            {
                "institution": e["institution"],
                "degree": f"{e['studyType']} {e['area']}",
                "start_date": e["startDate"],
                "end_date": e["endDate"],
            }
            for e in profile["education"]
        ],
        "skills": [s["name"] for s in profile["skills"]],
        "certifications": [c["name"] for c in profile["certificates"]],
        "target": {"job_title": "", "company": ""},
    }


def _paraphrase_date(draw, date: str) -> str:
    year, month = date.split("-")
    shapes = [date, f"{MONTHS[int(month) - 1]} {year}", f"{month}/{year}", year]
    return draw(st.sampled_from(shapes))


def _paraphrase_bullet(draw, bullet: str) -> str:
    # "a team of 4" and "four engineers" say the same.
    words = bullet.split()
    for n, word in enumerate(words):
        if word.isdigit() and int(word) < len(NUMBER_WORDS) and draw(st.booleans()):
            words[n] = NUMBER_WORDS[int(word)]
    return " ".join(words)


def _paraphrase_experience(draw, cv: dict) -> None:
    for item in cv["experience"]:
        item["employer"] = draw(
            st.sampled_from([item["employer"], item["employer"].upper(), item["employer"].lower()])
        )
        item["title"] = draw(st.sampled_from([item["title"], *TITLE_PARAPHRASES[item["title"]]]))
        item["start_date"] = _paraphrase_date(draw, item["start_date"])
        if item["end_date"] != "Present":
            item["end_date"] = _paraphrase_date(draw, item["end_date"])
        item["bullets"] = [_paraphrase_bullet(draw, b) for b in item["bullets"]]


@st.composite
def paraphrased(draw, profile: dict) -> dict:
    cv = copied_cv(profile)
    _paraphrase_experience(draw, cv)
    cv["skills"] = [
        draw(st.sampled_from([s, s.lower(), SKILL_PARAPHRASES.get(s, s)])) for s in cv["skills"]
    ]
    cv["certifications"] = [c.replace(" – ", " ").lower() for c in cv["certifications"]]
    for item, entry in zip(cv["education"], profile["education"], strict=True):
        study = draw(st.sampled_from([entry["studyType"], *DEGREE_PARAPHRASES[entry["studyType"]]]))
        item["degree"] = f"{study} in {entry['area']}"
    return cv


def _invent(draw, kind: str, cv: dict, profile: dict) -> str:
    """Put one invented claim of `kind` into the draft; returns its text."""
    first = cv["experience"][0]
    if kind == "employer":
        text = draw(st.sampled_from(INVENTED_EMPLOYERS))
        cv["experience"].append({"employer": text, "title": first["title"], "bullets": []})
    elif kind == "title":
        text = first["title"] = draw(st.sampled_from(INVENTED_TITLES))
    elif kind == "dates":
        year = int(profile["work"][0]["startDate"][:4]) - draw(st.integers(1, 4))
        text = first["start_date"] = f"{year}-01"
    elif kind == "skill":
        # Not a skill of the profile, nor named anywhere in it (an "AWS Certified ..."
        # certificate backs AWS).
        said = str(profile).casefold()
        text = draw(st.sampled_from([s for s in SKILLS if s.casefold() not in said]))
        cv["skills"].append(text)
    elif kind == "certification":
        text = draw(st.sampled_from(INVENTED_CERTS))
        cv["certifications"].append(text)
    elif kind == "institution":
        text = draw(st.sampled_from(INVENTED_SCHOOLS))
        cv["education"].append({"institution": text, "degree": "BSc Physics"})
    elif kind == "degree":
        text = cv["education"][0]["degree"] = draw(st.sampled_from(INVENTED_DEGREES))
    else:  # a figure the fact it came from does not have
        known = {int(w) for w in first["bullets"][0].replace("%", " ").split() if w.isdigit()}
        figure = draw(st.integers(13, 99).filter(lambda n: n not in known))
        text = f"Cut the service's latency by {figure}% for the teams"
        first["bullets"].append(text)
    return text


KINDS = ["employer", "title", "dates", "skill", "certification", "institution", "degree", "figure"]


@PROPERTIES
@given(profile=profiles(), data=st.data())
def test_a_copied_or_paraphrased_draft_is_never_flagged(profile, data):
    draft = data.draw(st.one_of(st.just(copied_cv(profile)), paraphrased(profile)))

    check = cv_fact_check(draft, profile)

    assert check.warnings == []
    assert check.cv == draft


@PROPERTIES
@given(profile=profiles(), kind=st.sampled_from(KINDS), data=st.data())
def test_every_invented_claim_of_every_kind_is_removed_and_listed(profile, kind, data):
    draft = data.draw(paraphrased(profile))
    invented = _invent(data.draw, kind, draft, profile)

    check = cv_fact_check(copy.deepcopy(draft), profile)

    assert len(check.warnings) == 1, check.warnings
    assert check.warnings[0].startswith("Removed: ")
    assert f'"{invented}' in check.warnings[0]
    assert invented not in str(check.cv)
