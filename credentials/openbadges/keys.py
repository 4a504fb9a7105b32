"""Ed25519 issuer keys as did:key identifiers, with the private half encrypted at rest.

The lead stores `IssuerKey.key_id`, `public_key_multibase` and `encrypt_private_key(...)` in a
model; nothing here touches the database. A did:key DID *is* the public key, so a credential
signed by a retired key still verifies after rotation: the verifier needs no key registry.
"""

import base64
import hashlib
import os
import secrets
import uuid

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .encoding import multibase_b58, multibase_b58_decode
from .errors import KeyEncryptionError, MalformedCredential

ENV_KEY_ENCRYPTION_KEY = "CREDENTIALS_KEY_ENCRYPTION_KEY"
# Comma-separated former secrets, accepted for decryption only while rows are re-encrypted.
ENV_PREVIOUS_KEY_ENCRYPTION_KEYS = "CREDENTIALS_KEY_ENCRYPTION_KEY_PREVIOUS"
# multicodec "ed25519-pub" (0xed) as an unsigned varint: 0xed 0x01.
ED25519_PUB_MULTICODEC = b"\xed\x01"
_TOKEN_VERSION = "v1"
_HKDF_INFO = b"jige-portal openbadges issuer key encryption v1"
MIN_SECRET_LENGTH = 32


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return multibase_b58(ED25519_PUB_MULTICODEC + raw)


def did_from_public_key_multibase(multibase: str) -> str:
    return "did:key:" + multibase


def verification_method_for_did(did: str) -> str:
    """did:key's single verification method: the DID, '#', and the multibase key again."""
    return did + "#" + did.removeprefix("did:key:")


def public_key_from_did(did_or_method: str) -> Ed25519PublicKey:
    """The Ed25519 key embedded in a did:key DID or verification method id; MalformedCredential otherwise."""
    if not isinstance(did_or_method, str) or not did_or_method.startswith("did:key:z"):
        raise MalformedCredential("not an Ed25519 did:key")
    did, _, fragment = did_or_method.partition("#")
    multibase = did.removeprefix("did:key:")
    if fragment and fragment != multibase:
        raise MalformedCredential("the did:key fragment does not name the DID's own key")
    raw = multibase_b58_decode(multibase, max_length=64)
    if len(raw) != 34 or raw[:2] != ED25519_PUB_MULTICODEC:
        raise MalformedCredential("did:key is not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


class IssuerKey:
    """An Ed25519 key pair with its did:key identity. repr/str never show the private key,
    and the object refuses to be pickled (so it cannot end up in a Celery message or a cache)."""

    __slots__ = ("_private_key", "key_id", "public_key_multibase", "did", "verification_method")

    def __init__(self, private_key: Ed25519PrivateKey, *, key_id: str):
        self._private_key = private_key
        self.key_id = key_id
        self.public_key_multibase = public_key_multibase(private_key.public_key())
        self.did = did_from_public_key_multibase(self.public_key_multibase)
        self.verification_method = verification_method_for_did(self.did)

    @classmethod
    def generate(cls, *, key_id: str | None = None) -> "IssuerKey":
        return cls(Ed25519PrivateKey.generate(), key_id=key_id or str(uuid.uuid4()))

    @classmethod
    def from_encrypted(
        cls, *, key_id: str, public_key_multibase: str, encrypted_private_key: str, secret: str | None = None
    ) -> "IssuerKey":
        """Unlock a stored key; KeyEncryptionError when the secret is wrong or the row was tampered with."""
        raw = decrypt_private_key(encrypted_private_key, key_id=key_id, secret=secret)
        key = cls(Ed25519PrivateKey.from_private_bytes(raw), key_id=key_id)
        if key.public_key_multibase != public_key_multibase:
            raise KeyEncryptionError("decrypted private key does not match the stored public key")
        return key

    def encrypted_private_key(self, *, secret: str | None = None) -> str:
        raw = self._private_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return encrypt_private_key(raw, key_id=self.key_id, secret=secret)

    def sign(self, data: bytes) -> bytes:
        return self._private_key.sign(data)

    def public_key(self) -> Ed25519PublicKey:
        return self._private_key.public_key()

    def __repr__(self) -> str:
        return f"<IssuerKey {self.key_id} {self.did}>"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("IssuerKey holds a private key and cannot be pickled")

    def __copy__(self):
        raise TypeError("IssuerKey holds a private key and cannot be copied")

    def __deepcopy__(self, memo):
        raise TypeError("IssuerKey holds a private key and cannot be copied")


def verify_ed25519(did_or_method: str, signature: bytes, data: bytes) -> bool:
    try:
        public_key_from_did(did_or_method).verify(signature, data)
    except InvalidSignature:
        return False
    return True


def _encryption_key(secret: str | None) -> bytes:
    if secret is None:
        secret = os.environ.get(ENV_KEY_ENCRYPTION_KEY, "")
    if len(secret) < MIN_SECRET_LENGTH:
        raise KeyEncryptionError(
            f"{ENV_KEY_ENCRYPTION_KEY} must be set to a random secret of at least {MIN_SECRET_LENGTH} characters"
        )
    # HKDF turns an arbitrary (long, random) environment string into a uniform AES-256 key.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode("utf-8"))


def secret_fingerprint(secret: str | None = None) -> str:
    """A short, non-reversible tag of the key-encryption key, to tell which secret a row needs."""
    return hashlib.sha256(b"fingerprint" + _encryption_key(secret)).hexdigest()[:12]


def encrypt_private_key(private_bytes: bytes, *, key_id: str, secret: str | None = None) -> str:
    """AES-256-GCM; the key id is authenticated data, so a ciphertext moved to another row fails to open."""
    key = _encryption_key(secret)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, private_bytes, key_id.encode("utf-8"))
    payload = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
    return f"{_TOKEN_VERSION}.{secret_fingerprint(secret)}.{payload}"


