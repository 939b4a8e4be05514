"""Every interview answer outline stands on profile facts it cites, or it is not given.

Run on whatever wrote the prep (a vendor, the offline writer, the user's edit): a source that
is not one of the profile's facts is dropped; an outline left with no source, or with a number
that none of its facts has, is removed and the question marked as a gap to prepare for, with a
warning naming what was removed. Nothing invented reaches the user.
"""

from __future__ import annotations

from .facts import numbers_in

NO_MATCH = "No matching experience: prepare how you would learn it."


def _outline_text(outline: dict | None) -> str:
    return " ".join(str(v) for v in (outline or {}).values())


def _checked_question(n: int, question: dict, by_id: dict[str, dict]) -> tuple[dict, list[str]]:
    warnings = []
    sources = question.get("sources") or []
    cited = [by_id[s] for s in sources if s in by_id]
    unknown = [s for s in sources if s not in by_id]
    if unknown:
        warnings.append(f"Question {n}: {', '.join(unknown)} is not a fact of your profile.")
    outline = question.get("outline")
    unbacked = _unbacked(outline, cited) if outline else ""
    if unbacked:
        warnings.append(f"Question {n}: {unbacked}: removed.")
        outline = None
    note = question.get("note") or ""
    if not outline:
        cited, note = [], NO_MATCH
    checked = {
        "kind": question.get("kind") or "technical",
        "question": question.get("question") or "",
        "outline": outline,
        "sources": [{"id": f["id"], "text": f["text"]} for f in cited],
        "note": note,
    }
    return checked, warnings


def _unbacked(outline: dict, cited: list[dict]) -> str:
    """What in an outline its cited facts do not back, or "" when they back all of it."""
    if not cited:
        return "the answer outline cited no fact of your profile"
    backed = set().union(*(numbers_in(f["text"]) for f in cited))
    invented = sorted(numbers_in(_outline_text(outline)) - backed)
    if invented:
        return f"the outline claims {', '.join(invented)}, which none of its facts says"
    return ""


def prep_checked(answer: dict, facts: list[dict]) -> tuple[dict, list[str]]:
    """The prep as it is stored (sources resolved to their facts) and the warnings."""
    by_id = {f["id"]: f for f in facts}
    questions, warnings = [], []
    for n, question in enumerate(answer.get("questions") or [], start=1):
        checked, problems = _checked_question(n, question, by_id)
        questions.append(checked)
        warnings += problems
    return {"questions": questions}, warnings


def prep_edit_problems(content: dict, facts: list[dict]) -> list[str]:
    """The same checks on a user's edit, which names each source by id and text: a source no
    longer among the profile's facts (changed text, unknown id) is named in a warning. The
    edit itself is the user's and is kept as they wrote it."""
    by_id = {f["id"]: f for f in facts}

    def cited(source: dict) -> str:
        fact = by_id.get(source.get("id"))
        return (
            source["id"]
            if fact and fact["text"] == source.get("text")
            else repr(source.get("text"))
        )

    answer = {
        "questions": [
            {**q, "sources": [cited(s) for s in q.get("sources") or []]}
            for q in content.get("questions") or []
        ]
    }
    return prep_checked(answer, facts)[1]
