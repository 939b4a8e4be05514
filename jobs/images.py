"""Checking an uploaded screenshot of a job posting before it goes anywhere near a model.

Size within our own limits is checked here; each vendor's limits (bytes, pixels a side) are
met later by the provider adapter, which scales and re-encodes the image for its vendor.

What the file is gets decided from its bytes by Pillow, never from its name or the declared
content type, and the image is fully decoded once so truncated or crafted files are refused
here with a clear message instead of failing later inside a provider SDK.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image

from core.errors import InvalidInput
from orchestrator.providers.images import fit_problem

# Pillow reports phone-camera JPEGs with an MPO extension as "MPO"; they are JPEG files.
MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp"}
# Only these decoders may even look at the bytes: fewer parsers, less attack surface.
OPENERS = ["PNG", "JPEG", "WEBP"]
MIN_SIDE = 50

NOT_AN_IMAGE = "The file is not a readable image; it must be a PNG, JPEG or WebP image."
DAMAGED = "The image is damaged or incomplete and could not be read."


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    mime: str
    width: int
    height: int
    sha256: str  # hex digest of data


def check_image(data: bytes) -> CheckedImage:
    """Accept a PNG, JPEG or WebP screenshot of sane size, or raise InvalidInput saying why."""
    if not data:
        raise InvalidInput("The image is empty.")
    max_bytes = int(settings.IMAGE_MAX_BYTES)
    if len(data) > max_bytes:
        raise InvalidInput(
            f"The image is larger than {max_bytes / 1_000_000:g} MB. Upload a smaller one."
        )
    image_format, width, height = _decode(data)
    # Each provider adapter fits the image to its vendor's limits before sending it; refuse
    # here only what no fitting would leave readable.
    if problem := fit_problem(width, height):
        raise InvalidInput(problem)
    return CheckedImage(
        data=data,
        mime=MIME_TYPES[image_format],
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _decode(data: bytes) -> tuple[str, int, int]:
    max_pixels = int(settings.IMAGE_MAX_PIXELS)
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a bomb must be an error. A
    # local filter instead of changing Image.MAX_IMAGE_PIXELS, which is global to the process.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, max_pixels)
        with image:
            image_format = image.format or ""
            width, height = image.size
            _check_dimensions(width, height, max_pixels)
            try:
                image.verify()
                # verify() checks structure and CRCs but not that all pixel data is there
                # (and does nothing for JPEG); decoding it all once catches truncated files.
                with _open(data, max_pixels) as decoded:
                    decoded.load()
            except InvalidInput:
                raise
            except Exception:
                # Crafted files make Pillow's decoders raise OSError, SyntaxError, ValueError,
                # EOFError, struct.error, zlib.error and more; all mean "unreadable", and an
                # upload must never become a 500.
                raise InvalidInput(DAMAGED) from None
    if image_format not in MIME_TYPES:
        raise InvalidInput(NOT_AN_IMAGE)
    return image_format, width, height


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Identify the bytes as one of our formats; anything unrecognisable is "not an image"."""
    try:
        return Image.open(io.BytesIO(data), formats=OPENERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(_too_many_pixels(max_pixels)) from None
    except Exception:
        # UnidentifiedImageError for other formats; a matching signature followed by garbage
        # can also fail as OSError, SyntaxError or struct.error while the header is parsed.
        raise InvalidInput(NOT_AN_IMAGE) from None


def _check_dimensions(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise InvalidInput(_too_many_pixels(max_pixels, width, height))
    if width < MIN_SIDE or height < MIN_SIDE:
        raise InvalidInput(
            f"The image is too small to read ({width}×{height} pixels); "
            f"it must be at least {MIN_SIDE}×{MIN_SIDE}."
        )


def _too_many_pixels(max_pixels: int, width: int | None = None, height: int | None = None) -> str:
    size = f" ({width}×{height})" if width is not None else ""
    return (
        f"The image has too many pixels{size}; the limit is "
        f"{max_pixels / 1_000_000:g} megapixels. Upload a smaller screenshot."
    )
