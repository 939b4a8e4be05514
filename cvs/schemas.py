"""The master profile (JSON Resume field names) and the CV draft the AI returns."""

_str = {"type": "string"}
_strings = {"type": "array", "items": _str}
# A profile's texts hold no control character (core.validation refuses them: nothing a
# person types, and no Word export can hold one); said in the schema, so clients know.
_text = {
    "type": "string",
    "pattern": "^[^\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\ufffe\\uffff]*$",
}
_texts = {"type": "array", "items": _text}

# Fields JSON Resume has and we do not list (basics.image, work.url, education.courses, ...)
# are kept, as a text, number, yes/no or list of those. Nothing nests deeper than the schema
# says, so a valid profile is always within PROFILE_MAX_DEPTH.
_scalar = {"anyOf": [_text, {"type": "number"}, {"type": "boolean"}]}
_EXTRA = {"anyOf": [*_scalar["anyOf"], {"type": "array", "items": _scalar}]}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    # Other fields may also hold what the listed ones hold (basics.location, .profiles): the
    # schema is the API's documentation too, and a generated client's types give every field
    # of an object one index type, which the listed fields must fit.
    nested = [
        value
        for value in properties.values()
        if value.get("type") == "object" or value.get("items", {}).get("type") == "object"
    ]
    extra = {"anyOf": [*_EXTRA["anyOf"], *nested]} if nested else _EXTRA
    schema = {"type": "object", "properties": properties, "additionalProperties": extra}
    if required:
        schema["required"] = required
    return schema


def _list_of(properties: dict, required: list[str]) -> dict:
    return {"type": "array", "items": _object(properties, required)}


# A user's master profile, JSON Resume (https://jsonresume.org/schema) where it fits.
PROFILE_SCHEMA = {
    "type": "object",
    "properties": {
        "basics": _object(
            {
                "name": _text,
                "label": _text,
                "email": _text,
                "phone": _text,
                "url": _text,
                "summary": _text,
                "location": _object({"city": _text, "region": _text, "countryCode": _text}),
                "profiles": _list_of({"network": _text, "username": _text, "url": _text}, []),
            }
        ),
        "work": _list_of(
            {
                "name": _text,
                "position": _text,
                "location": _text,
                "startDate": _text,
                "endDate": _text,
                "summary": _text,
                "highlights": _texts,
            },
            ["name", "position"],
        ),
        "education": _list_of(
            {
                "institution": _text,
                "area": _text,
                "studyType": _text,
                "startDate": _text,
                "endDate": _text,
            },
            ["institution"],
        ),
        "skills": _list_of({"name": _text, "level": _text, "keywords": _texts}, ["name"]),
        "certificates": _list_of({"name": _text, "issuer": _text, "date": _text}, ["name"]),
        "languages": _list_of({"language": _text, "fluency": _text}, ["language"]),
    },
    "additionalProperties": False,
}


def _patch_of(schema: dict, *, openapi: bool) -> dict:
    """What a JSON Merge Patch of `schema` may hold: any key of an object may be null (remove
    it) and nothing is required, since the keys given are merged into what is stored; a list is
    replaced whole, so its items must be complete. Written for JSON Schema (validation) or,
    with `nullable`, for OpenAPI 3.0 (the documentation)."""

    def nullable(part: dict) -> dict:
        if openapi:
            return {**part, "nullable": True}
        if isinstance(part.get("type"), str):  # errors inside it still name their path
            return {**part, "type": [part["type"], "null"]}
        return {"anyOf": [part, {"type": "null"}]}

    if schema.get("type") != "object":
        return nullable(schema)
    patch = {key: value for key, value in schema.items() if key != "required"}
    patch["properties"] = {
        name: _patch_of(value, openapi=openapi) for name, value in schema["properties"].items()
    }
    if isinstance(schema.get("additionalProperties"), dict):
        patch["additionalProperties"] = nullable(schema["additionalProperties"])
    return nullable(patch)


def _top_level_patch(openapi: bool) -> dict:
    patch = _patch_of(PROFILE_SCHEMA, openapi=openapi)
    return {**patch, "nullable": False} if openapi else {**patch, "type": "object"}


PROFILE_PATCH_SCHEMA = _top_level_patch(openapi=False)
PROFILE_PATCH_OPENAPI = _top_level_patch(openapi=True)

CV_SCHEMA = {
    "type": "object",
    "properties": {
        "header": {
            "type": "object",
            "properties": {
                "name": _str,
                "headline": _str,
                "email": _str,
                "phone": _str,
                "location": _str,
                "links": _strings,
            },
            "required": ["name", "headline"],
            "additionalProperties": False,
        },
        "summary": _str,
        "experience": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "employer": _str,
                    "title": _str,
                    "location": _str,
                    "start_date": _str,
                    "end_date": _str,
                    "bullets": _strings,
                },
                "required": ["employer", "title", "bullets"],
                "additionalProperties": False,
            },
        },
        "education": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "institution": _str,
                    "degree": _str,
                    "field": _str,
                    "start_date": _str,
                    "end_date": _str,
                },
                "required": ["institution", "degree"],
                "additionalProperties": False,
            },
        },
        "skills": _strings,
        "certifications": _strings,
        "target": {
            "type": "object",
            "properties": {"job_title": _str, "company": _str},
            "required": ["job_title", "company"],
            "additionalProperties": False,
        },
    },
    "required": [
        "header",
        "summary",
        "experience",
        "education",
        "skills",
        "certifications",
        "target",
    ],
    "additionalProperties": False,
}
