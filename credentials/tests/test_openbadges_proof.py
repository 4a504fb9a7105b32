"""eddsa-rdfc-2022 Data Integrity proofs: the W3C test vector, RDFC-1.0 details and tampering."""

import copy
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld as pyld_jsonld
from pyld.canon import URDNA2015

from credentials.openbadges import IssuerKey, MalformedCredential, UnsupportedContext
from credentials.openbadges import proof as di
from credentials.openbadges.encoding import multibase_b58, multibase_b58_decode
from credentials.openbadges.errors import InvalidProof
from credentials.openbadges.jsonld import OB_V3P0_CONTEXT, VC_V2_CONTEXT, document_loader, to_rdf_dataset
from credentials.openbadges.rdfc import MAX_NDEGREE_CALLS, canonicalize_dataset
from credentials.openbadges.samples import sample_signed_credential

# W3C vc-di-eddsa test vectors (TestVectors/keyPair.json and eddsa-rdfc-2022/): key pair,
# the canonical proof configuration, the combined hash and the resulting proofValue.
VECTOR_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
VECTOR_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_PROOF_CANON = (
    '_:c14n0 <http://purl.org/dc/terms/created> "2023-02-24T23:36:38Z"'
    "^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n"
    "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .\n"
    '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"'
    "^^<https://w3id.org/security#cryptosuiteString> .\n"
    "_:c14n0 <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> .\n"
    "_:c14n0 <https://w3id.org/security#verificationMethod> "
    "<https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2> .\n"
)
VECTOR_COMBINED_HASH = (
    "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
    "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
)
VECTOR_PROOF_VALUE = "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"


@pytest.fixture(scope="module")
def key():
    return IssuerKey.generate()


def test_w3c_test_vector_proof_configuration_hash_and_signature():
    # The vector's proof configuration only uses terms of the VC v2 context, so its
    # canonical form does not depend on the examples context (which we do not bundle).
    config = {
        "@context": [VC_V2_CONTEXT],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#" + VECTOR_PUBLIC_KEY,
        "proofPurpose": "assertionMethod",
    }
    canonical = di.canonical_nquads(config)
    assert canonical == VECTOR_PROOF_CANON
    combined = bytes.fromhex(VECTOR_COMBINED_HASH)
    assert hashlib.sha256(canonical.encode()).digest() == combined[:32]

    seed = multibase_b58_decode(VECTOR_PRIVATE_KEY)
    assert seed[:2] == b"\x80\x26"  # multicodec ed25519-priv
    signing_key = IssuerKey(Ed25519PrivateKey.from_private_bytes(seed[2:]), key_id="vector")
    assert signing_key.public_key_multibase == VECTOR_PUBLIC_KEY
    assert multibase_b58(signing_key.sign(combined)) == VECTOR_PROOF_VALUE


def test_signed_credential_verifies_and_names_its_signer(key):
    credential = sample_signed_credential(key)
    assert di.verify(credential, expected_controller=key.did) == key.did
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["proofValue"].startswith("z")


@pytest.mark.parametrize(
    "path, value",
    [
        (("name",), "Forged"),
        (("credentialSubject", "achievement", "name"), "Forged"),
        (("credentialSubject", "achievement", "related", 0, "name"), "偽物"),
        (("credentialSubject", "creditsEarned"), 99),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("issuer", "name"), "Evil University"),
        (("credentialSubject", "identifier", 0, "identityHash"), "sha256$" + "0" * 64),
        (("proof", "created"), "2020-01-01T00:00:00Z"),
    ],
)
def test_any_change_to_a_signed_field_breaks_the_signature(key, path, value):
    credential = sample_signed_credential(key)
    target = credential
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(InvalidProof):
        di.verify(credential)


def test_a_credential_signed_by_another_key_is_not_the_issuers(key):
    credential = sample_signed_credential(key)
    with pytest.raises(InvalidProof):
        di.verify(credential, expected_controller=IssuerKey.generate().did)


def test_proof_key_order_and_json_formatting_do_not_matter(key):
    credential = sample_signed_credential(key)
    reordered = dict(reversed(list(copy.deepcopy(credential).items())))
    assert di.verify(reordered) == key.did


def test_undefined_terms_are_refused_instead_of_silently_left_unsigned(key):
    credential = sample_signed_credential(key)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    unsigned["credentialSubject"] = {**unsigned["credentialSubject"], "favouriteColour": "blue"}
    with pytest.raises(MalformedCredential, match="not defined"):
        di.sign(unsigned, key)
    with pytest.raises(MalformedCredential):
        di.verify({**unsigned, "proof": credential["proof"]})


