"""The candidate's contact details, always from the profile: a CV's header (cvs.contact) and a
letter's sender block (letters.addressing) are filled in from them after the AI answered, so
no model ever writes an email address, a phone number or a link into a document."""

from __future__ import annotations


def profile_contact(profile: dict) -> dict:
    """Name, email, phone, location ("London, England, GB") and links of the profile."""
    basics = profile.get("basics") or {}
    location = basics.get("location") or {}
    links = [basics.get("url")] + [p.get("url") for p in basics.get("profiles") or []]
    return {
        "name": basics.get("name") or "",
        "email": basics.get("email") or "",
        "phone": basics.get("phone") or "",
        "location": ", ".join(
            v
            for v in (location.get("city"), location.get("region"), location.get("countryCode"))
            if v
        ),
        "links": [u for u in links if u],
    }
