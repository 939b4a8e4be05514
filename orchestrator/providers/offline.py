"""The offline provider: no key, no network, deterministic answers.

It reads the same tagged prompt an LLM would get (`<posting>`, `<profile>`, `<job>`, `<tone>`)
and answers from it alone: JSON-LD and text heuristics for extraction, and CVs and letters
assembled only from facts in the profile, ordered by the job's keywords. It is the last link
of every fallback chain, so the product works before anyone configures a vendor.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from jobs.heuristics import job_from_page, job_from_text
from jobs.parsing import keywords_for
from jobs.structured import structured_job
from letters.rules import body_word_count
from letters.schemas import BODY_MAX_WORDS
from orchestrator.prompting import read_block
from orchestrator.providers import BAD_REQUEST, ProviderError, ProviderReply

NO_IMAGES = (
    "The offline provider cannot read images; configure Gemini, OpenAI or Claude for screenshots."
)
_HTML = re.compile(
    r"<(?:!doctype|html|head|body|div|p|main|article|section|script|ul|li|h[1-6]|"
    r"span|br|meta|table)\b",
    re.I,
)


class OfflineAdapter:
    def __init__(
        self, *, api_key: str | None = None, base_url: str | None = None, timeout: float = 30.0
    ):
        self.timeout = timeout  # kept for the adapter contract; nothing here waits

    def generate(
        self,
        *,
        model: str,
        prompt: str,
        system_prompt: str | None = None,
        image: bytes | None = None,
        image_mime: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        json_schema: dict | None = None,
        task: str | None = None,
    ) -> ProviderReply:
        if image is not None or task == "image_check":
            raise ProviderError(BAD_REQUEST, NO_IMAGES, retryable=False)
        if task == "extraction":
            text = json.dumps(extract_job(_block(prompt, "posting")), ensure_ascii=False)
        elif task == "cv_draft":
            text = json.dumps(
                draft_cv(_json(prompt, "profile"), _json(prompt, "job")), ensure_ascii=False
            )
        elif task == "cover_letter":
            tone = (read_block(prompt, "tone") or "professional").strip().lower()
            letter = draft_letter(_json(prompt, "profile"), _json(prompt, "job"), tone)
            text = json.dumps(letter, ensure_ascii=False)
        elif task == "provider_test":
            text = "OK"
        elif json_schema:
            text = json.dumps(_empty_instance(json_schema))
        else:
            text = (
                f"The offline provider has no model for the task {task or 'unnamed'!r}; "
                f"it received a prompt of {len(prompt)} characters."
            )
        # Estimates, not vendor counts: about four characters a token for English text.
        return ProviderReply(
            text=text,
            input_tokens=math.ceil(len((system_prompt or "") + prompt) / 4),
            output_tokens=math.ceil(len(text) / 4),
        )


def _block(prompt: str, tag: str) -> str:
    content = read_block(prompt, tag)
    if content is None:
        raise ProviderError(BAD_REQUEST, f"The prompt has no <{tag}> block.", retryable=False)
    return content


def _json(prompt: str, tag: str) -> dict:
    try:
        value = json.loads(_block(prompt, tag))
    except ValueError as exc:
        raise ProviderError(
            BAD_REQUEST, f"The <{tag}> block is not JSON.", retryable=False
        ) from exc
    return value if isinstance(value, dict) else {}


def _empty_instance(schema: dict) -> Any:
    # The smallest value that satisfies a simple schema, for tasks the offline provider
    # does not know but whose caller insists on JSON.
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _empty_instance(props.get(k, {})) for k in schema.get("required", props)}
    return {"array": [], "string": "", "boolean": False, "integer": 0, "number": 0}.get(kind)


def extract_job(posting: str) -> dict:
    if _HTML.search(posting):
        return structured_job(posting) or job_from_page(posting)
    return job_from_text(posting)


# ---------------------------------------------------------------- shared helpers


def _key(term: str) -> str:
    return re.sub(r"[\s.]+", "", term.casefold())


def _mentions(text: str, term: str) -> bool:
    pattern = r"(?<![\w+#])" + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w+#])"
    return re.search(pattern, text, re.I) is not None


def _profile_skills(profile: dict) -> list[str]:
    names = []
    for skill in profile.get("skills") or []:
        names += [skill.get("name") or "", *(skill.get("keywords") or [])]
    unique: dict[str, str] = {}
    for name in names:
        if name.strip():
            unique.setdefault(_key(name), name.strip())
    return list(unique.values())


def _skill_groups(profile: dict) -> set[str]:
    # A skill entry with keywords names a group ("Backend", "Data"), a heading rather than a
    # skill, so a job's title word must not match it.
    return {
        _key(g["name"]) for g in profile.get("skills") or [] if g.get("name") and g.get("keywords")
    }


def _profile_text(profile: dict) -> str:
    basics = profile.get("basics") or {}
    parts = [basics.get("label") or "", basics.get("summary") or ""]
    for work in profile.get("work") or []:
        parts += [
            work.get("position") or "",
            work.get("summary") or "",
            *(work.get("highlights") or []),
        ]
    return "\n".join(parts)


def _job_terms(job: dict) -> list[str]:
    return list(
        job.get("keywords") or job.get("skills") or keywords_for(job.get("title") or "", [])
    )


def matched_skills(profile: dict, job: dict) -> list[str]:
    """The job's keywords the profile really has, in the job's order and the profile's words."""
    groups = _skill_groups(profile)
    own = {_key(s): s for s in _profile_skills(profile) if _key(s) not in groups}
    text = _profile_text(profile)
    found = []
    for term in _job_terms(job):
        if _key(term) in own:
            found.append(own[_key(term)])
        elif term in (job.get("skills") or []) and _mentions(text, term):
            found.append(term)
    return list(dict.fromkeys(found))


