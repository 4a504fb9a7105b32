"""JSON-LD processing with a closed document loader and a JSON-LD "safe mode".

Only the context files shipped in contexts/ are ever loaded; any other URL is refused, so
signing and verifying never touch the network. Safe mode (as the DCC verifier uses) refuses
documents whose terms the contexts do not define or whose identifiers are relative: such
data would be silently dropped from the signed RDF, and a verifier would then display
unsigned text as if it were signed.
"""

import copy
import json
import threading
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .errors import MalformedCredential, UnsupportedContext

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2P0_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

CONTEXT_FILES = {
    VC_V2_CONTEXT: "credentials-v2.json",
    OB_V3P0_CONTEXT: "ob-v3p0-context-3.0.3.json",
    CLR_V2P0_CONTEXT: "clr-v2p0-context-2.0.1.json",
}
CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"

# Resolved contexts are cached per URL; a private cache keeps another pyld user's loader from
# ever answering for our URLs (pyld's default cache is module-global). cachetools caches are
# not thread-safe, so each thread (gunicorn gthread, Celery threads) gets its own.
_per_thread = threading.local()


def _resolved_contexts() -> LRUCache:
    if not hasattr(_per_thread, "cache"):
        _per_thread.cache = LRUCache(maxsize=32)
    return _per_thread.cache


@cache
def _context_document(url: str) -> str:
    return (CONTEXT_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8")


def document_loader(url, options=None):
    """pyld document loader serving only the bundled contexts."""
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(
            "Refusing to load a document that is not bundled.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": json.loads(_context_document(url)),
    }


class _SafeProcessor(jsonld.JsonLdProcessor):
    def __init__(self):
        super().__init__(on_property_dropped=self._refuse_dropped)

    @staticmethod
    def _refuse_dropped(expanded_property):
        raise MalformedCredential(f"property not defined by the credential's contexts: {expanded_property!r}")


def _options() -> dict:
    return {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_resolved_contexts(), document_loader),
        "base": None,
    }


def _is_absolute_iri(value: str) -> bool:
    scheme, colon, _ = value.partition(":")
    return bool(colon) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _check_identifiers(node) -> None:
    """Relative @id / @type IRIs are skipped by toRDF; refuse them like safe mode does."""
    if isinstance(node, list):
        for item in node:
            _check_identifiers(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@id":
            if not isinstance(value, str) or not (value.startswith("_:") or _is_absolute_iri(value)):
                raise MalformedCredential(f"identifier is not an absolute IRI: {str(value)[:80]!r}")
        elif key == "@type" and "@value" not in node:
            for type_ in value if isinstance(value, list) else [value]:
                if not isinstance(type_, str) or not (type_.startswith("_:") or _is_absolute_iri(type_)):
                    raise MalformedCredential(f"type is not defined by the contexts: {str(type_)[:80]!r}")
        elif key == "@type" and "@value" in node:
            if not isinstance(value, str) or not (_is_absolute_iri(value) or value == "@json"):
                raise MalformedCredential("a value's datatype is not an absolute IRI")
        elif key in ("@value", "@language", "@direction", "@index"):
            continue
        else:
            _check_identifiers(value)


def to_rdf_dataset(document: dict) -> dict:
    """Expand in safe mode, then convert to pyld's RDF dataset structure."""
    contexts = document.get("@context")
    for url in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(url, str) and url not in CONTEXT_FILES:
            raise UnsupportedContext(f"unknown context {url[:200]!r}")
        if not isinstance(url, str):
            raise UnsupportedContext("embedded contexts are not accepted")
    processor = _SafeProcessor()
    try:
        expanded = processor.expand(copy.deepcopy(document), _options())
        _check_identifiers(expanded)
        return processor.to_rdf(expanded, _options())
    except jsonld.JsonLdError as error:
        raise MalformedCredential(f"JSON-LD processing failed: {_innermost(error)}") from None
    except RecursionError:
        raise MalformedCredential("the document is nested too deeply") from None


def expand(document: dict) -> list:
    processor = _SafeProcessor()
    try:
        expanded = processor.expand(copy.deepcopy(document), _options())
    except jsonld.JsonLdError as error:
        raise MalformedCredential(f"JSON-LD processing failed: {_innermost(error)}") from None
    _check_identifiers(expanded)
    return expanded


def _innermost(error: BaseException) -> str:
    while error.__cause__ is not None and isinstance(error.__cause__, jsonld.JsonLdError):
        error = error.__cause__
    if isinstance(error.__cause__, MalformedCredential):
        return str(error.__cause__)
    return str(getattr(error, "message", error))[:200]
