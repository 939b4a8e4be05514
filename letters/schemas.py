"""The cover letter the AI returns, and the rules it must keep (checked in letters.rules)."""

TONES = ("professional", "enthusiastic", "concise", "friendly")
BODY_PARAGRAPHS = 3
BODY_MIN_WORDS, BODY_MAX_WORDS = 220, 320

LETTER_SCHEMA = {
    "type": "object",
    "properties": {
        "subject": {"type": "string"},
        "greeting": {"type": "string"},
        "paragraphs": {"type": "array", "items": {"type": "string"}},
        "sign_off": {"type": "string"},
        "signature": {"type": "string"},
    },
    "required": ["subject", "greeting", "paragraphs", "sign_off", "signature"],
    "additionalProperties": False,
}

_str = {"type": "string"}
# What the service adds to a letter after the AI wrote it, from the profile and the job, never
# from the model: the sender's contact block, the date, the recipient. A user may edit them.
LETTER_CONTENT_SCHEMA = {
    **LETTER_SCHEMA,
    "properties": {
        **LETTER_SCHEMA["properties"],
        "sender": {
            "type": "object",
            "properties": {
                "name": _str,
                "email": _str,
                "phone": _str,
                "location": _str,
                "links": {"type": "array", "items": _str},
            },
            "additionalProperties": False,
        },
        "date": _str,
        "recipient": {
            "type": "object",
            "properties": {"name": _str, "company": _str, "location": _str},
            "additionalProperties": False,
        },
    },
}
