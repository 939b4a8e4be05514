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
