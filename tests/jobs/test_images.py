"""check_image: only real PNG, JPEG and WebP screenshots of sane size get through.

Every image is made here with Pillow or written byte by byte; what the file is called or
claims to be never enters check_image, only its bytes.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image

from core.errors import InvalidInput
from jobs.images import CheckedImage, check_image

NOT_AN_IMAGE = "The file is not a readable image; it must be a PNG, JPEG or WebP image."
DAMAGED = "The image is damaged or incomplete and could not be read."


def _image(fmt: str, size: tuple[int, int] = (320, 200), mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, "white")
    for x in range(0, size[0], 7):  # some detail, so that truncation loses real pixel data
        image.putpixel((x, x % size[1]), (x % 256, 40, 200) if mode == "RGB" else x % 256)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bilevel_png(width: int, height: int) -> bytes:
    """A valid, all-black 1-bit PNG: a few KB on disk however many pixels it declares."""
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("WEBP", "image/webp"),
    ],
)
def test_png_jpeg_and_webp_are_accepted(fmt: str, mime: str) -> None:
    data = _image(fmt)
    assert check_image(data) == CheckedImage(
        data=data, mime=mime, width=320, height=200, sha256=hashlib.sha256(data).hexdigest()
    )


def test_grayscale_png_and_exact_minimum_size_are_accepted() -> None:
    checked = check_image(_image("PNG", (50, 50), mode="L"))
    assert (checked.mime, checked.width, checked.height) == ("image/png", 50, 50)


def test_the_type_comes_from_the_bytes() -> None:
    # A JPEG is a JPEG whatever it was uploaded as; there is no name or type to consult.
    assert check_image(_image("JPEG")).mime == "image/jpeg"


def test_empty_payload_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_image(b"")
    assert refused.value.message == "The image is empty."


def test_oversized_payload_is_refused() -> None:
    data = _image("PNG") + b"\0" * 5_000_000
    with pytest.raises(InvalidInput) as refused:
        check_image(data)
    assert refused.value.message == "The image is larger than 5 MB. Upload a smaller one."


def test_size_limit_comes_from_settings(settings) -> None:
    settings.IMAGE_MAX_BYTES = 1_500_000
    with pytest.raises(InvalidInput, match="larger than 1.5 MB"):
        check_image(b"\x89PNG" + b"\0" * 1_500_000)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Senior Engineer, Berlin. Apply now!\n" * 20, id="text renamed .png"),
        pytest.param(_image("GIF"), id="gif"),
        pytest.param(_image("BMP"), id="bmp"),
        pytest.param(_image("TIFF"), id="tiff"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
            b'<rect width="400" height="300"/></svg>',
            id="svg",
        ),
        pytest.param(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"junk" * 100, id="png header then junk"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, id="png header then bytes"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x13" * 500, id="jpeg header then junk"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 40, id="webp header then junk"),
    ],
)
def test_anything_but_png_jpeg_or_webp_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_image(data)
    assert refused.value.message == NOT_AN_IMAGE


@pytest.mark.parametrize(
    ("fmt", "keep", "message"),
    [
        ("PNG", 2 / 3, DAMAGED),
        ("PNG", 0.99, DAMAGED),  # only the end of the pixel data and IEND are missing
        ("JPEG", 2 / 3, DAMAGED),
        # libwebp checks the RIFF length while identifying the file, so it is not recognised.
        ("WEBP", 2 / 3, NOT_AN_IMAGE),
    ],
)
def test_truncated_images_are_refused(fmt: str, keep: float, message: str) -> None:
    data = _image(fmt, (400, 300))
    with pytest.raises(InvalidInput) as refused:
        check_image(data[: int(len(data) * keep)])
    assert refused.value.message == message


def test_png_with_a_corrupted_chunk_is_refused() -> None:
    data = bytearray(_image("PNG", (400, 300)))
    data[60:70] = b"\xff" * 10  # inside the IDAT data: its CRC no longer matches
    with pytest.raises(InvalidInput) as refused:
        check_image(bytes(data))
    assert refused.value.message == DAMAGED


def test_decompression_bomb_is_refused() -> None:
    bomb = _bilevel_png(20_000, 20_000)  # 400 megapixels in about 50 KB
    assert len(bomb) < 200_000
    with pytest.raises(InvalidInput, match="too many pixels"):
        check_image(bomb)


def test_images_over_the_pixel_limit_are_refused() -> None:
    # 42 megapixels: over our 40 MP limit though under Pillow's own bomb threshold.
    with pytest.raises(InvalidInput) as refused:
        check_image(_bilevel_png(7_000, 6_000))
    assert refused.value.message == (
        "The image has too many pixels (7000×6000); the limit is 40 megapixels. "
        "Upload a smaller screenshot."
    )


def test_pillow_bomb_warning_is_an_error(settings) -> None:
    # Between Pillow's MAX_IMAGE_PIXELS and twice that Pillow only warns; with a higher
    # configured limit that warning must still refuse the image, not slip through.
    settings.IMAGE_MAX_PIXELS = 10**9
    over_pillow_limit = Image.MAX_IMAGE_PIXELS + 1_000_000
    width = 20_000
    with pytest.raises(InvalidInput, match="too many pixels"):
        check_image(_bilevel_png(width, over_pillow_limit // width + 1))


@pytest.mark.parametrize("size", [(10, 10), (49, 400), (400, 49)])
def test_tiny_images_are_too_small_to_read(size: tuple[int, int]) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_image(_image("PNG", size))
    assert refused.value.message == (
        f"The image is too small to read ({size[0]}×{size[1]} pixels); it must be at least 50×50."
    )
