"""Multibase encodings used by did:key, Data Integrity proofs and Bitstring Status Lists."""

import base64

from .errors import MalformedCredential

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: value for value, char in enumerate(_B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Base58 with the Bitcoin alphabet (multibase 'z'); leading zero bytes become '1'."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, remainder = divmod(number, 58)
        out.append(_B58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str, *, max_length: int = 256) -> bytes:
    # The cap keeps a hostile 1 MB "proofValue" from turning into a quadratic big-int conversion.
    if len(text) > max_length:
        raise MalformedCredential("base58 value too long")
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise MalformedCredential("invalid base58 character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_b58(data: bytes) -> str:
    return "z" + b58encode(data)


def multibase_b58_decode(text: str, *, max_length: int = 256) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MalformedCredential("expected a base58btc multibase value (starting with 'z')")
    return b58decode(text[1:], max_length=max_length)


def b64url_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_nopad_decode(text: str) -> bytes:
    if not isinstance(text, str):
        raise MalformedCredential("expected a base64url string")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise MalformedCredential("invalid base64url value") from None
