"""OpenBadgeCredential and ClrCredential structure: contexts, types, bilingual texts, only defined terms."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from credentials.openbadges import IssuerKey, StatusEntry, build_clr_credential, hash_email, sign, verify_credential
from credentials.openbadges.credential import CLR_CONTEXTS
from credentials.openbadges.jsonld import expand
from credentials.openbadges.samples import SAMPLE_ACHIEVEMENTS, sample_issuer, sample_signed_credential

OB_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


@pytest.fixture(scope="module")
def key():
    return IssuerKey.generate()


def _iris(node, found=None):
    found = set() if found is None else found
    if isinstance(node, list):
        for item in node:
            _iris(item, found)
    elif isinstance(node, dict):
        for k, v in node.items():
            if not k.startswith("@"):
                found.add(k)
            _iris(v, found)
    return found


def test_open_badge_credential_has_exactly_the_two_contexts_and_the_ob_types(key):
    status = StatusEntry("https://portal.example/credentials/status/1", 1234)
    credential = sample_signed_credential(key, status=status, valid_until=datetime(2030, 1, 1, tzinfo=UTC))
    assert credential["@context"] == OB_CONTEXT
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": key.did,
        "type": ["Profile"],
        "name": "Kansai University / 関西大学",
        "url": "https://portal.example/orgs/kansai",
    }
    assert credential["validFrom"].endswith("Z") and credential["validUntil"] == "2030-01-01T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Course"
    assert achievement["criteria"]["narrative"].startswith("Attend 7 of 8")
    assert "8回中7回以上" in achievement["criteria"]["narrative"]
    assert achievement["image"] == {"id": "https://portal.example/media/badges/coil.png", "type": "Image"}
    assert achievement["creditsAvailable"] == 2 and subject["creditsEarned"] == 2
    assert credential["credentialStatus"] == {
        "id": "https://portal.example/credentials/status/1#1234",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "1234",
        "statusListCredential": "https://portal.example/credentials/status/1",
    }


def test_japanese_texts_are_an_inlanguage_tagged_related_edition(key):
    achievement = sample_signed_credential(key)["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "en"
    assert achievement["related"] == [
        {
            "id": "https://portal.example/credentials/achievements/coil-sustainability?lang=ja",
            "type": ["Related"],
            "inLanguage": "ja",
            "name": "COIL：持続可能な都市",
            "description": "海外の協定大学と共同で行う8週間のオンライン国際協働学習モジュール。",
        }
    ]


def test_every_term_is_defined_by_the_two_contexts_and_maps_to_a_known_vocabulary(key):
    credential = sample_signed_credential(key, status=StatusEntry("https://portal.example/s/1", 5))
    predicates = _iris(expand({k: v for k, v in credential.items() if k != "proof"}))
    allowed = (
        "https://www.w3.org/2018/credentials#",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#",
        "https://schema.org/",
        "https://www.w3.org/ns/credentials/status#",
    )
    assert predicates and all(p.startswith(allowed) for p in predicates), predicates
    assert "https://schema.org/inLanguage" in predicates
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#related" in predicates


def test_the_recipient_is_identified_by_a_salted_sha256_of_the_email(key):
    identifier = sample_signed_credential(key, email=" Mai.Student@Example.org ")["credentialSubject"]["identifier"][0]
    assert identifier["type"] == "IdentityObject"
    assert identifier["hashed"] is True and identifier["identityType"] == "emailAddress"
    salt = identifier["salt"]
    expected = "sha256$" + hashlib.sha256(("mai.student@example.org" + salt).encode()).hexdigest()
    assert identifier["identityHash"] == expected == hash_email("MAI.student@example.org", salt)
    other = sample_signed_credential(key, email="mai.student@example.org")["credentialSubject"]["identifier"][0]
    assert other["salt"] != salt and other["identityHash"] != expected  # a fresh salt per credential


@pytest.mark.parametrize("credits, written", [(Decimal("4.5"), 4.5), (Decimal("6.00"), 6), (Decimal("0"), 0)])
def test_credits_are_json_numbers_without_a_spurious_fraction(key, credits, written):
    credential = sample_signed_credential(key, kind="internship", credits_earned=credits)
    value = credential["credentialSubject"]["creditsEarned"]
    assert value == written and type(value) is type(written)
    assert verify_credential(credential).signature_valid


def test_bad_identifiers_are_refused_before_signing(key):
    from dataclasses import replace

    bad = replace(SAMPLE_ACHIEVEMENTS["course_module"], id="relative/path")
    with pytest.raises(ValueError):
        sample_signed_credential(key, achievement=bad)
    bad = replace(SAMPLE_ACHIEVEMENTS["course_module"], image_url="https://exa mple.org/x.png")
    with pytest.raises(ValueError):
        sample_signed_credential(key, achievement=bad)


def test_clr_wraps_signed_credentials_and_is_itself_signed(key):
    inner = [sample_signed_credential(key, kind=kind) for kind in ("course_module", "internship", "pathway")]
    clr = build_clr_credential(
        credential_id="urn:uuid:6a4f4e9c-2f7e-4d39-9f11-0f7d1b0b8f00",
        issuer=sample_issuer(key),
        recipient_email="mai.student@example.org",
        credentials=inner,
        valid_from=datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert (
        clr["@context"]
        == CLR_CONTEXTS
        == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
    )
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["credentialSubject"]["type"] == ["ClrSubject"]
    assert clr["credentialSubject"]["verifiableCredential"] == inner
    assert len(clr["credentialSubject"]["achievement"]) == 3
    signed = sign(clr, key)
    result = verify_credential(signed)
    assert result.signature_valid, result.errors
    assert result.inner_results and all(r.signature_valid for r in result.inner_results)
    # tampering with an embedded credential breaks the CLR's own signature too
    signed["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["creditsEarned"] = 99
    result = verify_credential(signed)
    assert not result.signature_valid
    assert not result.inner_results[1].signature_valid
