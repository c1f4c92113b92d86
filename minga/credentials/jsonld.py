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
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015

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


def bundled_loader(extra: Mapping[str, dict[str, Any]] | None = None) -> Loader:
    """A pyld document loader serving the bundled contexts (plus ``extra``), nothing else."""
    documents = {**CONTEXTS, **(extra or {})}

    def load(url: str, options: object = None) -> dict[str, Any]:
        document = documents.get(url)
        if document is None:
            raise UnknownContext(url)
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


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

    def hash_first_degree_quads(self, id_):  # type: ignore[no-untyped-def]
        self._check_time()
        return super().hash_first_degree_quads(id_)

    def hash_n_degree_quads(self, id_, issuer):  # type: ignore[no-untyped-def]
        self._check_time()
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_, issuer):  # type: ignore[no-untyped-def]
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
    options = {
        "algorithm": "URDNA2015",
        "documentLoader": loader or _DEFAULT_LOADER,
        "produceGeneralizedRdf": False,
        "base": "",
    }
    try:
        dataset = jsonld.to_rdf(dict(document), options)
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
