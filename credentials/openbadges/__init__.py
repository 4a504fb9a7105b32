"""Open Badges 3.0 / Verifiable Credentials 2.0 signing and verification for the portal.

A self-contained library: no models, no database. See "Open Badges 3.0" in README.md.
"""

from .baking import bake_png, extract_credential
from .credential import (
    AchievementData,
    AwardData,
    IssuerProfile,
    StatusEntry,
    Text,
    build_clr_credential,
    build_open_badge_credential,
    hash_email,
)
from .errors import (
    BadgeImageError,
    BadgeImageTooLarge,
    InvalidProof,
    KeyEncryptionError,
    MalformedCredential,
    NoCredentialInImage,
    OpenBadgesError,
    StatusListError,
    UnsupportedContext,
)
from .keys import IssuerKey, KeyRing, decrypt_private_key, encrypt_private_key, public_key_from_did
from .proof import sign, verify
from .status_list import MIN_LENGTH, BitstringStatusList, build_status_list_credential
from .verify import VerificationResult, verify_credential, verify_upload

__all__ = [
    "MIN_LENGTH",
    "AchievementData",
    "AwardData",
    "BadgeImageError",
    "BadgeImageTooLarge",
    "BitstringStatusList",
    "InvalidProof",
    "IssuerKey",
    "IssuerProfile",
    "KeyEncryptionError",
    "KeyRing",
    "MalformedCredential",
    "NoCredentialInImage",
    "OpenBadgesError",
    "StatusEntry",
    "StatusListError",
    "Text",
    "UnsupportedContext",
    "VerificationResult",
    "bake_png",
    "build_clr_credential",
    "build_open_badge_credential",
    "build_status_list_credential",
    "decrypt_private_key",
    "encrypt_private_key",
    "extract_credential",
    "hash_email",
    "public_key_from_did",
    "sign",
    "verify",
    "verify_credential",
    "verify_upload",
]
