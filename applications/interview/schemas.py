"""What the AI answers for an interview prep, and what is stored (sources resolved)."""

import copy

QUESTION_KINDS = ["behavioural", "technical", "company"]
# anyOf, not a type list: Anthropic's strict-schema transform takes no type lists.
_OUTLINE_OBJECT = {
    "type": "object",
    "properties": {
        "situation": {"type": "string"},
        "task": {"type": "string"},
        "action": {"type": "string"},
        "result": {"type": "string"},
    },
    "required": ["situation", "task", "action", "result"],
    "additionalProperties": False,
}
_OUTLINE = {"anyOf": [_OUTLINE_OBJECT, {"type": "null"}]}

# The AI cites facts by id (applications.interview.facts).
PREP_ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": QUESTION_KINDS},
                    "question": {"type": "string"},
                    "outline": _OUTLINE,
                    "sources": {"type": "array", "items": {"type": "string"}},
                    "note": {"type": "string"},
                },
                "required": ["kind", "question", "outline", "sources", "note"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}

# What the service stores and answers: each source as the fact it names.
PREP_SCHEMA = {
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "maxItems": 30,
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": QUESTION_KINDS},
                    "question": {"type": "string", "maxLength": 1000},
                    "outline": _OUTLINE,
                    "sources": {
                        "type": "array",
                        "maxItems": 10,
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "text": {"type": "string"},
                            },
                            "required": ["id", "text"],
                            "additionalProperties": False,
                        },
                    },
                    "note": {"type": "string", "maxLength": 1000},
                },
                "required": ["kind", "question", "outline", "sources"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}

# OpenAPI 3.0 has no null type: the documentation says `nullable` instead.
PREP_OPENAPI = copy.deepcopy(PREP_SCHEMA)
PREP_OPENAPI["properties"]["questions"]["items"]["properties"]["outline"] = {
    **_OUTLINE_OBJECT,
    "nullable": True,
}
