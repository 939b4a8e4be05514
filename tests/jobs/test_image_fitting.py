"""Screenshots are fitted to each vendor's image limits before they are sent; only what no
fitting would keep readable is refused, at upload."""

from __future__ import annotations

import base64
import io
import json
import os

import pytest
from PIL import Image, ImageDraw

from tests.fixtures.api import assert_error
from tests.fixtures.jobs import EXTRACT, job_answer, upload
from tests.support.doubles import Reply

pytestmark = pytest.mark.django_db

RELEVANT = json.dumps({"is_job_posting": True, "reason": "A job advertisement with text."})


def tall_screenshot(width: int, height: int) -> bytes:
    """A full-page screenshot: lines of text all the way down."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for y in range(10, height, 40):
        draw.text((20, y), f"Senior Backend Engineer - requirement line {y}", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def noisy_photo(width: int = 1400, height: int = 1000) -> bytes:
    """A photo-like PNG that barely compresses: ~4.2 MB, ~5.6 MB as base64."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def sent_images(double) -> list[tuple[bytes, str]]:
    """The images each request to the double carried, decoded, with their MIME types."""
    found = []
    for seen in double.requests:
        if double.vendor == "anthropic":
            source = seen.body["messages"][0]["content"][0]["source"]
            found.append((base64.b64decode(source["data"]), source["media_type"]))
        elif double.vendor == "openai":
            url = seen.body["messages"][-1]["content"][1]["image_url"]["url"]
            head, data = url.split(",", 1)
            found.append((base64.b64decode(data), head[5:].split(";")[0]))
        else:
            inline = seen.body["contents"][0]["parts"][0]["inlineData"]
            mime = inline.get("mimeType") or inline.get("mime_type")
            found.append((base64.urlsafe_b64decode(inline["data"]), mime))
    return found


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_full_page_screenshot_is_scaled_to_anthropics_side_limit(
    api_client, anthropic_double, make_provider
):
    make_provider(anthropic_double)
    anthropic_double.script(Reply.ok(RELEVANT), Reply.ok(job_answer(title="Tall Posting")))
    screenshot = tall_screenshot(1280, 12000)

    response = api_client.post(EXTRACT, {"image": upload(screenshot)}, format="multipart")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["title"] == "Tall Posting"
    for data, mime in sent_images(anthropic_double):
        assert size_of(data) == (853, 8000)  # the aspect kept, text at two thirds
        assert mime == "image/png"  # lossless while it fits: text stays sharp


def test_an_image_over_5_mb_of_base64_is_re_encoded_for_anthropic(
    api_client, anthropic_double, make_provider
):
    make_provider(anthropic_double)
    anthropic_double.script(Reply.ok(RELEVANT), Reply.ok(job_answer()))
    photo = noisy_photo()
    assert len(base64.b64encode(photo)) > 5 * 1024 * 1024

    response = api_client.post(EXTRACT, {"image": upload(photo)}, format="multipart")

    assert response.status_code == 201, response.json()
    for data, mime in sent_images(anthropic_double):
        assert len(base64.b64encode(data)) <= 5 * 1024 * 1024
        assert mime == "image/jpeg" and size_of(data) == (1400, 1000)


@pytest.mark.parametrize("vendor", ["openai", "gemini"])
def test_vendors_that_scale_images_themselves_get_the_screenshot_as_uploaded(
    vendor, request, api_client, make_provider
):
    double = request.getfixturevalue(f"{vendor}_double")
    make_provider(double)
    double.script(Reply.ok(RELEVANT), Reply.ok(job_answer()))
    screenshot = tall_screenshot(1280, 12000)

    response = api_client.post(EXTRACT, {"image": upload(screenshot)}, format="multipart")

    assert response.status_code == 201, response.json()
    assert sent_images(double) == [(screenshot, "image/png")] * 2


def test_a_screenshot_too_long_to_fit_readably_is_refused_before_any_ai_call(
    api_client, anthropic_double, make_provider
):
    make_provider(anthropic_double)

    response = api_client.post(
        EXTRACT, {"image": upload(tall_screenshot(1000, 20000))}, format="multipart"
    )

    assert_error(response, 400, "INVALID_INPUT", "too long to read", "1000×20000")
    assert anthropic_double.request_count == 0