def _relevance(text: str, terms: list[str]) -> int:
    return sum(_mentions(text, t) for t in terms)


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _a(word: str) -> str:
    acronym_vowel = len(word) > 1 and word[1].isupper() and word[0] in "FHLMNRSX"
    return "an" if word[:1].upper() in "AEIOU" or acronym_vowel else "a"


def _current_work(profile: dict) -> dict | None:
    work = profile.get("work") or []
    return next((w for w in work if not w.get("endDate")), work[0] if work else None)


# ---------------------------------------------------------------- CV


def draft_cv(profile: dict, job: dict) -> dict:
    basics = profile.get("basics") or {}
    title, company = job.get("title") or "", job.get("company") or ""
    terms = _job_terms(job)
    skills = matched_skills(profile, job)
    title_words = {_key(w) for w in keywords_for(title, [])}
    related = any(
        title_words & {_key(w) for w in keywords_for(w.get("position") or "", [])}
        for w in profile.get("work") or []
    )
    current = _current_work(profile)
    lead = basics.get("label") or (current or {}).get("position") or "Professional"
    summary = f"{lead} skilled in {_join(skills[:4])}." if skills else f"{lead}."
    if basics.get("summary"):
        summary += " " + basics["summary"].strip()
    elif current and current.get("position") and current.get("name"):
        summary += f" Currently {current['position']} at {current['name']}."
    location = basics.get("location") or {}
    own = _profile_skills(profile)
    first = [s for s in skills if _key(s) in {_key(o) for o in own}]
    return {
        "header": {
            "name": basics.get("name") or "",
            "headline": title if related and title else basics.get("label") or title,
            "email": basics.get("email") or "",
            "phone": basics.get("phone") or "",
            "location": ", ".join(
                v
                for v in (location.get("city"), location.get("region"), location.get("countryCode"))
                if v
            ),
            "links": [
                u
                for u in [basics.get("url")] + [p.get("url") for p in basics.get("profiles") or []]
                if u
            ],
        },
        "summary": summary,
        "experience": [_cv_role(work, terms) for work in profile.get("work") or []],
        "education": [
            {
                "institution": e.get("institution") or "",
                "degree": f"{e.get('studyType') or ''} {e.get('area') or ''}".strip(),
                "field": e.get("area") or "",
                "start_date": e.get("startDate") or "",
                "end_date": e.get("endDate") or "",
            }
            for e in profile.get("education") or []
        ],
        # Only skills the profile has; those the job asks for first.
        "skills": first + [s for s in own if s not in first],
        "certifications": [c["name"] for c in profile.get("certificates") or [] if c.get("name")],
        "target": {"job_title": title, "company": company},
    }


