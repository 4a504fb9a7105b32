"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa).

Sign: canonicalize the document without `proof` and the proof configuration (the proof
options with the document's @context) with RDFC-1.0, hash each with SHA-256, sign
proofConfigHash + transformedDocumentHash with Ed25519, encode as base58btc multibase.
"""

import copy
import hashlib
import json
import re
from collections import OrderedDict
from datetime import UTC, datetime

from .encoding import multibase_b58, multibase_b58_decode
from .errors import InvalidProof, MalformedCredential
from .jsonld import to_rdf_dataset
from .keys import IssuerKey, public_key_from_did, verify_ed25519
from .rdfc import canonicalize_dataset

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def xsd_datetime(moment: datetime) -> str:
    """UTC, second precision, 'Z' suffix: the form every verifier parses."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_xsd_datetime(value) -> datetime:
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise MalformedCredential("not an XML Schema dateTime with a time zone")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedCredential("not a valid date and time") from None


def canonical_nquads(document: dict) -> str:
    return canonicalize_dataset(to_rdf_dataset(document))


def _hash_data(document: dict, proof_config: dict) -> bytes:
    proof_config_hash = hashlib.sha256(canonical_nquads(proof_config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonical_nquads(document).encode("utf-8")).digest()
    return proof_config_hash + document_hash


def sign(document: dict, key: IssuerKey, *, created: datetime | None = None) -> dict:
    """A copy of `document` with a DataIntegrityProof; the input is not modified."""
    if "proof" in document:
        raise ValueError("document already has a proof")
    unsecured = copy.deepcopy(document)
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created or datetime.now(UTC)),
        "verificationMethod": key.verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    proof_config = {"@context": unsecured["@context"], **proof}
    signature = key.sign(_hash_data(unsecured, proof_config))
    secured = copy.deepcopy(unsecured)
    secured["proof"] = {**proof, "proofValue": multibase_b58(signature)}
    return secured


def verify(document: dict, *, expected_controller: str | None = None) -> str:
    """Check the document's single eddsa-rdfc-2022 proof; returns the signing did:key.

    Raises InvalidProof when the signature does not hold (or the proof is not ours to check)
    and MalformedCredential when the document cannot be processed at all.
    """
    if not isinstance(document, dict):
        raise MalformedCredential("a credential is a JSON object")
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise InvalidProof("exactly one proof is supported")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise InvalidProof("the credential has no proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise InvalidProof("the proof is not a DataIntegrityProof with cryptosuite eddsa-rdfc-2022")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise InvalidProof("the proof purpose is not assertionMethod")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or "#" not in method:
        raise InvalidProof("the proof names no verification method")
    try:
        public_key_from_did(method)
    except MalformedCredential:
        raise InvalidProof("the verification method is not an Ed25519 did:key") from None
    did = method.split("#", 1)[0]
    if expected_controller is not None and did != expected_controller:
        raise InvalidProof("the credential was not signed by its issuer")
    parse_xsd_datetime(proof.get("created"))
    try:
        signature = multibase_b58_decode(proof.get("proofValue"), max_length=100)
    except MalformedCredential:
        raise InvalidProof("the proof value is not base58btc") from None
    if len(signature) != 64:
        raise InvalidProof("an Ed25519 signature is 64 bytes")

    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # vc-di-eddsa: a proof's own @context must be a prefix of the document's @context.
        contexts = document.get("@context")
        proof_contexts = options["@context"]
        proof_contexts = proof_contexts if isinstance(proof_contexts, list) else [proof_contexts]
        if not isinstance(contexts, list) or contexts[: len(proof_contexts)] != proof_contexts:
            raise InvalidProof("the proof's @context does not match the document's")
    proof_config = {**options, "@context": document.get("@context")}
    if not _signature_holds(method, signature, unsecured, proof_config):
        raise InvalidProof("the signature does not match the credential's content")
    return did


_VERIFIED: OrderedDict[bytes, bool] = OrderedDict()
_VERIFIED_MAX = 4096


def _signature_holds(method: str, signature: bytes, unsecured: dict, proof_config: dict) -> bool:
    """Whether `signature` by `method` holds for the document: RDF canonicalization costs tens
    of milliseconds, so outcomes are remembered (least recently used first out) by a digest of
    the exact JSON. The outcome is a pure function of that JSON (the key is in the did:key),
    so it never goes stale; revocation and dates are checked outside, on every call."""
    try:
        content = json.dumps([method, signature.hex(), unsecured, proof_config], sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        content = None
    digest = hashlib.sha256(content.encode("utf-8")).digest() if content is not None else None
    if digest is not None and digest in _VERIFIED:
        _VERIFIED.move_to_end(digest)
        return _VERIFIED[digest]
    holds = verify_ed25519(method, signature, _hash_data(unsecured, proof_config))
    if digest is not None:
        _VERIFIED[digest] = holds
        if len(_VERIFIED) > _VERIFIED_MAX:
            _VERIFIED.popitem(last=False)
    return holds
