"""The offline provider's cover letter: the profile's own achievements, the job's words, and
the tone's phrases, fitted to the letter rules' length and read through once for repeats."""

from __future__ import annotations

import re

from core.prompting import read_block
from documents.offline import (
    article,
    current_work,
    job_terms,
    join_words,
    matched_skills,
    mentions,
    profile_skills,
    relevance,
    sentence_words,
    skill_groups,
    term_key,
)
from orchestrator.providers.offline import required_json

from .offline_phrases import ACTION_VERBS, RESERVE, TONE_PHRASES
from .rules import body_word_count, hiring_manager_in
from .schemas import BODY_MAX_WORDS, BODY_MIN_WORDS


def _context(profile: dict, job: dict) -> dict:
    title, company = job.get("title") or "", job.get("company") or ""
    skills = matched_skills(profile, job)
    return {
        "title": title or "advertised",
        "company": company or "your organisation",
        # Only skills the candidate has: a job's other skills are never claimed or praised.
        "focus": join_words(skills[:3]),
        "skills": join_words(skills[:5]),
        "matched": skills,
    }


def _opening(add, profile: dict, phrases: dict, context: dict) -> None:
    """The role applied for, who the candidate is (said once), and why it fits."""
    add(0, 0, phrases["open"])
    intro = _introduction((profile.get("basics") or {}).get("label") or "", current_work(profile))
    if intro:
        add(0, 0, intro)
    if context["matched"]:
        # The posting's skills the candidate has, named once, where the fit is argued.
        add(0, 0, phrases["skills"])
    else:
        add(0, 1, phrases["why"][1])
    add(0, 2, phrases["why"][2])


def _other_skills(profile: dict, job: dict, named: list[str]) -> list[str]:
    """The candidate's skills the posting does not name at all (never one it asks for)."""
    groups = skill_groups(profile)
    asked = {term_key(t) for t in [*(job.get("skills") or []), *(job.get("keywords") or [])]}
    posting = " ".join(
        [job.get("title") or "", job.get("description") or "", *(job.get("requirements") or [])]
    )
    return [
        s
        for s in profile_skills(profile)
        if term_key(s) not in groups
        and s not in named
        and term_key(s) not in asked
        and not mentions(posting, s)
    ]


def _credentials(add, profile: dict) -> None:
    for n, entry in enumerate(profile.get("education") or []):
        add(1, 4 if n == 0 else 6, _education(entry))
    for cert in profile.get("certificates") or []:
        if cert.get("name"):
            add(1, 5, f"I also hold the {cert['name']} credential.")


def _skills_and_languages(add, profile: dict, job: dict, context: dict) -> None:
    groups = skill_groups(profile)
    own = [s for s in profile_skills(profile) if term_key(s) not in groups]
    if not context["matched"] and own:
        add(1, 0, f"My main skills are {join_words(own[:4])}.")
    others = _other_skills(profile, job, context["matched"] or own[:4])[:5]
    if others:
        lead = "Beyond what the posting names, my" if context["matched"] else "My other"
        add(1, 4.5, f"{lead} skills include {join_words(others)}.")
    languages = [
        lang["language"] for lang in profile.get("languages") or [] if lang.get("language")
    ]
    if len(languages) > 1:
        add(1, 7, f"I speak {join_words(languages)}.")


def _background(add, profile: dict, job: dict, context: dict) -> None:
    """Achievements, education, credentials, other skills and languages, in that order of
    importance."""
    _add_experience(add, profile, job_terms(job))
    _credentials(add, profile)
    _skills_and_languages(add, profile, job, context)


def _closing(add, phrases: dict) -> None:
    for rank, sentence in enumerate(phrases["approach"]):
        add(1, 7 + rank, sentence)
    add(2, 0, phrases["close"])
    for rank, sentence in enumerate(phrases["extra"]):
        add(2, (1, 2, 4, 3)[rank] if rank < 4 else 8, sentence)
    for paragraph, sentence in RESERVE:
        add(paragraph, 9, sentence)


def draft_letter(profile: dict, job: dict, tone: str) -> dict:
    """A letter from the facts that best match the job (its strongest figures among them),
    each said once; the tone's fixed phrases only where a thin profile leaves it short."""
    tone = tone if tone in TONE_PHRASES else "professional"
    phrases = TONE_PHRASES[tone]
    context = _context(profile, job)
    candidates: list[tuple[int, float, str]] = []  # (paragraph, priority, sentence)

    def add(paragraph: int, priority: float, sentence: str) -> None:
        candidates.append((paragraph, priority, sentence.format(**context)))

    _opening(add, profile, phrases, context)
    _background(add, profile, job, context)
    _closing(add, phrases)
    title, company = job.get("title") or "", job.get("company") or ""
    return {
        "subject": _subject(title, company),
        "greeting": _greeting(
            title,
            company,
            tone,
            hiring_manager_in([job.get("description") or "", *(job.get("requirements") or [])]),
        ),
        "paragraphs": _vary_repeats(_fit(candidates), profile),
        "sign_off": phrases["sign_off"],
        "signature": (profile.get("basics") or {}).get("name") or "",
    }


def _subject(title: str, company: str) -> str:
    if title and company:
        return f"Application for {title} at {company}"
    return f"Application for {title or company or 'your advertised role'}"


def _greeting(title: str, company: str, tone: str, manager: str = "") -> str:
    if manager:  # the person the posting names
        return f"Dear {manager},"
    if not title:
        return f"Dear {company} team," if company else "Dear Hiring Manager,"
    if tone in ("enthusiastic", "friendly"):
        return f"Dear {title} hiring team{' at ' + company if company else ''},"
    return f"Dear Hiring Manager for the {title} role,"


