"""Verification report for the portal's verify page and JSON endpoint.

`verify_credential` never raises for bad input: every problem becomes part of the result,
with a translatable message for people and a stable code for machines.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from . import proof
from .baking import PNG_SIGNATURE, extract_credential
from .errors import BadgeImageError, InvalidProof, MalformedCredential, OpenBadgesError, StatusListError
from .status_list import BitstringStatusList

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_JSON_CONTAINERS = 20_000
MAX_ARRAY_ITEMS = 500
# Sum of len(array)**2 over all arrays: the node map's comparisons grow with it.
MAX_ARRAY_WORK = 300_000

# A status list fetcher takes the statusListCredential URL and returns the parsed JSON document
# (the portal serves its own lists, so the lead can answer from the database without HTTP).
StatusListFetcher = Callable[[str], dict]


@dataclass
class Problem:
    code: str
    message: str  # already rendered in the active language when the result is built

    def __post_init__(self):
        self.message = str(self.message)


@dataclass
class VerificationResult:
    signature_valid: bool = False
    issuer_did: str | None = None
    issuer_name: str | None = None
    # With known_issuers: whether the DID belongs to a registered organization, and its name there.
    issuer_known: bool | None = None
    issuer_registered_name: str | None = None
    expired: bool | None = None
    not_yet_valid: bool | None = None
    revoked: bool | None = None
    achievement_name: str | None = None
    credential_name: str | None = None
    credential: dict | None = field(default=None, repr=False)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # A ClrCredential's embedded OpenBadgeCredentials, each verified on its own.
    inner_results: list["VerificationResult"] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Signature holds, not expired or early, not revoked, no errors."""
        return (
            self.signature_valid
            and not self.expired
            and not self.not_yet_valid
            and self.revoked is not True
            and not self.errors
            and all(inner.valid for inner in self.inner_results)
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("credential")
        data["valid"] = self.valid
        data["inner_results"] = [inner.as_dict() for inner in self.inner_results]
        return data


def parse_credential_json(raw: bytes | str) -> dict:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_JSON_BYTES:
        raise MalformedCredential("JSON too large", message=_("The credential is too large."))
    try:
        data = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):
        raise MalformedCredential("not JSON", message=_("This is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedCredential("not a JSON object")
    return data


def _reject_constant(name: str):
    # NaN and Infinity are not JSON (RFC 8259); other verifiers reject them outright.
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def check_shape(data) -> None:
    """Bound the JSON-LD work a hostile document can cause before any processing.

    pyld's node map compares each new value with every value already stored for the same
    property, so one array of 15,000 objects costs minutes (and forty arrays of 400 values,
    seconds); depth and container counts bound the rest. Real credentials, and a CLR of a
    few hundred badges, are far below these caps.
    """
    containers = array_work = 0
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            containers += 1
            if depth > MAX_JSON_DEPTH:
                raise MalformedCredential("JSON nested too deeply")
            if containers > MAX_JSON_CONTAINERS:
                raise MalformedCredential("too many JSON objects", message=_("The credential is too large."))
            if isinstance(node, list):
                array_work += len(node) ** 2
                if len(node) > MAX_ARRAY_ITEMS or array_work > MAX_ARRAY_WORK:
                    raise MalformedCredential("JSON arrays too long", message=_("The credential is too large."))
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))


def verify_upload(
    data: bytes, *, fetch_status_list: StatusListFetcher | None = None, known_issuers=None, now=None
) -> VerificationResult:
    """Verify an uploaded file: a baked PNG or credential JSON."""
    try:
        is_png = bytes(data[:8]) == PNG_SIGNATURE
        credential = extract_credential(data) if is_png else parse_credential_json(data)
    except OpenBadgesError as error:
        return VerificationResult(errors=[Problem(_error_code(error), error.message)])
    return verify_credential(credential, fetch_status_list=fetch_status_list, known_issuers=known_issuers, now=now)


