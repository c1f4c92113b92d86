"""JSON-LD for credentials: bundled contexts only, bounded input, bounded canonicalisation.

Pure module (no Django). A verifier that fetched ``@context`` URLs while checking
a credential would let whoever wrote the credential make the server issue
requests, and would let a changed context on a remote host change what a
signature means. So the document loader here serves the contexts bundled in
``contexts/`` (each pinned by its SHA-256 in ``contexts/index.json``) and
nothing else: an unknown context is a precise problem, never a network fetch.

RDF canonicalisation (RDFC-1.0, which pyld calls URDNA2015) can take time
exponential in the number of blank nodes that look alike (the W3C suite's
"poison graph"). :func:`canonize` therefore bounds the input (bytes, nesting,
values), the number of quads and of look-alike blank nodes, and the wall-clock
time spent hashing, and raises :class:`CanonicalizationError` when a bound is
crossed, instead of hanging a worker.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

__all__ = [
    "CONTEXTS",
    "CanonicalizationError",
    "InputError",
    "Loader",
    "UnknownContext",
    "bundled_loader",
    "canonize",
    "check_limits",
    "parse_json",
]

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

MAX_INPUT_BYTES = 512 * 1024
MAX_DEPTH = 32
MAX_VALUES = 20_000
MAX_QUADS = 4_000
# RDFC-1.0 tries every order of blank nodes that hash alike; 8! = 40,320 is plenty
# for real credentials (which have none alike) and still quick.
MAX_ALIKE_BLANK_NODES = 8
CANONICALIZATION_SECONDS = 2.0

Loader = Callable[..., dict[str, Any]]


class InputError(ValueError):
    """The input is not JSON, or larger or deeper than a credential can reasonably be."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


class UnknownContext(LookupError):
    """A document names a JSON-LD context that is not bundled."""

    def __init__(self, url: object) -> None:
        super().__init__(f"The JSON-LD context {url!r} is not one this verifier knows.")
        self.url = url


class CanonicalizationError(ValueError):
    """The document could not be turned into canonical N-Quads within the limits."""

    def __init__(self, message: str, *, unknown_context: object = None) -> None:
        super().__init__(message)
        self.unknown_context = unknown_context


def _load_index(directory: Path) -> dict[str, dict[str, Any]]:
    """Read ``index.json``; every file must still have its pinned SHA-256."""
    index = json.loads((directory / "index.json").read_text())
    documents: dict[str, dict[str, Any]] = {}
    for url, entry in index["contexts"].items():
        raw = (directory / entry["file"]).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            raise RuntimeError(
                f"Bundled context {entry['file']} has SHA-256 {digest}, not the pin."
            )
        documents[url] = json.loads(raw)
    return documents


CONTEXTS: Mapping[str, dict[str, Any]] = _load_index(CONTEXTS_DIR)


class _Resolver(ContextResolver):
    """pyld's context resolver, remembering the bundled contexts for good.

    pyld deep-copies a context each time it loads one, and keys every embedded
    (scoped) context by its RFC 8785 text, recomputed on each use: most of the
    time spent verifying a credential. The bundled contexts never change, so
    each is resolved once per loader and kept, and the objects nested in it are
    keyed by identity (they are kept alive, so identities are never reused);
    their processed forms then carry over from one document to the next.
    """

    def __init__(self, loader: _BundledLoader) -> None:
        super().__init__(loader.cache, loader)
        self.bundled = loader

    def resolve(self, active_ctx, context, base, cycles=None):
        inner = context
        if isinstance(inner, dict) and "@context" in inner:
            inner = inner["@context"]
        if isinstance(inner, dict) and id(inner) in self.bundled.nested:
            resolved = self.bundled.nested[id(inner)]
            if resolved is None:
                resolved = self.bundled.nested[id(inner)] = ResolvedContext(inner)
            return [resolved]
        return super().resolve(active_ctx, context, base, cycles)

    def _resolve_remote_context(self, active_ctx, url, base, cycles):
        kept = self.bundled.by_url.get(url)
        if kept is not None:
            return kept
        resolved = super()._resolve_remote_context(active_ctx, url, base, cycles)
        if url in self.bundled.documents:
            self.bundled.keep(url, resolved)
        return resolved