def test_relative_identifiers_and_unknown_contexts_are_refused(key):
    base = {"@context": [VC_V2_CONTEXT, OB_V3P0_CONTEXT], "type": ["VerifiableCredential"], "issuer": key.did}
    with pytest.raises(MalformedCredential, match="absolute IRI"):
        di.sign({**base, "id": "not a url"}, key)
    with pytest.raises(UnsupportedContext):
        di.sign({**base, "@context": [VC_V2_CONTEXT, "https://evil.example/context.json"]}, key)
    with pytest.raises(UnsupportedContext):
        di.sign({**base, "@context": [VC_V2_CONTEXT, {"@vocab": "https://evil.example/#"}]}, key)


def test_the_document_loader_serves_only_bundled_contexts():
    assert document_loader(VC_V2_CONTEXT)["document"]["@context"]["@protected"] is True
    with pytest.raises(pyld_jsonld.JsonLdError):
        document_loader("https://www.w3.org/ns/did/v1")
    with pytest.raises(pyld_jsonld.JsonLdError):
        document_loader("file:///etc/passwd")


def _dataset(triples):
    return {"@default": triples}


def _bnode(v):
    return {"type": "blank node", "value": v}


def _iri(v):
    return {"type": "IRI", "value": v}


def _lit(v):
    return {"type": "literal", "value": v, "datatype": "http://www.w3.org/2001/XMLSchema#string"}


P = _iri("http://example.org/p")
Q = _iri("http://example.org/q")


@pytest.mark.parametrize(
    "triples",
    [
        # two indistinguishable blank nodes pointing at each other: needs the N-degree hash
        [
            {"subject": _bnode("_:x"), "predicate": P, "object": _bnode("_:y")},
            {"subject": _bnode("_:y"), "predicate": P, "object": _bnode("_:x")},
        ],
        # a ring of four and a shared literal
        [{"subject": _bnode(f"_:n{i}"), "predicate": P, "object": _bnode(f"_:n{(i + 1) % 4}")} for i in range(4)]
        + [{"subject": _bnode(f"_:n{i}"), "predicate": Q, "object": _lit("same")} for i in range(4)],
        # two separate isomorphic pairs
        [
            {"subject": _bnode("_:a"), "predicate": P, "object": _bnode("_:b")},
            {"subject": _bnode("_:c"), "predicate": P, "object": _bnode("_:d")},
            {"subject": _bnode("_:b"), "predicate": Q, "object": _lit("v")},
            {"subject": _bnode("_:d"), "predicate": Q, "object": _lit("v")},
        ],
    ],
)
def test_rdfc_matches_pyld_urdna2015_on_datasets_without_control_characters(triples):
    ours = canonicalize_dataset(_dataset(copy.deepcopy(triples)))
    theirs = URDNA2015().main(_dataset(copy.deepcopy(triples)), {"format": "application/n-quads"})
    assert ours == theirs


def test_rdfc_matches_pyld_on_a_real_credential(key):
    credential = sample_signed_credential(key)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    dataset = to_rdf_dataset(unsigned)
    assert canonicalize_dataset(copy.deepcopy(dataset)) == URDNA2015().main(
        copy.deepcopy(dataset), {"format": "application/n-quads"}
    )


def test_rdfc_escapes_literals_as_canonical_n_quads():
    value = 'a"b\\c\nd\re\tf\bg\fh\x00i\x01j\x1fk\x7fl\u2028m\U0001f600'
    out = canonicalize_dataset(
        _dataset([{"subject": _iri("http://example.org/s"), "predicate": P, "object": _lit(value)}])
    )
    assert out == (
        '<http://example.org/s> <http://example.org/p> "a\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0000i\\u0001j\\u001Fk\\u007Fl'
        '\u2028m\U0001f600" .\n'
    )


def test_rdfc_bounds_the_work_on_a_poisoned_dataset():
    # A large clique of indistinguishable blank nodes: exponential without the bound.
    nodes = [f"_:p{i}" for i in range(9)]
    triples = [{"subject": _bnode(a), "predicate": P, "object": _bnode(b)} for a in nodes for b in nodes if a != b]
    with pytest.raises(MalformedCredential):
        canonicalize_dataset(_dataset(triples))
    assert MAX_NDEGREE_CALLS > 1000
