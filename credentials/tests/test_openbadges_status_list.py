"""Bitstring Status List: size, bit order, encoding, and hostile encoded lists."""

import base64
import gzip
from datetime import UTC, datetime

import pytest

from credentials.openbadges import MIN_LENGTH, BitstringStatusList, IssuerKey, StatusListError
from credentials.openbadges import proof as di
from credentials.openbadges.status_list import MAX_DECODED_BYTES, build_status_list_credential


def test_a_new_list_has_at_least_131072_entries_all_clear():
    bits = BitstringStatusList()
    assert len(bits) == MIN_LENGTH == 131_072
    assert not any(bits.get(i) for i in (0, 1, 7, 8, 65_536, MIN_LENGTH - 1))
    with pytest.raises(ValueError):
        BitstringStatusList(1024)


def test_set_clear_and_read_bits_with_index_zero_as_the_leftmost_bit():
    bits = BitstringStatusList()
    bits.set(0)
    bits.set(9)
    bits.set(MIN_LENGTH - 1)
    assert bits.get(0) and bits.get(9) and bits.get(MIN_LENGTH - 1) and not bits.get(1)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    bits.clear(9)
    assert not bits.get(9)
    for bad in (-1, MIN_LENGTH, "3", 1.0):
        with pytest.raises(IndexError):
            bits.get(bad)


def test_encoding_is_gzip_then_base64url_without_padding_with_multibase_u():
    bits = BitstringStatusList()
    bits.set(42)
    encoded = bits.encode()
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bits.to_bytes()
    decoded = BitstringStatusList.decode(encoded)
    assert decoded.get(42) and not decoded.get(41) and len(decoded) == MIN_LENGTH
    assert bits.encode() == encoded  # deterministic (no gzip timestamp): re-signing is reproducible


@pytest.mark.parametrize(
    "encoded",
    [
        "not-multibase",
        "u" + "!!!!",
        "u" + base64.urlsafe_b64encode(b"not gzip").decode().rstrip("="),
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 100, mtime=0)).decode().rstrip("="),  # below the minimum
        "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * 16384, mtime=0)[:-12]).decode().rstrip("="),  # truncated
        None,
    ],
)
def test_malformed_encoded_lists_are_refused_cleanly(encoded):
    with pytest.raises(StatusListError):
        BitstringStatusList.decode(encoded)


def test_a_gzip_bomb_is_refused_without_inflating_it():
    bomb = gzip.compress(b"\0" * (MAX_DECODED_BYTES + 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError, match="too large"):
        BitstringStatusList.decode("u" + base64.urlsafe_b64encode(bomb).decode().rstrip("="))


def test_status_list_credential_is_signed_like_any_credential():
    key = IssuerKey.generate()
    bits = BitstringStatusList()
    bits.set(7)
    credential = build_status_list_credential(
        url="https://portal.example/credentials/status/1",
        issuer_did=key.did,
        status_list=bits,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    signed = di.sign(credential, key)
    assert signed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert signed["credentialSubject"]["type"] == "BitstringStatusList"
    assert signed["credentialSubject"]["statusPurpose"] == "revocation"
    assert di.verify(signed, expected_controller=key.did) == key.did
    signed["credentialSubject"]["encodedList"] = BitstringStatusList().encode()  # "un-revoke" everyone
    with pytest.raises(di.InvalidProof):
        di.verify(signed)
