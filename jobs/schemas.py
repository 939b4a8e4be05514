"""JSON Schema of an extracted job: what the AI must answer and what a Job stores."""

JOB_FIELDS = ("title", "company", "location", "employment_type", "salary", "description")
JOB_LISTS = ("requirements", "skills", "keywords")

JOB_SCHEMA = {
    "type": "object",
    "properties": {
        **{name: {"type": "string"} for name in JOB_FIELDS},
        **{name: {"type": "array", "items": {"type": "string"}} for name in JOB_LISTS},
    },
    "required": ["title", "company", "description", *JOB_LISTS],
    "additionalProperties": False,
}

# The relevance check run on an uploaded image before the full extraction.
IMAGE_CHECK_SCHEMA = {
    "type": "object",
    "properties": {"is_job_posting": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["is_job_posting", "reason"],
    "additionalProperties": False,
}
