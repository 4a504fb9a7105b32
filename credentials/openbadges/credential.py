"""Builders for OpenBadgeCredential (OB 3.0), BitstringStatusListEntry and ClrCredential (CLR 2.0).

Bilingual texts. Neither context defines a language map (@container @language) for `name`,
`description` or `narrative`, and OB's JSON schema expects plain strings there, so English is
the primary language of the Achievement (`inLanguage: "en"`, a term of the OB 3.0.3
Achievement context) and the Japanese edition is an OB `related` entry of type `Related` with
`inLanguage: "ja"` — the OB 3.0 way to point at "alternate language editions" of an
achievement — carrying the Japanese `name` and `description` (both defined at the top level
of the contexts, so they are signed like everything else). Criteria's context defines no
language term, so its Markdown `narrative` holds both languages. Safe-mode JSON-LD
processing (see jsonld.py) proves every key is defined by the two contexts.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from .jsonld import CLR_V2P0_CONTEXT, OB_V3P0_CONTEXT, VC_V2_CONTEXT
from .proof import xsd_datetime

OB_CONTEXTS = [VC_V2_CONTEXT, OB_V3P0_CONTEXT]
CLR_CONTEXTS = [VC_V2_CONTEXT, CLR_V2P0_CONTEXT, OB_V3P0_CONTEXT]
# OB 3.0 AchievementType enumeration values for the portal's Achievement.Type values
# ("ext:"-prefixed values are allowed too, but standard values interoperate better).
ACHIEVEMENT_TYPES = {
    "course_module": "Course",
    "internship": "Fieldwork",
    "blended_programme": "LearningProgram",
    "competency": "Competency",
    "pathway": "Certificate",
}


@dataclass(frozen=True)
class Text:
    en: str
    ja: str = ""


@dataclass(frozen=True)
class IssuerProfile:
    did: str
    name: str
    url: str = ""


@dataclass(frozen=True)
class AchievementData:
    id: str
    name: Text
    description: Text
    criteria: Text
    achievement_type: str = "Course"
    image_url: str = ""
    image_caption: str = ""
    credits_available: Decimal | None = None
    human_code: str = ""
    japanese_edition_id: str = ""  # defaults to id + "?lang=ja"


@dataclass(frozen=True)
class StatusEntry:
    status_list_credential: str
    index: int
    purpose: str = "revocation"


@dataclass(frozen=True)
class AwardData:
    credential_id: str
    recipient_email: str
    valid_from: datetime
    valid_until: datetime | None = None
    credits_earned: Decimal | None = None
    salt: str = field(default_factory=lambda: secrets.token_hex(16))


def _require_iri(value: str, what: str) -> str:
    parts = urlsplit(value)
    if (
        not parts.scheme
        or (parts.scheme in ("http", "https") and not parts.netloc)
        or any(c in value for c in ' <>"{}|\\^`')
    ):
        raise ValueError(f"{what} must be an absolute URL or URN, got {value!r}")
    return value


def hash_email(email: str, salt: str) -> str:
    """OB 3.0 IdentityObject: 'sha256$' + hex SHA-256 of the identifier followed by the salt."""
    normalized = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalized + salt).encode("utf-8")).hexdigest()


def _number(value: Decimal) -> float | int:
    # JSON numbers; an integral value is written without ".0" so every language reads it alike.
    return int(value) if value == value.to_integral_value() else float(value)


def status_list_entry(status: StatusEntry) -> dict:
    if not isinstance(status.index, int) or status.index < 0:
        raise ValueError("a status list index is a non-negative integer")
    return {
        "id": f"{_require_iri(status.status_list_credential, 'status list URL')}#{status.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status.purpose,
        "statusListIndex": str(status.index),
        "statusListCredential": status.status_list_credential,
    }


def build_achievement(achievement: AchievementData, *, issuer: IssuerProfile | None = None) -> dict:
    data = {
        "id": _require_iri(achievement.id, "achievement id"),
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name.en,
        "description": achievement.description.en,
        "criteria": {"narrative": _bilingual_narrative(achievement.criteria)},
        "inLanguage": "en",
    }
    if achievement.image_url:
        data["image"] = {"id": _require_iri(achievement.image_url, "image URL"), "type": "Image"}
        if achievement.image_caption:
            data["image"]["caption"] = achievement.image_caption
    if achievement.credits_available is not None:
        data["creditsAvailable"] = _number(achievement.credits_available)
    if achievement.human_code:
        data["humanCode"] = achievement.human_code
    if issuer is not None:
        data["creator"] = _profile(issuer)
    if achievement.name.ja or achievement.description.ja:
        related = {
            "id": _require_iri(achievement.japanese_edition_id or achievement.id + "?lang=ja", "edition id"),
            "type": ["Related"],
            "inLanguage": "ja",
        }
        if achievement.name.ja:
            related["name"] = achievement.name.ja
        if achievement.description.ja:
            related["description"] = achievement.description.ja
        data["related"] = [related]
    return data


def _bilingual_narrative(text: Text) -> str:
    if not text.ja:
        return text.en
    return f"{text.en}\n\n---\n\n{text.ja}"


def _profile(issuer: IssuerProfile) -> dict:
    profile = {"id": issuer.did, "type": ["Profile"], "name": issuer.name}
    if issuer.url:
        profile["url"] = _require_iri(issuer.url, "issuer URL")
    return profile


def build_open_badge_credential(
    *, issuer: IssuerProfile, achievement: AchievementData, award: AwardData, status: StatusEntry | None = None
) -> dict:
    """An unsigned OpenBadgeCredential (sign it with proof.sign)."""
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": hash_email(award.recipient_email, award.salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": award.salt,
            }
        ],
        "achievement": build_achievement(achievement),
    }
    if award.credits_earned is not None:
        subject["creditsEarned"] = _number(award.credits_earned)
    credential = {
        "@context": list(OB_CONTEXTS),
        "id": _require_iri(award.credential_id, "credential id"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name.en,
        "issuer": _profile(issuer),
        "validFrom": xsd_datetime(award.valid_from),
        "credentialSubject": subject,
    }
    if achievement.description.en:
        credential["description"] = achievement.description.en
    if award.valid_until is not None:
        credential["validUntil"] = xsd_datetime(award.valid_until)
    if status is not None:
        credential["credentialStatus"] = status_list_entry(status)
    return credential


def build_clr_credential(
    *,
    credential_id: str,
    issuer: IssuerProfile,
    recipient_email: str,
    credentials: list[dict],
    valid_from: datetime,
    name: str = "Comprehensive Learner Record",
    salt: str | None = None,
) -> dict:
    """An unsigned CLR 2.0 ClrCredential wrapping already signed OpenBadgeCredentials."""
    salt = salt or secrets.token_hex(16)
    # The same credential listed twice would only add indistinguishable blank nodes (costly to
    # canonicalize, see rdfc.MAX_NDEGREE_CALLS) and say nothing new.
    unique = {}
    for credential in credentials:
        unique.setdefault(credential.get("id") or id(credential), credential)
    credentials = list(unique.values())
    achievements = []
    seen = set()
    for credential in credentials:
        achievement = credential.get("credentialSubject", {}).get("achievement")
        if isinstance(achievement, dict) and achievement.get("id") not in seen:
            seen.add(achievement.get("id"))
            achievements.append(achievement)
    return {
        "@context": list(CLR_CONTEXTS),
        "id": _require_iri(credential_id, "credential id"),
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": name,
        "issuer": _profile(issuer),
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hash_email(recipient_email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievements,
            "verifiableCredential": list(credentials),
        },
    }
