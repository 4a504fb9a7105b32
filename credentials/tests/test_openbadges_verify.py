"""The verification report the verify page and JSON endpoint show: signature, issuer, dates, revocation."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from PIL import Image

from credentials.openbadges import (
    BitstringStatusList,
    IssuerKey,
    StatusEntry,
    bake_png,
    build_status_list_credential,
    sign,
    verify_credential,
    verify_upload,
)
from credentials.openbadges.samples import sample_signed_credential
from credentials.openbadges.verify import MAX_ARRAY_ITEMS, MAX_JSON_BYTES

STATUS_URL = "https://portal.example/credentials/status/1"


@pytest.fixture(scope="module")
def key():
    return IssuerKey.generate()


def _status_list(key, *revoked, url=STATUS_URL):
    bits = BitstringStatusList()
    for index in revoked:
        bits.set(index)
    return sign(
        build_status_list_credential(url=url, issuer_did=key.did, status_list=bits, valid_from=datetime.now(UTC)), key
    )


def test_a_good_credential_is_valid_with_its_issuer_and_achievement(key):
    credential = sample_signed_credential(key, status=StatusEntry(STATUS_URL, 3))
    result = verify_credential(credential, fetch_status_list=lambda url: _status_list(key, 4))
    assert result.valid
    assert result.signature_valid and result.revoked is False and result.expired is False
    assert result.issuer_did == key.did and result.issuer_name == "Kansai University / 関西大学"
    assert result.achievement_name == "COIL: Sustainable Cities"
    payload = result.as_dict()
    assert json.loads(json.dumps(payload))["valid"] is True  # the JSON endpoint can dump it as is


def test_a_revoked_credential_is_reported_revoked(key):
    credential = sample_signed_credential(key, status=StatusEntry(STATUS_URL, 3))
    result = verify_credential(credential, fetch_status_list=lambda url: _status_list(key, 3))
    assert result.signature_valid and result.revoked is True and not result.valid


def test_a_status_list_not_signed_by_the_issuer_is_not_trusted(key):
    credential = sample_signed_credential(key, status=StatusEntry(STATUS_URL, 3))
    forged = _status_list(IssuerKey.generate())  # an attacker's list with nothing revoked
    result = verify_credential(credential, fetch_status_list=lambda url: forged)
    assert result.revoked is None and not result.valid
    assert [e.code for e in result.errors] == ["status_unavailable"]
    tampered = _status_list(key, 3)
    tampered["credentialSubject"]["encodedList"] = BitstringStatusList().encode()
    result = verify_credential(credential, fetch_status_list=lambda url: tampered)
    assert result.revoked is None and not result.valid


def test_an_unreachable_status_list_is_an_error_not_an_exception(key):
    credential = sample_signed_credential(key, status=StatusEntry(STATUS_URL, 3))

    def offline(url):
        raise ConnectionError("down")

    result = verify_credential(credential, fetch_status_list=offline)
    assert result.signature_valid and result.revoked is None and not result.valid
    unchecked = verify_credential(credential)
    assert [w.code for w in unchecked.warnings] == ["status_unchecked"]


def test_expired_and_not_yet_valid_credentials(key):
    now = datetime.now(UTC)
    expired = sample_signed_credential(key, valid_from=now - timedelta(days=30), valid_until=now - timedelta(days=1))
    early = sample_signed_credential(key, valid_from=now + timedelta(days=1))
    assert verify_credential(expired).expired is True and not verify_credential(expired).valid
    assert verify_credential(early).not_yet_valid is True and not verify_credential(early).valid
    assert verify_credential(expired, now=now - timedelta(days=2)).valid


def test_a_tampered_credential_reports_an_invalid_signature_in_the_visitors_language(key):
    credential = sample_signed_credential(key)
    credential["credentialSubject"]["achievement"]["related"][0]["name"] = "改ざん"
    with translation.override("ja"):
        result = verify_credential(credential)
    assert not result.signature_valid and result.errors[0].code == "invalid_signature"
    assert result.errors[0].message == "クレデンシャルの署名が正しくありません。"


@pytest.mark.parametrize(
    "credential",
    [
        None,
        [],
        "text",
        {},
        {"type": "VerifiableCredential"},
        {"@context": "https://www.w3.org/ns/credentials/v2", "type": ["VerifiableCredential"], "issuer": 5},
        {"@context": ["https://evil.example/ctx"], "type": ["VerifiableCredential"], "issuer": "did:key:z6Mk"},
        {"type": ["VerifiableCredential"], "issuer": {"id": "did:key:zzz"}, "proof": "x"},
        {"type": ["VerifiableCredential"], "issuer": "did:key:z6Mk", "proof": {"type": "DataIntegrityProof"}},
        {"type": ["VerifiableCredential"], "issuer": "x", "proof": [{}, {}]},
    ],
)
def test_malformed_credentials_become_structured_errors(credential):
    result = verify_credential(credential)
    assert not result.valid and result.errors
    assert all(isinstance(problem.message, str) and problem.code for problem in result.errors)


def test_hostile_field_values_in_a_signed_credential_never_raise(key):
    base = sample_signed_credential(key, status=StatusEntry(STATUS_URL, 3))
    mutations = [
        ("validFrom", "yesterday"),
        ("validUntil", 12),
        (
            "credentialStatus",
            {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "x"},
        ),
        ("credentialStatus", [1, 2, 3]),
        ("@context", None),
        ("proof", {**base["proof"], "proofValue": "z" + "1" * 5000}),
        ("proof", {**base["proof"], "verificationMethod": "did:key:z6Mk#x"}),
        ("proof", {**base["proof"], "created": None}),
        ("credentialSubject", {"achievement": {"name": ["a"]}}),
    ]
    for field_name, value in mutations:
        credential = {**base, field_name: value}
        result = verify_credential(credential, fetch_status_list=lambda url: _status_list(key))
        assert not result.valid, field_name


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[1, 2, 3]",
        b"\xff\xfe\x00garbage",
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        b" " * (MAX_JSON_BYTES + 1),
        b'{"type": ["VerifiableCredential"], "name": NaN}',
        b'{"type": ["VerifiableCredential"], "credits": 1e400}',
    ],
)
def test_bad_uploads_get_a_clean_error(data):
    result = verify_upload(data)
    assert not result.valid and result.errors


def test_uploading_the_json_or_the_baked_png_gives_the_same_verdict(key):
    credential = sample_signed_credential(key)
    image = io.BytesIO()
    Image.new("RGB", (32, 32)).save(image, format="PNG")
    as_json = verify_upload(json.dumps(credential).encode())
    as_png = verify_upload(bake_png(image.getvalue(), credential))
    assert as_json.as_dict() == as_png.as_dict()
    assert as_json.valid


@pytest.mark.parametrize(
    "related",
    [
        [{"type": ["Related"], "inLanguage": "ja", "name": f"x{i}"} for i in range(MAX_ARRAY_ITEMS + 1)],
        [{"type": ["Related"], "inLanguage": "ja", "name": [f"x{i}" for i in range(400)]} for _ in range(40)],
    ],
    ids=["one-long-array", "many-medium-arrays"],
)
def test_documents_built_to_make_json_ld_processing_slow_are_refused_before_processing(key, related):
    # Without the caps pyld's node map needs minutes for these (quadratic in values per property).
    credential = sample_signed_credential(key)
    credential["credentialSubject"]["achievement"]["related"] = related
    result = verify_upload(json.dumps(credential).encode())
    assert [e.code for e in result.errors] == ["malformed"]
    assert result.errors[0].message == "The credential is too large."


def test_an_issuer_outside_the_consortium_is_a_warning_not_a_failure(key):
    credential = sample_signed_credential(key)
    known = verify_credential(credential, known_issuers={key.did: "Kansai University"})
    assert known.valid and known.issuer_known is True and known.issuer_registered_name == "Kansai University"
    assert not known.warnings
    unknown = verify_credential(credential, known_issuers={})
    assert unknown.valid and unknown.issuer_known is False
    assert [w.code for w in unknown.warnings] == ["unknown_issuer"]


def test_a_lone_surrogate_in_an_uploaded_credential_is_a_clean_error(key):
    # JSON can escape a lone surrogate ("\\ud800") although no UTF-8 text can hold it.
    credential = sample_signed_credential(key)
    credential["credentialSubject"]["achievement"]["name"] = "broken \ud800 text"
    result = verify_upload(json.dumps(credential).encode())
    assert not result.valid and [e.code for e in result.errors] == ["malformed"]