def _candidate_secrets(secret: str | None) -> list[str | None]:
    if secret is not None:
        return [secret]
    previous = [item.strip() for item in os.environ.get(ENV_PREVIOUS_KEY_ENCRYPTION_KEYS, "").split(",")]
    return [None, *(item for item in previous if item)]


def decrypt_private_key(token: str, *, key_id: str, secret: str | None = None) -> bytes:
    """Open a token from encrypt_private_key; the current secret or, by fingerprint, a previous one."""
    try:
        version, fingerprint, payload = token.split(".")
    except (AttributeError, ValueError):
        raise KeyEncryptionError("not an encrypted issuer key") from None
    if version != _TOKEN_VERSION:
        raise KeyEncryptionError("unknown encrypted key format")
    matching = [candidate for candidate in _candidate_secrets(secret) if secret_fingerprint(candidate) == fingerprint]
    if not matching:
        raise KeyEncryptionError("the key was encrypted with another key-encryption secret")
    try:
        blob = base64.urlsafe_b64decode(payload)
        return AESGCM(_encryption_key(matching[0])).decrypt(blob[:12], blob[12:], key_id.encode("utf-8"))
    except (InvalidTag, ValueError):
        raise KeyEncryptionError("the encrypted issuer key is damaged or belongs to another key id") from None


def needs_reencryption(token: str) -> bool:
    """True when the token was sealed with a previous key-encryption secret."""
    return token.split(".")[1:2] != [secret_fingerprint()]


def reencrypt_private_key(token: str, *, key_id: str) -> str:
    """Re-seal a stored private key with the current secret (after rotating the environment secret)."""
    return encrypt_private_key(decrypt_private_key(token, key_id=key_id), key_id=key_id)


class KeyRing:
    """Rotation: the newest active key signs new credentials; every key, active or retired,
    remains usable for re-signing the status list of the credentials it issued."""

    def __init__(self, keys: list[IssuerKey], *, active_key_id: str):
        self._by_id = {key.key_id: key for key in keys}
        if active_key_id not in self._by_id:
            raise KeyError(active_key_id)
        self.active = self._by_id[active_key_id]

    def for_key_id(self, key_id: str) -> IssuerKey:
        return self._by_id[key_id]

    def for_did(self, did: str) -> IssuerKey:
        for key in self._by_id.values():
            if key.did == did:
                return key
        raise KeyError(did)

    def rotate(self, *, key_id: str | None = None) -> IssuerKey:
        """Generate a new active key; the old one stays in the ring (retired)."""
        new = IssuerKey.generate(key_id=key_id)
        self._by_id[new.key_id] = new
        self.active = new
        return new

    def __repr__(self) -> str:
        return f"<KeyRing active={self.active.key_id} keys={len(self._by_id)}>"