class _Processor(jsonld.JsonLdProcessor):
    """pyld's processor, reusing the processed scoped contexts of the bundled contexts.

    A type-scoped context (``Achievement``, ``Profile``...) is processed again for
    every node of that type, and pyld cannot cache it across documents because it
    stamps each such active context with a new identifier. Processing depends only
    on the active context and the (immutable, bundled) local context, so the
    result is kept per loader, keyed by both.
    """

    def __init__(self, loader: _BundledLoader) -> None:
        super().__init__()
        self.bundled = loader

    def _process_context(
        self,
        active_ctx,
        local_ctx,
        options,
        override_protected=False,
        propagate=True,
        validate_scoped=True,
        cycles=None,
    ):
        active_id = active_ctx.get("_uuid") if isinstance(active_ctx, Mapping) else None
        if (
            active_id is None
            or not isinstance(local_ctx, dict)
            or id(local_ctx) not in self.bundled.nested
        ):
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
        key = (active_id, id(local_ctx), override_protected, propagate, validate_scoped)
        processed = self.bundled.processed.get(key)
        if processed is None:
            processed = super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
            if isinstance(processed, dict) and "_uuid" not in processed:
                processed["_uuid"] = str(uuid.uuid1())
            self.bundled.processed[key] = processed
        return processed


class _BundledLoader:
    """A pyld document loader serving a fixed set of contexts, with its own caches.

    Each loader has its own caches, so a context one loader knows can never be
    served, from a shared cache, by another that does not.
    """

    def __init__(self, documents: Mapping[str, dict[str, Any]]) -> None:
        self.documents = dict(documents)
        self.cache: LRUCache[Any, Any] = LRUCache(maxsize=256)
        self.by_url: dict[str, Any] = {}
        self.nested: dict[int, ResolvedContext | None] = {}
        self.processed: LRUCache[Any, Any] = LRUCache(maxsize=1024)

    def keep(self, url: str, resolved: Any) -> None:
        """Keep the resolved context of ``url``, and index the objects nested in it."""
        self.by_url[url] = resolved
        stack: list[Any] = [r.document for r in resolved]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                nested = item.get("@context")
                if isinstance(nested, dict):
                    self.nested.setdefault(id(nested), None)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    def __call__(self, url: str, options: object = None) -> dict[str, Any]:
        document = self.documents.get(url)
        if document is None:
            raise UnknownContext(url)
        return {"contextUrl": None, "documentUrl": url, "document": document}

    def resolver(self) -> ContextResolver:
        return _Resolver(self)


def bundled_loader(extra: Mapping[str, dict[str, Any]] | None = None) -> Loader:
    """A pyld document loader serving the bundled contexts (plus ``extra``), nothing else."""
    return _BundledLoader({**CONTEXTS, **(extra or {})})


_DEFAULT_LOADER = bundled_loader()


