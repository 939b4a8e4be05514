"""The personal values of a master profile: what a vendor is sent only as placeholders.

They are the JSON Resume `basics` fields that identify or reach a person. The label, summary
and city stay: a CV is written from them, and none identifies anyone on its own.
"""

from __future__ import annotations

from typing import Any


def profile_personal_values(*, profile: Any) -> dict[str, str]:
    """{placeholder key: value} for the profile's name, email, phone, website, street address
    and postal code, and each social profile's username and URL (orchestrator.privacy)."""
    basics = profile.get("basics") if isinstance(profile, dict) else None
    if not isinstance(basics, dict):
        return {}
    location = basics.get("location") if isinstance(basics.get("location"), dict) else {}
    values = {
        "NAME": basics.get("name"),
        "EMAIL": basics.get("email"),
        "PHONE": basics.get("phone"),
        "URL": basics.get("url"),
        "ADDRESS": location.get("address"),
        "POSTAL_CODE": location.get("postalCode"),
    }
    for number, social in enumerate(basics.get("profiles") or [], start=1):
        if isinstance(social, dict):
            values[f"PROFILE_{number}_USERNAME"] = social.get("username")
            values[f"PROFILE_{number}_URL"] = social.get("url")
    return {key: value for key, value in values.items() if isinstance(value, str) and value}