def _cv_role(work: dict, terms: list[str]) -> dict:
    highlights = list(work.get("highlights") or [])
    # A stable sort keeps the profile's own order among equally relevant highlights.
    bullets = sorted(highlights, key=lambda h: -_relevance(h, terms))
    if not bullets and work.get("summary"):
        bullets = [work["summary"]]
    start = work.get("startDate") or ""
    return {
        "employer": work.get("name") or "",
        "title": work.get("position") or "",
        "location": work.get("location") or "",
        "start_date": start,
        "end_date": work.get("endDate") or ("Present" if start else ""),
        "bullets": bullets,
    }


# ---------------------------------------------------------------- cover letter

# Per tone: the fixed moves of the letter, plus statements of intent that fill a thin profile's
# letter up to the minimum length without inventing facts.
_TONE = {
    "professional": {
        "sign_off": "Sincerely,",
        "open": "I am writing to apply for the {title} role at {company}.",
        "why": [
            "The role's focus on {focus} matches both my experience and the direction I "
            "want my career to take.",
            "The role's focus on {focus} is the direction I want my career to take.",
            "I would value the opportunity to contribute to the work at {company} and to "
            "grow with its team.",
        ],
        "skills": "My experience covers {skills}, all of which your posting lists for this role.",
        "approach": [
            "I have read the requirements of the {title} role carefully, and I am "
            "prepared to put in the work needed to meet them from the first day.",
            "I take care to understand the goals behind a task before I start, and I "
            "keep colleagues informed as the work progresses.",
        ],
        "close": "I would welcome the opportunity to discuss how my experience could support "
        "{company}.",
        "extra": [
            "Thank you for taking the time to review my application and the enclosed CV.",
            "I am available for an interview at a time that suits you, in person or by video call.",
            "I am happy to provide further detail on any of the work described above, as "
            "well as references on request.",
            "I look forward to hearing from you about the next steps.",
        ],
    },
    "enthusiastic": {
        "sign_off": "Best regards,",
        "open": "I was thrilled to see that {company} is hiring for the {title} role, and I am "
        "eager to apply.",
        "why": [
            "Working on {focus} is exactly the kind of challenge that motivates me, and "
            "this role puts it at the centre.",
            "Working on {focus} is exactly the kind of challenge that motivates me, and "
            "this role puts it at the centre.",
            "The chance to help {company} grow while learning from a strong team is "
            "something I would genuinely love.",
        ],
        "skills": "I was especially pleased to see that the role calls for {skills}, because "
        "these are skills I have built up in my own work.",
        "approach": [
            "I bring real energy to new problems, and I enjoy turning a rough idea "
            "into something that works well for the people who use it.",
            "Reading the requirements for the {title} role, I found myself already "
            "thinking about how I would tackle the first few months.",
        ],
        "close": "I would love the chance to talk about how I could help {company} reach its "
        "next goals.",
        "extra": [
            "Thank you so much for considering my application; I am genuinely excited "
            "about this opportunity.",
            "I would be delighted to meet the team, in person or over a video call, at "
            "whatever time works best for you.",
            "If it helps, I would be very happy to share more detail about any of the "
            "projects mentioned above.",
            "I cannot wait to hear from you and to learn more about the role.",
        ],
    },
    "concise": {
        "sign_off": "Kind regards,",
        "open": "Please accept my application for the {title} role at {company}.",
        "why": [
            "The role's focus on {focus} fits my experience well.",
            "The role's focus on {focus} is where I want to grow.",
            "I want to contribute to {company} and grow with its team.",
        ],
        "skills": "My skills include {skills}, as the posting asks.",
        "approach": [
            "I work carefully, communicate clearly and finish what I start.",
            "I have read the requirements of the {title} role and I am ready to meet them.",
            "I learn new tools quickly and ask for feedback early.",
        ],
        "close": "I would be glad to discuss the role in an interview.",
        "extra": [
            "Thank you for reviewing my application and CV.",
            "I am available for an interview at your convenience, in person or online.",
            "I can share further detail on my work, or references, on request.",
            "I look forward to your reply.",
        ],
    },
    "friendly": {
        "sign_off": "Warm regards,",
        "open": "I'd love to join the team at {company} in the {title} role, so I'm happy to "
        "send you my application.",
        "why": [
            "Reading about the work on {focus}, I could easily picture myself fitting "
            "into the team.",
            "Reading about the work on {focus}, I could easily picture myself growing into it.",
            "I'd really enjoy contributing to what {company} is building and growing "
            "alongside the people there.",
        ],
        "skills": "I noticed the role calls for {skills}, and those are skills I already bring "
        "with me.",
        "approach": [
            "I like working closely with colleagues, asking questions early and "
            "sharing what I learn along the way.",
            "The requirements of the {title} role read like a good next step for me, "
            "and I'm keen to take it.",
        ],
        "close": "It would be great to chat about the role and how I could help the team at "
        "{company}.",
        "extra": [
            "Thanks so much for taking the time to read my application and CV.",
            "I'm happy to meet in person or over a video call, whenever suits you best.",
            "If you'd like more detail on anything I've mentioned, just let me know and "
            "I'll gladly share it.",
            "I'm looking forward to hearing from you.",
        ],
    },
}
# Tone-neutral statements of intent, used only when a very thin profile leaves a letter short.
_RESERVE = [
    (0, "I am confident that my background gives me a solid base for the {title} role."),
    (1, "I am keen to keep learning on the job and to take on more responsibility over time."),
    (1, "I value clear communication, reliable delivery and honest feedback in a team."),
    (
        0,
        "I am applying because this role brings together the work I know and the work I want "
        "to do more of.",
    ),
    (
        2,
        "I would approach the first weeks by listening, learning how the team works and taking "
        "on tasks where I can help straight away.",
    ),
    (
        1,
        "When I meet something unfamiliar, I read up on it, try it on a small scale and ask "
        "for a review before relying on it.",
    ),
]
_VERBS = {
    "led",
    "built",
    "ran",
    "made",
    "won",
    "wrote",
    "grew",
    "cut",
    "drove",
    "set",
    "own",
    "run",
    "lead",
    "build",
    "manage",
    "design",
    "develop",
    "maintain",
    "support",
    "deliver",
    "create",
    "help",
    "handle",
    "oversee",
    "oversaw",
    "taught",
    "brought",
    "kept",
    "sold",
    "took",
    "gave",
    "rebuilt",
    "shipped",
    "write",
    "teach",
    "mentor",
    "coordinate",
}