def parse_json(data: bytes | str, *, max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """Parse JSON text within the size, nesting and value limits; raise InputError otherwise."""
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > max_bytes:
        raise InputError(
            f"The input is {size} bytes; at most {max_bytes} are accepted.", too_large=True
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"The input is not UTF-8 text (byte {error.start}).") from None
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError:
        raise InputError(
            f"The input is nested more than {MAX_DEPTH} levels deep.", too_large=True
        ) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"The input is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except ValueError as error:  # a number too long to convert, NaN, Infinity
        raise InputError(f"The input is not valid JSON: {error}.") from None
    check_limits(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def check_limits(value: Any, *, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Refuse values nested deeper than ``max_depth`` or holding more than ``max_values`` values.

    Iterative, so a hostile document cannot exhaust the stack here.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            raise InputError(f"The input holds more than {max_values} values.", too_large=True)
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise InputError(
                f"The input is nested more than {max_depth} levels deep.", too_large=True
            )
        stack.extend((child, depth + 1) for child in children)


class _BoundedURDNA2015(URDNA2015):
    """pyld's RDFC-1.0 with a deadline and a cap on look-alike blank nodes."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise CanonicalizationError(
                f"Canonicalisation took longer than {CANONICALIZATION_SECONDS} seconds."
            )

    def hash_first_degree_quads(self, id_):
        self._check_time()
        return super().hash_first_degree_quads(id_)

    def hash_n_degree_quads(self, id_, issuer):
        self._check_time()
        return super().hash_n_degree_quads(id_, issuer)

    def modify_first_degree_component(self, id_, component, key):
        # pyld deep-copies the component; a blank node component is a flat dict of strings.
        if component["type"] != "blank node":
            return component
        return {**component, "value": "_:a" if component["value"] == id_ else "_:z"}

    def create_hash_to_related(self, id_, issuer):
        self._check_time()
        related = super().create_hash_to_related(id_, issuer)
        for nodes in related.values():
            if len(nodes) > MAX_ALIKE_BLANK_NODES:
                raise CanonicalizationError(
                    f"The document has {len(nodes)} blank nodes that cannot be told apart; "
                    f"at most {MAX_ALIKE_BLANK_NODES} are canonicalised."
                )
        return related


def _unknown_context(error: BaseException) -> object:
    """The URL an UnknownContext named, anywhere in the chain of causes; None otherwise."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UnknownContext):
            return current.url
        details = getattr(current, "details", None)
        if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
            nested = _unknown_context(details["cause"])
            if nested is not None:
                return nested
        current = current.__cause__ or current.__context__
    return None


def canonize(
    document: Mapping[str, Any],
    *,
    loader: Loader | None = None,
    seconds: float = CANONICALIZATION_SECONDS,
) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, within the module's limits."""
    deadline = time.monotonic() + seconds
    loader = loader or _DEFAULT_LOADER
    options: dict[str, Any] = {
        "algorithm": "URDNA2015",
        "documentLoader": loader,
        "produceGeneralizedRdf": False,
        "base": "",
    }
    if isinstance(loader, _BundledLoader):
        options["contextResolver"] = loader.resolver()
    processor = (
        _Processor(loader) if isinstance(loader, _BundledLoader) else jsonld.JsonLdProcessor()
    )
    known = _known_status_entry(document) if loader is _DEFAULT_LOADER else None
    try:
        dataset = processor.to_rdf(dict(document if known is None else known[0]), options)
        if known is not None:
            _add_quads(dataset, known[1])
    except RecursionError:
        raise CanonicalizationError("The document is nested too deeply to canonicalise.") from None
    except Exception as error:  # pyld raises JsonLdError, and TypeError/ValueError on odd input
        url = _unknown_context(error)
        if url is not None:
            raise CanonicalizationError(
                f"The JSON-LD context {url!r} is not one this verifier knows.", unknown_context=url
            ) from None
        raise CanonicalizationError(
            f"The document is not valid JSON-LD: {_reason(error)}"
        ) from None
    quads = sum(len(triples) for triples in dataset.values())
    if quads > MAX_QUADS:
        raise CanonicalizationError(f"The document has {quads} statements; at most {MAX_QUADS}.")
    try:
        return _BoundedURDNA2015(deadline).main(dataset, {"format": "application/n-quads"})
    except CanonicalizationError:
        raise
    except RecursionError:
        raise CanonicalizationError("The document is nested too deeply to canonicalise.") from None


# --- Performance: the status entry of Minga's own credentials, written directly -----------
# Budget: credential-verifications-per-core and credential-issuances-per-core (DESIGN.md;
# bench/bench_credentials.py). Every credential Minga issues carries the same
# `BitstringStatusListEntry`: a "message" entry with four constant `statusMessage` objects
# (blank nodes), which pyld's JSON-LD expansion spends about a third of its time on. For a
# credential of exactly Minga's shape (its contexts, types and members, and an entry of exactly
# these members, with absolute IRIs that need no escaping and the constant messages), the
# entry is left out of what pyld expands and its statements are added to pyld's dataset
# directly; RDFC-1.0 then labels every blank node as before. Anything else (another context,
# loader, member, message, a list of entries) is expanded by pyld in full.
# tests/test_jsonld_status_fastpath.py checks the output byte for byte against pyld's,
# including the shape of pyld's dataset this relies on.
_FAST_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
_FAST_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
_FAST_KEYS = frozenset(
    (
        "@context",
        "id",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "name",
        "credentialSubject",
        "evidence",
        "credentialStatus",
    )
)
_FAST_ENTRY_KEYS = frozenset(
    (
        "id",
        "type",
        "statusPurpose",
        "statusListIndex",
        "statusSize",
        "statusMessage",
        "statusReference",
        "statusListCredential",
    )
)
_FAST_MESSAGES = (
    {"status": "0x0", "message": "active"},
    {"status": "0x1", "message": "suspended"},
    {"status": "0x2", "message": "revoked"},
    {"status": "0x3", "message": "undefined"},
)
_FAST_IRI_RE = re.compile(r"https?://[A-Za-z0-9._~:/?#!$&'()*+,;=%-]+")
_FAST_INDEX_RE = re.compile(r"[0-9]{1,9}")
_CRED = "https://www.w3.org/2018/credentials#"
_STATUS = "https://www.w3.org/ns/credentials/status#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_INTEGER = "https://www.w3.org/2001/XMLSchema#integer"  # as the status context writes it

Quad = dict[str, dict[str, str]]


def _iri(value: str) -> dict[str, str]:
    return {"type": "IRI", "value": value}


def _literal(value: str, datatype: str = _XSD_STRING) -> dict[str, str]:
    return {"type": "literal", "value": value, "datatype": datatype}


def _known_status_entry(document: Mapping[str, Any]) -> tuple[dict[str, Any], list[Quad]] | None:
    """(the document without its status entry, the entry's statements in pyld's dataset form)
    for a credential of Minga's own shape; None for any other document."""
    entry = document.get("credentialStatus")
    if (
        not isinstance(entry, dict)
        or document.keys() - _FAST_KEYS
        or document.get("@context") != _FAST_CONTEXT
        or document.get("type") != _FAST_TYPE
        or entry.keys() != _FAST_ENTRY_KEYS
        or entry["type"] != "BitstringStatusListEntry"
        or entry["statusPurpose"] != "message"
        or type(entry["statusSize"]) is not int
        or not 0 <= entry["statusSize"] < 10**9
        or not isinstance(entry["statusListIndex"], str)
        or not _FAST_INDEX_RE.fullmatch(entry["statusListIndex"])
        or not isinstance(entry["statusMessage"], list)
        or tuple(entry["statusMessage"]) != _FAST_MESSAGES
        or any(
            not isinstance(value, str) or not _FAST_IRI_RE.fullmatch(value)
            for value in (
                document.get("id"),
                entry["id"],
                entry["statusReference"],
                entry["statusListCredential"],
            )
        )
    ):
        return None
    # statusMessage items must be plain dicts of two strings (== above also matches subclasses).
    if any(type(item) is not dict for item in entry["statusMessage"]):
        return None
    node = _iri(entry["id"])
    quads: list[Quad] = [
        {
            "subject": _iri(document["id"]),
            "predicate": _iri(_CRED + "credentialStatus"),
            "object": _iri(entry["id"]),
        },
        {
            "subject": node,
            "predicate": _iri(_RDF_TYPE),
            "object": _iri(_STATUS + "BitstringStatusListEntry"),
        },
        {
            "subject": node,
            "predicate": _iri(_STATUS + "statusPurpose"),
            "object": _literal("message"),
        },
        {
            "subject": node,
            "predicate": _iri(_STATUS + "statusListIndex"),
            "object": _literal(entry["statusListIndex"]),
        },
        {
            "subject": node,
            "predicate": _iri(_STATUS + "statusSize"),
            "object": _literal(str(entry["statusSize"]), _XSD_INTEGER),
        },
        {
            "subject": node,
            "predicate": _iri(_STATUS + "statusReference"),
            "object": _iri(entry["statusReference"]),
        },
        {
            "subject": node,
            "predicate": _iri(_STATUS + "statusListCredential"),
            "object": _iri(entry["statusListCredential"]),
        },
    ]
    for number, item in enumerate(_FAST_MESSAGES):
        blank = {"type": "blank node", "value": f"_:minga-status-{number}"}
        quads += [
            {"subject": node, "predicate": _iri(_STATUS + "statusMessage"), "object": blank},
            {
                "subject": blank,
                "predicate": _iri(_STATUS + "status"),
                "object": _literal(item["status"]),
            },
            {
                "subject": blank,
                "predicate": _iri(_STATUS + "message"),
                "object": _literal(item["message"]),
            },
        ]
    rest = {key: value for key, value in document.items() if key != "credentialStatus"}
    return rest, quads


def _quad_key(quad: Mapping[str, Mapping[str, str]]) -> tuple[str | None, ...]:
    subject, predicate, obj = quad["subject"], quad["predicate"], quad["object"]
    return (
        subject["type"],
        subject["value"],
        predicate["value"],
        obj["type"],
        obj["value"],
        obj.get("datatype"),
        obj.get("language"),
    )


def _add_quads(dataset: dict[str, list[Any]], quads: list[Quad]) -> None:
    """Add ``quads`` to the default graph of pyld's ``dataset``, as a set (as pyld would)."""
    graph = dataset.setdefault("@default", [])
    present = {_quad_key(quad) for quad in graph if quad["subject"]["type"] == "IRI"}
    for quad in quads:
        if quad["subject"]["type"] == "IRI" and _quad_key(quad) in present:
            continue
        graph.append(quad)


# --- end of the fenced fast path ----------------------------------------------------------


def _message(error: BaseException) -> str:
    first = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    return first.split("\n", 1)[0]


def _reason(error: BaseException) -> str:
    """pyld's message, with its cause's message when that says more."""
    message = _message(error)
    cause = error.__cause__
    if cause is not None and _message(cause) != message:
        message = f"{message} ({_message(cause)})"
    return message[:300]