def _vary_repeats(paragraphs: list[str], profile: dict) -> list[str]:
    # "At Parcelly, I ... At Parcelly, I ..." reads like a form: the second becomes "There, I
    # also" (once in the letter), any later one "I also".
    there_used = False
    for work in profile.get("work") or []:
        lead = f"At {work.get('name')}, I "
        seen = 0
        for n, text in enumerate(paragraphs):
            parts = text.split(lead)
            rebuilt = parts[0]
            for part in parts[1:]:
                again = "I also " if there_used else "There, I also "
                rebuilt += (lead if seen == 0 else again) + part
                there_used = there_used or seen > 0
                seen += 1
            paragraphs[n] = rebuilt
    return paragraphs


def _fit(candidates: list[tuple[int, float, str]]) -> list[str]:
    """Every core sentence, then the rest by priority while the body stays under the cap."""
    candidates = _without_repeats(candidates)
    words = [body_word_count({"paragraphs": [s]}) for _, _, s in candidates]
    chosen = {i for i, (_, priority, _) in enumerate(candidates) if priority == 0}
    total = sum(words[i] for i in chosen)
    # Enough to pass the minimum with room to spare, and no more: past it, more sentences are
    # filler. (Never near the cap either, so the letter never sits on the edge of the rule.)
    budget = min(BODY_MIN_WORDS + 40, BODY_MAX_WORDS - 15)
    for i in sorted(range(len(candidates)), key=lambda i: candidates[i][1]):
        if i not in chosen and total + words[i] <= budget:
            chosen.add(i)
            total += words[i]
    # The phrase banks are sized so that even an empty profile reaches BODY_MIN_WORDS.
    return [
        " ".join(s for i, (p, _, s) in enumerate(candidates) if p == n and i in chosen)
        for n in range(3)
    ]


def _without_repeats(candidates: list[tuple[int, float, str]]) -> list[tuple[int, float, str]]:
    """Each sentence once: a later one saying nearly the same (most of its words shared with an
    earlier, more important one) is dropped, whatever part of the letter it came from."""
    kept: list[tuple[int, float, str]] = []
    seen: list[set[str]] = []
    for candidate in sorted(candidates, key=lambda c: c[1]):
        words = sentence_words(candidate[2])
        if any(len(words & other) >= 0.8 * min(len(words), len(other)) for other in seen):
            continue
        seen.append(words)
        kept.append(candidate)
    order = {id(c): n for n, c in enumerate(candidates)}
    return sorted(kept, key=lambda c: order[id(c)])


def _introduction(label: str, current: dict | None) -> str:
    """Who the candidate is, each word once: their label and where they work now ("I am a
    Backend Engineer, currently at Parcelly Ltd."), or their position there."""
    employer = (current or {}).get("name") or ""
    position = (current or {}).get("position") or ""
    where = "currently" if current and not current.get("endDate") else "most recently"
    if label and employer:
        return f"I am {article(label)} {label}, {where} at {employer}."
    if label:
        return f"I am {article(label)} {label}."
    if position and employer:
        return f"I am {where} {article(position)} {position} at {employer}."
    return ""


def _achievements(works: list[dict], terms: list[str]) -> list[tuple]:
    """(strength, work index, item index, sentence) of every highlight worth a sentence."""
    items = []
    for w, work in enumerate(works):
        employer = work.get("name") or ""
        texts = work.get("highlights") or ([work["summary"]] if work.get("summary") else [])
        for h, text in enumerate(texts):
            sentence = _achievement(employer, text)
            if sentence and len(sentence.split()) <= 50:
                # The most relevant first; among equals, one with a figure.
                strength = (-relevance(text, terms), -bool(re.search(r"\d", text)))
                items.append((strength, w, h, sentence))
    return items


def _add_experience(add, profile: dict, terms: list[str]) -> None:
    works = profile.get("work") or []
    current = current_work(profile)
    items = _achievements(works, terms)
    rank = {(w, h): r for r, (_, w, h, _) in enumerate(sorted(items))}
    earlier = "Before that"
    for w, work in enumerate(works):
        if work is not current and work.get("position") and work.get("name"):
            position = work["position"]
            add(1, 5, f"{earlier}, I worked as {article(position)} {position} at {work['name']}.")
            earlier = "Earlier"
        # Within an employer, the most relevant highlight first; beyond the best three
        # overall, highlights compete with the padding in order of relevance.
        for _, iw, h, sentence in sorted(i for i in items if i[1] == w):
            r = rank[(iw, h)]
            add(1, (1, 2, 3)[r] if r < 3 else 6 + r / 100, sentence)


def _achievement(employer: str, text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    if not text or not employer:
        return ""
    first = text.split()[0]
    verb = (
        first.isalpha()
        and first[0].isupper()
        and first[1:].islower()
        and (first.lower().endswith("ed") or first.lower() in ACTION_VERBS)
    )
    if verb:  # "Led the migration" reads as "I led the migration"
        return f"At {employer}, I {first.lower()}{text[len(first) :]}."
    return f"One highlight from my time at {employer}: {text}."


def _education(entry: dict) -> str:
    study, area = entry.get("studyType") or "", entry.get("area") or ""
    institution = entry.get("institution") or ""
    if study:
        return f"I hold {article(study)} {study}{' in ' + area if area else ''} from {institution}."
    if area:
        return f"I studied {area} at {institution}."
    return f"I studied at {institution}."


def answer_cover_letter(prompt: str) -> dict:
    """The offline answer of the letter task, from the prompt's <profile>, <job> and <tone>."""
    tone = (read_block(prompt, "tone") or "professional").strip().lower()
    return draft_letter(required_json(prompt, "profile"), required_json(prompt, "job"), tone)