def verify_credential(
    credential,
    *,
    fetch_status_list: StatusListFetcher | None = None,
    known_issuers: Mapping[str, str] | None = None,
    now=None,
    _nested: bool = False,
) -> VerificationResult:
    """Report on signature, issuer, validity dates and revocation; never raises for bad input.

    `known_issuers` maps the consortium's issuer DIDs (every key, retired ones too) to display
    names; an unknown issuer is a warning, not an error: the credential can still be genuine.
    """
    now = now or datetime.now(UTC)
    result = VerificationResult()
    if not isinstance(credential, dict):
        result.errors.append(Problem("malformed", MalformedCredential.message))
        return result
    result.credential = credential
    try:
        if not _nested:
            check_shape(credential)
        _describe(credential, result)
        issuer_did = result.issuer_did
        result.issuer_did = proof.verify(credential, expected_controller=issuer_did)
        result.signature_valid = True
    except InvalidProof as error:
        result.errors.append(Problem("invalid_signature", error.message))
    except OpenBadgesError as error:
        result.errors.append(Problem(_error_code(error), error.message))
        return result
    except Exception:  # noqa: BLE001 — hostile input must never become a 500; the report says why
        result.errors.append(Problem("malformed", MalformedCredential.message))
        return result
    _check_dates(credential, result, now)
    _check_status(credential, result, fetch_status_list, now)
    if known_issuers is not None:
        result.issuer_known = result.issuer_did in known_issuers
        result.issuer_registered_name = known_issuers.get(result.issuer_did)
        if not result.issuer_known:
            result.warnings.append(
                Problem("unknown_issuer", _("The issuer is not one of the consortium's registered organizations."))
            )
    if not _nested:
        _check_embedded(credential, result, fetch_status_list, known_issuers, now)
    return result


def _check_embedded(credential: dict, result: VerificationResult, fetch, known_issuers, now) -> None:
    types = credential.get("type")
    if not isinstance(types, list) or "ClrCredential" not in types:
        return
    subject = credential.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    for inner in embedded if isinstance(embedded, list) else []:
        # One level only: a CLR inside a CLR is reported on but not unpacked (bounded work).
        result.inner_results.append(
            verify_credential(inner, fetch_status_list=fetch, known_issuers=known_issuers, now=now, _nested=True)
        )


def _describe(credential: dict, result: VerificationResult) -> None:
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        raise MalformedCredential("type must include VerifiableCredential")
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str):
        raise MalformedCredential("the credential names no issuer")
    result.issuer_did = issuer_id
    if isinstance(credential.get("name"), str):
        result.credential_name = credential["name"]
    if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
        result.issuer_name = issuer["name"]
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if isinstance(achievement, dict) and isinstance(achievement.get("name"), str):
        result.achievement_name = achievement["name"]


def _check_dates(credential: dict, result: VerificationResult, now: datetime) -> None:
    try:
        if "validFrom" in credential:
            result.not_yet_valid = proof.parse_xsd_datetime(credential["validFrom"]) > now
        result.expired = False
        if "validUntil" in credential:
            result.expired = proof.parse_xsd_datetime(credential["validUntil"]) < now
    except MalformedCredential:
        result.errors.append(Problem("bad_dates", _("The credential's validity dates are not valid dates.")))


def _check_status(credential: dict, result: VerificationResult, fetch: StatusListFetcher | None, now) -> None:
    entries = credential.get("credentialStatus")
    if entries is None:
        return
    entries = entries if isinstance(entries, list) else [entries]
    revocation = [e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == "revocation"]
    if not revocation:
        return
    if fetch is None:
        result.warnings.append(Problem("status_unchecked", _("Whether the credential was revoked was not checked.")))
        return
    try:
        revoked = False
        for entry in revocation:
            revoked = revoked or _entry_is_set(entry, credential, fetch, now)
        result.revoked = revoked
    except OpenBadgesError as error:
        result.errors.append(Problem("status_unavailable", StatusListError.message))
        result.warnings.append(Problem("status_detail", str(error)[:200]))
    except Exception:  # noqa: BLE001 — a fetcher's network or parse error is a report line, not a 500
        result.errors.append(Problem("status_unavailable", StatusListError.message))


def _entry_is_set(entry: dict, credential: dict, fetch: StatusListFetcher, now) -> bool:
    if entry.get("type") != "BitstringStatusListEntry":
        raise StatusListError("unsupported credentialStatus type")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        raise StatusListError("statusListIndex is not an integer") from None
    url = entry.get("statusListCredential")
    if not isinstance(url, str):
        raise StatusListError("statusListCredential is missing")
    status_credential = fetch(url)
    if not isinstance(status_credential, dict):
        raise StatusListError("the status list is not a JSON object")
    signer = proof.verify(status_credential)
    issuer = status_credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer != signer or signer != _issuer_id(credential):
        raise StatusListError("the status list was not signed by the credential's issuer")
    if status_credential.get("id") != url:
        raise StatusListError("the status list document is not the one the credential names")
    valid_until = status_credential.get("validUntil")
    if valid_until is not None and proof.parse_xsd_datetime(valid_until) < now:
        raise StatusListError("the status list has expired")
    subject = status_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise StatusListError("the status list's purpose does not match")
    bits = BitstringStatusList.decode(subject.get("encodedList"))
    try:
        return bits.get(index)
    except IndexError:
        raise StatusListError("statusListIndex is outside the list") from None


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _error_code(error: OpenBadgesError) -> str:
    if isinstance(error, BadgeImageError):
        return "bad_image"
    if isinstance(error, InvalidProof):
        return "invalid_signature"
    return "malformed"
