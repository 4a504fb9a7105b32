"""W3C Bitstring Status List: the list itself and its BitstringStatusListCredential.

Bit 0 is the most significant bit of the first byte (the spec's "left-most bit"). The list
is GZIP-compressed, then base64url-encoded without padding, with the multibase prefix 'u'.
"""

import gzip
import zlib
from datetime import datetime

from .encoding import b64url_nopad, b64url_nopad_decode
from .errors import StatusListError
from .jsonld import VC_V2_CONTEXT
from .proof import xsd_datetime

# The spec's minimum: 16 KB, so that one bit cannot be tied to one person (herd privacy).
MIN_LENGTH = 131_072
# A hostile status list must not decompress into gigabytes: 16 MiB of bits is 134 million entries.
MAX_DECODED_BYTES = 16 * 1024 * 1024


class BitstringStatusList:
    def __init__(self, length: int = MIN_LENGTH, *, data: bytes | None = None):
        if data is None:
            if length < MIN_LENGTH or length % 8:
                raise ValueError(f"a status list has at least {MIN_LENGTH} entries, in whole bytes")
            data = bytes(length // 8)
        self._bits = bytearray(data)

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or not 0 <= index < len(self):
            raise IndexError(f"status list index {index!r} out of range")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        self.set(index, False)

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        # mtime=0: the same bits always give the same encodedList (and the same signed document).
        return "u" + b64url_nopad(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def decode(cls, encoded: str) -> "BitstringStatusList":
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("encodedList must be multibase base64url ('u…')")
        if len(encoded) > MAX_DECODED_BYTES:
            raise StatusListError("encodedList is too long")
        compressed = b64url_nopad_decode(encoded[1:])
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(compressed, MAX_DECODED_BYTES + 1)
        except zlib.error:
            raise StatusListError("encodedList is not GZIP data") from None
        if len(data) > MAX_DECODED_BYTES or inflater.unconsumed_tail:
            raise StatusListError("the status list is too large once decompressed")
        if not inflater.eof:
            raise StatusListError("encodedList is truncated")
        if len(data) * 8 < MIN_LENGTH:
            raise StatusListError("the status list is shorter than the standard's minimum")
        return cls(data=data)


def build_status_list_credential(
    *, url: str, issuer_did: str, status_list: BitstringStatusList, valid_from: datetime, purpose: str = "revocation"
) -> dict:
    """An unsigned BitstringStatusListCredential served at `url` (sign it with proof.sign)."""
    return {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": status_list.encode(),
        },
    }