def draft_letter(profile: dict, job: dict, tone: str) -> dict:
    tone = tone if tone in _TONE else "professional"
    phrases = _TONE[tone]
    basics = profile.get("basics") or {}
    title, company = job.get("title") or "", job.get("company") or ""
    skills = matched_skills(profile, job)
    context = {
        "title": title or "advertised",
        "company": company or "your organisation",
        "focus": _join((skills or job.get("skills") or _job_terms(job))[:3])
        or "the work described in your posting",
        "skills": _join(skills[:5]),
    }
    candidates: list[tuple[int, float, str]] = []  # (paragraph, priority, sentence)

    def add(paragraph: int, priority: float, sentence: str) -> None:
        candidates.append((paragraph, priority, sentence.format(**context)))

    add(0, 0, phrases["open"])
    intro = _introduction(basics.get("label") or "", _current_work(profile))
    if intro:
        add(0, 0, intro)
    # Claim a fit only with skills the profile really has; otherwise speak of intent.
    add(0, 1, phrases["why"][0 if skills else 1])
    add(0, 2, phrases["why"][2])

    own = _profile_skills(profile)
    if skills:
        add(1, 0, phrases["skills"])
    elif own:
        add(1, 0, f"My main skills are {_join(own[:4])}.")
    _add_experience(add, profile, _job_terms(job))
    for n, entry in enumerate(profile.get("education") or []):
        add(1, 4 if n == 0 else 6, _education(entry))
    for cert in profile.get("certificates") or []:
        if cert.get("name"):
            add(1, 5, f"I also hold the {cert['name']} credential.")
    groups = _skill_groups(profile)
    others = [s for s in own if s not in skills and _key(s) not in groups][:5]
    if others:
        add(1, 5, f"Beyond what the posting names, my skills include {_join(others)}.")
    languages = [
        lang["language"] for lang in profile.get("languages") or [] if lang.get("language")
    ]
    if len(languages) > 1:
        add(1, 7, f"I speak {_join(languages)}.")
    for rank, sentence in enumerate(phrases["approach"]):
        add(1, 7 + rank, sentence)

    add(2, 0, phrases["close"])
    for rank, sentence in enumerate(phrases["extra"]):
        add(2, (1, 2, 4, 3)[rank] if rank < 4 else 8, sentence)
    for paragraph, sentence in _RESERVE:
        add(paragraph, 9, sentence)

    return {
        "subject": f"Application for {title} at {company}"
        if title and company
        else f"Application for {title or company or 'your advertised role'}",
        "greeting": f"Dear {company} team,"
        if company and tone in ("enthusiastic", "friendly")
        else "Dear Hiring Manager,",
        "paragraphs": _vary_repeats(_fit(candidates), profile),
        "sign_off": phrases["sign_off"],
        "signature": basics.get("name") or "",
    }


