"""The per-vendor forms of what we send: fitted images and strict schemas (plain functions)."""

from __future__ import annotations

import base64
import io
import os

import pytest
from PIL import Image

from orchestrator.providers.images import LIMITS, ImageLimits, ImageUnfit, fit_image
from orchestrator.providers.schemas import drop_nulls, openai_strict
from tests.support.doubles import rules


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def noise(width: int, height: int, mode: str = "RGB") -> Image.Image:
    channels = len(mode)
    return Image.frombytes(mode, (width, height), os.urandom(width * height * channels))


def test_an_image_within_the_limits_is_sent_as_it_is():
    data = png(Image.new("RGB", (1200, 3000), "white"))
    fitted, mime = fit_image(data, "image/png", LIMITS["anthropic"])
    assert fitted is data and mime == "image/png"


def test_a_transparent_image_too_big_for_png_becomes_a_flattened_jpeg():
    data = png(noise(1300, 1000, "RGBA"))
    assert len(base64.b64encode(data)) > LIMITS["anthropic"].max_base64_bytes

    fitted, mime = fit_image(data, "image/png", LIMITS["anthropic"])

    assert mime == "image/jpeg"
    assert len(base64.b64encode(fitted)) <= LIMITS["anthropic"].max_base64_bytes
    with Image.open(io.BytesIO(fitted)) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1300, 1000))


def test_a_format_the_vendor_does_not_read_is_re_encoded():
    data = png(Image.new("RGB", (300, 200), "white"))
    only_jpeg = ImageLimits(1024 * 1024, None, frozenset({"image/jpeg"}))

    fitted, mime = fit_image(data, "image/png", only_jpeg)

    assert mime == "image/jpeg" and fitted[:2] == b"\xff\xd8"


def test_what_cannot_fit_without_losing_its_text_is_refused():
    tiny = ImageLimits(2000, None, frozenset({"image/png", "image/jpeg"}))
    with pytest.raises(ImageUnfit, match="cannot be made small enough"):
        fit_image(png(noise(800, 600)), "image/png", tiny)


JOB_LIKE = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "salary": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "contact": {
            "type": "object",
            "properties": {"email": {"type": "string"}, "name": {"type": "string"}},
            "required": ["name"],
        },
        "history": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"year": {"type": "integer"}, "note": {"type": "string"}},
                "required": ["year"],
            },
        },
    },
    "required": ["title", "history"],
}


def test_the_strict_form_closes_every_object_and_makes_optionals_nullable():
    strict = openai_strict(JOB_LIKE)

    assert rules._strict_problem(strict, ()) is None  # what the OpenAI double checks
    assert rules._strict_problem(JOB_LIKE, ()) is not None
    assert strict["properties"]["salary"] == {"type": ["string", "null"]}
    assert strict["properties"]["contact"]["type"] == ["object", "null"]
    assert strict["properties"]["contact"]["properties"]["email"] == {"type": ["string", "null"]}
    item = strict["properties"]["history"]["items"]
    assert item["required"] == ["year", "note"] and item["additionalProperties"] is False
    assert JOB_LIKE["required"] == ["title", "history"]  # ours is left untouched


def test_nulls_for_optional_fields_are_removed_and_required_ones_kept():
    answer = {
        "title": None,
        "salary": None,
        "tags": None,
        "contact": {"email": None, "name": "Ann"},
        "history": [{"year": 2020, "note": None}],
    }

    assert drop_nulls(answer, JOB_LIKE) == {
        "title": None,  # required: left for our own schema check to judge
        "contact": {"name": "Ann"},
        "history": [{"year": 2020}],
    }
