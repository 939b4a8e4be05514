"""The master profile (JSON Resume field names) and the CV draft the AI returns."""

_str = {"type": "string"}
_strings = {"type": "array", "items": _str}

# A user's master profile, JSON Resume (https://jsonresume.org/schema) where it fits.
PROFILE_SCHEMA = {
    "type": "object",
    "properties": {
        "basics": {
            "type": "object",
            "properties": {
                "name": _str,
                "label": _str,
                "email": _str,
                "phone": _str,
                "url": _str,
                "summary": _str,
                "location": {
                    "type": "object",
                    "properties": {"city": _str, "region": _str, "countryCode": _str},
                },
                "profiles": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"network": _str, "username": _str, "url": _str},
                    },
                },
            },
        },
        "work": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": _str,
                    "position": _str,
                    "location": _str,
                    "startDate": _str,
                    "endDate": _str,
                    "summary": _str,
                    "highlights": _strings,
                },
                "required": ["name", "position"],
            },
        },
        "education": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "institution": _str,
                    "area": _str,
                    "studyType": _str,
                    "startDate": _str,
                    "endDate": _str,
                },
                "required": ["institution"],
            },
        },
        "skills": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": _str, "level": _str, "keywords": _strings},
                "required": ["name"],
            },
        },
        "certificates": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": _str, "issuer": _str, "date": _str},
                "required": ["name"],
            },
        },
        "languages": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"language": _str, "fluency": _str},
                "required": ["language"],
            },
        },
    },
    "additionalProperties": False,
}

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
