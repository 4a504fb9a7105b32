"""RDF Dataset Canonicalization (RDFC-1.0) with canonical N-Quads output.

pyld's own canonicalizer implements the same algorithm under its old name (URDNA2015) but
serializes literals the older way: control characters other than \\t \\n \\r are written raw,
while RDFC-1.0's canonical N-Quads escape \\b and \\f as ECHAR and every other character below
U+0020 (and U+007F) as an uppercase \\uXXXX. The hashes feed the blank-node labelling, so a
credential with such a character would canonicalize differently here and in other verifiers.
This module therefore runs RDFC-1.0 itself on pyld's RDF dataset; its output equals pyld's
URDNA2015 output for every dataset without such characters (tested).
"""

import hashlib
import itertools

from .errors import MalformedCredential

RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# A poisoned dataset (many indistinguishable blank nodes) makes the N-degree hash explode;
# RDFC-1.0 asks implementations to bound the work. Credentials need a handful of calls.
MAX_NDEGREE_CALLS = 20_000

_LITERAL_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_LITERAL_TABLE = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]} | _LITERAL_ESCAPES
_IRI_TABLE = {code: f"\\u{code:04X}" for code in [*range(0x21), *map(ord, '<>"{}|^`\\')]}


def _term(node: dict, bnode_label: str | None = None) -> str:
    kind = node["type"]
    if kind == "IRI":
        return "<" + node["value"].translate(_IRI_TABLE) + ">"
    if kind == "blank node":
        return bnode_label if bnode_label is not None else node["value"]
    text = '"' + node["value"].translate(_LITERAL_TABLE) + '"'
    datatype = node.get("datatype", XSD_STRING)
    if datatype == RDF_LANGSTRING:
        return text + "@" + node["language"]
    if datatype != XSD_STRING:
        return text + "^^<" + datatype.translate(_IRI_TABLE) + ">"
    return text


def _quads_from_dataset(dataset: dict) -> list[tuple]:
    quads = []
    for graph_name, triples in dataset.items():
        graph = None
        if graph_name != "@default":
            graph = {"type": "blank node" if graph_name.startswith("_:") else "IRI", "value": graph_name}
        for triple in triples:
            quads.append((triple["subject"], triple["predicate"], triple["object"], graph))
    return quads


def _serialize(quad: tuple, labels=None) -> str:
    parts = []
    for node in quad:
        if node is None:
            continue
        label = None
        if node["type"] == "blank node" and labels is not None:
            label = labels(node["value"])
        parts.append(_term(node, label))
    return " ".join(parts) + " .\n"


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.issued: dict[str, str] = {}

    def issue(self, identifier: str) -> str:
        if identifier not in self.issued:
            self.issued[identifier] = f"{self.prefix}{len(self.issued)}"
        return self.issued[identifier]

    def copy(self) -> "_Issuer":
        clone = _Issuer(self.prefix)
        clone.issued = dict(self.issued)
        return clone


class _Canonicalizer:
    def __init__(self, quads: list[tuple]):
        self.quads = quads
        self.bnode_quads: dict[str, list[tuple]] = {}
        for quad in quads:
            for node in (quad[0], quad[2], quad[3]):
                if node is not None and node["type"] == "blank node":
                    entry = self.bnode_quads.setdefault(node["value"], [])
                    if not entry or entry[-1] is not quad:
                        entry.append(quad)
        self.canonical = _Issuer("c14n")
        self.first_degree: dict[str, str] = {}
        self.ndegree_calls = 0

    def hash_first_degree(self, identifier: str) -> str:
        if identifier not in self.first_degree:
            lines = sorted(
                _serialize(quad, lambda value: "_:a" if value == identifier else "_:z")
                for quad in self.bnode_quads[identifier]
            )
            self.first_degree[identifier] = _sha256_hex("".join(lines))
        return self.first_degree[identifier]

    def hash_related(self, related: str, quad: tuple, issuer: _Issuer, position: str) -> str:
        if related in self.canonical.issued:
            label = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            label = "_:" + issuer.issued[related]
        else:
            label = self.hash_first_degree(related)
        data = position
        if position != "g":
            data += "<" + quad[1]["value"] + ">"
        return _sha256_hex(data + label)

    def hash_ndegree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self.ndegree_calls += 1
        if self.ndegree_calls > MAX_NDEGREE_CALLS:
            raise MalformedCredential("the credential's blank nodes are too costly to canonicalize")
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.bnode_quads[identifier]:
            for node, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if node is not None and node["type"] == "blank node" and node["value"] != identifier:
                    digest = self.hash_related(node["value"], quad, issuer, position)
                    related_by_hash.setdefault(digest, []).append(node["value"])
        data = ""
        for related_hash in sorted(related_by_hash):
            data += related_hash
            chosen_path, chosen_issuer = "", None
            for permutation in itertools.permutations(related_by_hash[related_hash]):
                issuer_copy, path, recursion = issuer.copy(), "", []
                skip = False
                for related in permutation:
                    if related in self.canonical.issued:
                        path += "_:" + self.canonical.issued[related]
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += "_:" + issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, issuer_copy = self.hash_ndegree(related, issuer_copy)
                    path += "_:" + issuer_copy.issue(related) + "<" + result_hash + ">"
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path, chosen_issuer = path, issuer_copy
            data += chosen_path
            issuer = chosen_issuer
        return _sha256_hex(data), issuer

    def run(self) -> str:
        by_hash: dict[str, list[str]] = {}
        for identifier in self.bnode_quads:
            by_hash.setdefault(self.hash_first_degree(identifier), []).append(identifier)
        for digest in sorted(by_hash):
            if len(by_hash[digest]) == 1:
                self.canonical.issue(by_hash[digest][0])
        for digest in sorted(by_hash):
            identifiers = by_hash[digest]
            if len(identifiers) == 1:
                continue
            results = []
            for identifier in identifiers:
                if identifier in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(identifier)
                results.append(self.hash_ndegree(identifier, temporary))
            for _, result_issuer in sorted(results, key=lambda result: result[0]):
                for existing in result_issuer.issued:
                    self.canonical.issue(existing)
        lines = sorted(_serialize(quad, lambda value: "_:" + self.canonical.issued[value]) for quad in self.quads)
        # A dataset may state the same quad twice (e.g. a repeated value); RDF has sets of quads.
        return "".join(line for line, _ in itertools.groupby(lines))


def canonicalize_dataset(dataset: dict) -> str:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of a pyld RDF dataset."""
    return _Canonicalizer(_quads_from_dataset(dataset)).run()
