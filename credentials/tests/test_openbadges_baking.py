"""Baked badge PNGs: iTXt round trip and hostile images refused with clear errors."""

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from credentials.openbadges import (
    BadgeImageError,
    BadgeImageTooLarge,
    IssuerKey,
    NoCredentialInImage,
    bake_png,
    extract_credential,
    verify_upload,
)
from credentials.openbadges.baking import ITXT_KEYWORD, MAX_PNG_BYTES
from credentials.openbadges.samples import sample_signed_credential


def _png(width=64, height=64, pnginfo=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 60, 255)).save(out, format="PNG", pnginfo=pnginfo)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="module")
def credential():
    return sample_signed_credential(IssuerKey.generate())


def test_baked_png_round_trips_and_still_verifies(credential):
    baked = bake_png(_png(), credential)
    assert extract_credential(baked) == credential
    result = verify_upload(baked)
    assert result.signature_valid and result.valid is not None
    assert result.achievement_name == credential["credentialSubject"]["achievement"]["name"]
    # the credential lives in an iTXt chunk named exactly "openbadgecredential"
    assert b"iTXt" + ITXT_KEYWORD.encode() + b"\0" in baked
    assert Image.open(io.BytesIO(baked)).size == (64, 64)


def test_baking_again_replaces_the_old_credential(credential):
    other = sample_signed_credential(IssuerKey.generate(), kind="internship")
    twice = bake_png(bake_png(_png(), credential), other)
    assert extract_credential(twice) == other
    assert twice.count(ITXT_KEYWORD.encode()) == 1


def test_a_png_without_a_credential_or_with_garbage_in_the_chunk_is_reported():
    with pytest.raises(NoCredentialInImage):
        extract_credential(_png())
    info = PngImagePlugin.PngInfo()
    info.add_itxt(ITXT_KEYWORD, "{not json")
    with pytest.raises(NoCredentialInImage):
        extract_credential(_png(pnginfo=info))
    info = PngImagePlugin.PngInfo()
    info.add_itxt(ITXT_KEYWORD, "[1, 2]")
    with pytest.raises(NoCredentialInImage):
        extract_credential(_png(pnginfo=info))


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"\x89PNG\r\n\x1a\nIHDR"])
def test_non_png_and_truncated_files_are_refused_cleanly(data):
    with pytest.raises(BadgeImageError):
        extract_credential(data)
    result = verify_upload(data)
    assert not result.valid and result.errors


def test_huge_files_and_pixel_bombs_are_refused():
    with pytest.raises(BadgeImageTooLarge):
        extract_credential(b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_PNG_BYTES + 1))
    # A valid header claiming 100000 x 100000 pixels, with a tiny body.
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + _chunk(b"IEND", b"")
    )
    with pytest.raises(BadgeImageTooLarge):
        extract_credential(bomb)
    assert verify_upload(bomb).errors[0].code == "bad_image"


def test_a_compressed_text_chunk_bomb_is_refused():
    info = PngImagePlugin.PngInfo()
    info.add_itxt(ITXT_KEYWORD, "{" + " " * (64 * 1024 * 1024) + "}", zip=True)
    bomb = _png(pnginfo=info)
    assert len(bomb) < 1_000_000
    with pytest.raises(BadgeImageError):
        extract_credential(bomb)