def _vary_repeats(paragraphs: list[str], profile: dict) -> list[str]:
    # "At Parcelly, I ... At Parcelly, I ..." reads like a form; the second becomes "There, I also".
    for work in profile.get("work") or []:
        lead = f"At {work.get('name')}, I "
        for n, text in enumerate(paragraphs):
            first = text.find(lead)
            if first >= 0:
                head, tail = text[: first + len(lead)], text[first + len(lead) :]
                paragraphs[n] = head + tail.replace(lead, "There, I also ")
    return paragraphs


def _fit(candidates: list[tuple[int, float, str]]) -> list[str]:
    """Every core sentence, then the rest by priority while the body stays under the cap."""
    words = [body_word_count({"paragraphs": [s]}) for _, _, s in candidates]
    chosen = {i for i, (_, priority, _) in enumerate(candidates) if priority == 0}
    total = sum(words[i] for i in chosen)
    # Aim a little under the cap so the letter never sits on the edge of the rule.
    budget = BODY_MAX_WORDS - 15
    for i in sorted(range(len(candidates)), key=lambda i: candidates[i][1]):
        if i not in chosen and total + words[i] <= budget:
            chosen.add(i)
            total += words[i]
    # The phrase banks are sized so that even an empty profile reaches BODY_MIN_WORDS.
    return [
        " ".join(s for i, (p, _, s) in enumerate(candidates) if p == n and i in chosen)
        for n in range(3)
    ]


def _introduction(label: str, current: dict | None) -> str:
    role = ""
    if current and current.get("position") and current.get("name"):
        position = current["position"]
        role = (
            f"{'currently working' if not current.get('endDate') else 'most recently'} as "
            f"{_a(position)} {position} at {current['name']}"
        )
    if label and role:
        return f"I am {_a(label)} {label}, {role}."
    if label:
        return f"I am {_a(label)} {label}."
    return f"I am {role}." if role else ""


def _add_experience(add, profile: dict, terms: list[str]) -> None:
    works = profile.get("work") or []
    current = _current_work(profile)
    items = []  # (relevance, work index, item index, sentence)
    for w, work in enumerate(works):
        employer = work.get("name") or ""
        texts = work.get("highlights") or ([work["summary"]] if work.get("summary") else [])
        for h, text in enumerate(texts):
            sentence = _achievement(employer, text)
            if sentence and len(sentence.split()) <= 50:
                items.append((-_relevance(text, terms), w, h, sentence))
    rank = {(w, h): r for r, (_, w, h, _) in enumerate(sorted(items))}
    earlier = "Before that"
    for w, work in enumerate(works):
        if work is not current and work.get("position") and work.get("name"):
            add(
                1,
                5,
                f"{earlier}, I worked as {_a(work['position'])} {work['position']} at "
                f"{work['name']}.",
            )
            earlier = "Earlier"
        # Within an employer, the most relevant highlight first; beyond the best three
        # overall, highlights compete with the padding in order of relevance.
        for _, iw, h, sentence in sorted(i for i in items if i[1] == w):
            r = rank[(iw, h)]
            add(1, (1, 2, 3)[r] if r < 3 else 8 + r / 100, sentence)


def _achievement(employer: str, text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    if not text or not employer:
        return ""
    first = text.split()[0]
    verb = (
        first.isalpha()
        and first[0].isupper()
        and first[1:].islower()
        and (first.lower().endswith("ed") or first.lower() in _VERBS)
    )
    if verb:  # "Led the migration" reads as "I led the migration"
        return f"At {employer}, I {first.lower()}{text[len(first) :]}."
    return f"One highlight from my time at {employer}: {text}."


def _education(entry: dict) -> str:
    study, area = entry.get("studyType") or "", entry.get("area") or ""
    institution = entry.get("institution") or ""
    if study:
        return f"I hold {_a(study)} {study}{' in ' + area if area else ''} from {institution}."
    if area:
        return f"I studied {area} at {institution}."
    return f"I studied at {institution}."
