"""Issuer keys: did:key identity, encryption at rest, rotation, and no private key in any output."""

import base64
import copy
import logging
import pickle

import pytest
from cryptography.hazmat.primitives import serialization

from credentials.openbadges import IssuerKey, KeyEncryptionError, KeyRing, MalformedCredential, public_key_from_did
from credentials.openbadges.encoding import b58decode, b58encode, multibase_b58
from credentials.openbadges.keys import (
    ENV_KEY_ENCRYPTION_KEY,
    ENV_PREVIOUS_KEY_ENCRYPTION_KEYS,
    decrypt_private_key,
    encrypt_private_key,
    needs_reencryption,
    reencrypt_private_key,
)
from credentials.openbadges.samples import sample_signed_credential
from credentials.openbadges.verify import verify_credential

SECRET = "test-secret-" + "x" * 40


@pytest.fixture(autouse=True)
def _key_encryption_secret(monkeypatch):
    monkeypatch.setenv(ENV_KEY_ENCRYPTION_KEY, SECRET)


def _private_forms(key: IssuerKey) -> list[str]:
    raw = key._private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return [
        raw.hex(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        b58encode(raw),
    ]


def test_base58_matches_the_published_test_vector():
    # draft-msporny-base58: "Hello World!" encodes as "2NEpo7TZRRrLZSi2U".
    assert b58encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert b58decode("2NEpo7TZRRrLZSi2U") == b"Hello World!"
    assert b58encode(b"\0\0\x01") == "112"
    assert b58decode("112") == b"\0\0\x01"


def test_did_key_embeds_the_ed25519_public_key_with_its_multicodec():
    key = IssuerKey.generate()
    assert key.did.startswith("did:key:z6Mk")  # every Ed25519 did:key starts so (0xed01 prefix)
    assert key.verification_method == key.did + "#" + key.did.removeprefix("did:key:")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key.public_key_multibase == multibase_b58(b"\xed\x01" + raw)
    assert (
        public_key_from_did(key.verification_method).public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        == raw
    )


@pytest.mark.parametrize(
    "bad",
    ["did:web:example.org", "did:key:zQ3s", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#other", 42, None],
)
def test_public_key_from_did_rejects_what_is_not_an_ed25519_did_key(bad):
    with pytest.raises(MalformedCredential):
        public_key_from_did(bad)


def test_private_key_round_trips_through_encryption_at_rest():
    key = IssuerKey.generate(key_id="kansai-2026")
    token = key.encrypted_private_key()
    for form in _private_forms(key):
        assert form not in token
    again = IssuerKey.from_encrypted(
        key_id="kansai-2026", public_key_multibase=key.public_key_multibase, encrypted_private_key=token
    )
    assert again.did == key.did
    assert again.sign(b"data") == key.sign(b"data")  # Ed25519 is deterministic


def test_encrypted_key_refuses_the_wrong_secret_a_missing_secret_and_another_rows_key_id(monkeypatch):
    key = IssuerKey.generate(key_id="a")
    token = key.encrypted_private_key()
    with pytest.raises(KeyEncryptionError):
        decrypt_private_key(token, key_id="a", secret="another-secret-" + "y" * 40)
    with pytest.raises(KeyEncryptionError):
        decrypt_private_key(token, key_id="b")  # authenticated data binds the ciphertext to its key id
    monkeypatch.delenv(ENV_KEY_ENCRYPTION_KEY)
    with pytest.raises(KeyEncryptionError, match=ENV_KEY_ENCRYPTION_KEY):
        decrypt_private_key(token, key_id="a")
    with pytest.raises(KeyEncryptionError):
        encrypt_private_key(b"\0" * 32, key_id="a", secret="short")


def test_tampered_ciphertext_or_a_swapped_public_key_is_refused():
    key, other = IssuerKey.generate(key_id="a"), IssuerKey.generate(key_id="a")
    token = key.encrypted_private_key()
    version, fingerprint, payload = token.split(".")
    flipped = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]
    with pytest.raises(KeyEncryptionError):
        decrypt_private_key(f"{version}.{fingerprint}.{flipped}", key_id="a")
    with pytest.raises(KeyEncryptionError):
        IssuerKey.from_encrypted(
            key_id="a", public_key_multibase=other.public_key_multibase, encrypted_private_key=token
        )
    with pytest.raises(KeyEncryptionError):
        decrypt_private_key("garbage", key_id="a")


def test_private_key_never_appears_in_repr_str_logs_or_pickles(caplog):
    key = IssuerKey.generate(key_id="kansai")
    logger = logging.getLogger("credentials.openbadges.test")
    with caplog.at_level(logging.DEBUG):
        logger.info("signing with %s / %r", key, key)
        logger.info("ring %r", KeyRing([key], active_key_id="kansai"))
        logger.info("vars %r", {"key": key})
    rendered = repr(key) + str(key) + caplog.text + f"{key}" + f"{[key]}"
    assert key.did in rendered
    for form in _private_forms(key):
        assert form not in rendered
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(TypeError):
        copy.deepcopy(key)
    assert not hasattr(key, "__dict__")  # no vars(key) that would list the private key


def test_rotation_keeps_old_credentials_verifiable_and_signs_new_ones_with_the_new_key():
    ring = KeyRing([IssuerKey.generate(key_id="2025")], active_key_id="2025")
    old_credential = sample_signed_credential(ring.active)
    old_did = ring.active.did

    new_key = ring.rotate(key_id="2026")
    new_credential = sample_signed_credential(ring.active)

    assert ring.active is new_key and new_key.did != old_did
    assert ring.for_did(old_did).key_id == "2025"  # still there to re-sign its status list
    assert new_credential["proof"]["verificationMethod"].startswith(new_key.did)
    for credential in (old_credential, new_credential):
        result = verify_credential(credential)
        assert result.signature_valid, result.errors
        assert result.issuer_did == credential["issuer"]["id"]


def test_the_key_encryption_secret_can_be_rotated_without_losing_issuer_keys(monkeypatch):
    key = IssuerKey.generate(key_id="kansai")
    old_token = key.encrypted_private_key()
    new_secret = "rotated-secret-" + "z" * 40
    monkeypatch.setenv(ENV_KEY_ENCRYPTION_KEY, new_secret)
    with pytest.raises(KeyEncryptionError):
        decrypt_private_key(old_token, key_id="kansai")  # the old secret is gone and not listed
    monkeypatch.setenv(ENV_PREVIOUS_KEY_ENCRYPTION_KEYS, "unrelated-" + "q" * 40 + "," + SECRET)
    assert needs_reencryption(old_token)
    new_token = reencrypt_private_key(old_token, key_id="kansai")
    assert not needs_reencryption(new_token)
    monkeypatch.delenv(ENV_PREVIOUS_KEY_ENCRYPTION_KEYS)
    again = IssuerKey.from_encrypted(
        key_id="kansai", public_key_multibase=key.public_key_multibase, encrypted_private_key=new_token
    )
    assert again.did == key.did
