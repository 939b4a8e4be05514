"""Fitting an image to what each vendor accepts, before it is sent.

Each vendor documents its own limits: a size of the (base64) payload, a largest side, a set of
formats. An image over them is refused by the vendor with a 400, after the upload looked fine
to us. So each adapter passes its image through `fit_image` with its vendor's `LIMITS` entry:
an image within them goes out untouched (not even decoded); one over them is scaled down and
re-encoded, PNG first (lossless: screenshot text stays crisp), then JPEG at falling quality.
What cannot be fitted without making text unreadable is refused at upload (`fit_problem`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

MB = 1024 * 1024


@dataclass(frozen=True)
class ImageLimits:
    max_base64_bytes: int  # the image as it travels: base64 grows bytes by 4/3
    max_side: int | None  # pixels, either side; None: the vendor scales it itself
    formats: frozenset[str]  # MIME types the vendor reads


_COMMON = frozenset({"image/png", "image/jpeg", "image/webp"})

LIMITS: dict[str, ImageLimits] = {
    # "image exceeds 5 MB maximum" and "At least one of the image dimensions exceed max allowed
    # size: 8000 pixels" (platform.claude.com/docs/en/build-with-claude/vision, "Image size").
    "anthropic": ImageLimits(5 * MB, 8000, _COMMON | {"image/gif"}),
    # Up to 50 MB of payload per request; the server scales big images down itself
    # (platform.openai.com/docs/guides/images-vision, "Image input requirements"). One MB is
    # left for the prompt.
    "openai": ImageLimits(49 * MB, None, _COMMON | {"image/gif"}),
    # Inline data: the whole request at most 20 MB
    # (ai.google.dev/gemini-api/docs/image-understanding); one MB is left for the prompt.
    "gemini": ImageLimits(19 * MB, None, _COMMON | {"image/heic", "image/heif"}),
}
LIMITS["openai_compatible"] = LIMITS["openai"]

# Below half size, the ~14 px body text of a screenshot falls under 7 px: models misread it.
MIN_SCALE = 0.5
_JPEG_QUALITIES = (90, 80, 70, 60)


class ImageUnfit(ValueError):
    """The image cannot be brought within a vendor's limits and stay readable."""


def fit_problem(width: int, height: int) -> str | None:
    """Why an image of this size cannot be sent to every vendor readably, or None."""
    sides = [limits.max_side for limits in LIMITS.values() if limits.max_side]
    if not sides:
        return None
    side = min(sides)
    if max(width, height) * MIN_SCALE <= side:
        return None
    return (
        f"The image is too long to read ({width}×{height} pixels): fitting it to {side} pixels "
        f"a side would shrink its text below half size. Upload the posting in several shorter "
        f"screenshots or paste its text."
    )


def fit_image(data: bytes, mime: str, limits: ImageLimits) -> tuple[bytes, str]:
    """The image (and its MIME type) within `limits`; unchanged when it already is."""
    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
    fits_side = limits.max_side is None or max(width, height) <= limits.max_side
    if mime in limits.formats and fits_side and _b64_size(len(data)) <= limits.max_base64_bytes:
        return data, mime
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        scale = 1.0
        if limits.max_side is not None:
            scale = min(1.0, limits.max_side / max(width, height))
        while scale >= MIN_SCALE:
            encoded = _encode_within(_scaled(image, scale), limits)
            if encoded is not None:
                return encoded
            scale *= 0.8
    raise ImageUnfit(
        f"The image ({width}×{height} pixels, {len(data) / MB:.1f} MB) cannot be made small "
        "enough for this provider and stay readable."
    )


def _b64_size(raw: int) -> int:
    return (raw + 2) // 3 * 4


def _scaled(image: Image.Image, scale: float) -> Image.Image:
    if scale >= 1.0:
        return image
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _encode_within(image: Image.Image, limits: ImageLimits) -> tuple[bytes, str] | None:
    candidates: list[tuple[str, str, dict]] = []
    if "image/png" in limits.formats:
        candidates.append(("PNG", "image/png", {}))
    candidates += [("JPEG", "image/jpeg", {"quality": q}) for q in _JPEG_QUALITIES]
    for image_format, mime, options in candidates:
        buffer = io.BytesIO()
        _for_format(image, image_format).save(buffer, image_format, **options)
        if _b64_size(buffer.tell()) <= limits.max_base64_bytes:
            return buffer.getvalue(), mime
    return None


def _for_format(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG" and image.mode != "RGB":
        # JPEG has no alpha: flatten onto white, as the screenshot would show on a page.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image_format == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGB")
    return image
