"""Baked badges: the signed credential inside the badge PNG (iTXt chunk "openbadgecredential")."""

import io
import json
import zlib

from PIL import Image, PngImagePlugin

from .errors import BadgeImageError, BadgeImageTooLarge, NoCredentialInImage

ITXT_KEYWORD = "openbadgecredential"
MAX_PNG_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 4096 * 4096
# The credential text itself (a 100 KB field in UTF-8 JSON stays far below this).
MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def bake_png(png_bytes: bytes, credential: dict) -> bytes:
    """Return a PNG with `credential` (signed JSON) in an iTXt chunk; any old one is replaced."""
    image = _open_checked(png_bytes)
    info = PngImagePlugin.PngInfo()
    for key, value in getattr(image, "text", {}).items():
        if key != ITXT_KEYWORD and isinstance(value, str):
            info.add_itxt(key, value)
    # ensure_ascii=False keeps Japanese readable in the chunk; iTXt text is UTF-8 by definition.
    info.add_itxt(ITXT_KEYWORD, json.dumps(credential, ensure_ascii=False, separators=(",", ":")))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def extract_credential(png_bytes: bytes) -> dict:
    """The credential baked into a PNG; BadgeImageError subclasses for anything else."""
    image = _open_checked(png_bytes)
    text = image.text.get(ITXT_KEYWORD) if hasattr(image, "text") else None
    if text is None:
        raise NoCredentialInImage("no openbadgecredential iTXt chunk")
    if len(text.encode("utf-8")) > MAX_CREDENTIAL_BYTES:
        raise BadgeImageTooLarge("baked credential too large")
    try:
        credential = json.loads(text)
    except ValueError:
        raise NoCredentialInImage("the baked credential is not JSON") from None
    if not isinstance(credential, dict):
        raise NoCredentialInImage("the baked credential is not a JSON object")
    return credential


def _open_checked(png_bytes: bytes) -> Image.Image:
    if not isinstance(png_bytes, bytes | bytearray) or not png_bytes.startswith(PNG_SIGNATURE):
        raise BadgeImageError("not a PNG file")
    if len(png_bytes) > MAX_PNG_BYTES:
        raise BadgeImageTooLarge("PNG file too large")
    try:
        image = Image.open(io.BytesIO(png_bytes), formats=["PNG"])
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise BadgeImageTooLarge("too many pixels")
        # load() decodes the pixels (bounded above) and reads text chunks placed after the image data;
        # Pillow caps each text chunk's decompressed size (MAX_TEXT_CHUNK), so a zTXt/iTXt bomb fails here.
        image.load()
    except BadgeImageError:
        raise
    except Image.DecompressionBombError:
        raise BadgeImageTooLarge("decompression bomb") from None
    except (OSError, ValueError, SyntaxError, zlib.error, EOFError) as error:
        raise BadgeImageError(f"unreadable PNG: {type(error).__name__}") from None
    return image
