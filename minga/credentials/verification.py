"""Verify a credential, check by check, and say precisely what is wrong.

`verify_credential` runs six checks in order and never raises, whatever it is
given:

1. **structure**: JSON within limits; VC Data Model 2.0 and, for Open Badges,
   the OB 3.0 required fields.
2. **issuer**: the issuer's DID resolves (this instance's did:web from the
   database, did:key offline, other hosts over HTTPS with time and size limits),
   and the proof's verification method is one of its assertion methods.
3. **signature**: the Data Integrity proof (eddsa-rdfc-2022 or eddsa-jcs-2022).
4. **validity**: ``validFrom`` has come and ``validUntil`` has not.
5. **status**: every Bitstring Status List entry, from a status list credential
   whose own proof is verified too (this instance's lists are read without HTTP).
6. **log**: for credentials issued here, the issuance entry in the audit log
   names this exact credential (SHA-256 of its RFC 8785 form) and is included in
   the latest signed checkpoint; "pending" until a checkpoint covers it.

A failed structure check skips the rest, and so does a failed issuer check for
the signature; the other checks run independently so the report lists every
problem at once. Problems are RFC 9457-style entries (:mod:`.problems`).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from minga.core.jcs import canonical_json
from minga.core.tls import client_context
from minga.identity import didkey, didweb
from minga.identity.didcore import DidError

from . import dataintegrity, jsonld, statuslist
from .problems import Problem, gettext_noop, problem, shown

__all__ = ["CHECKS", "Check", "Report", "verify_credential"]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context-3."
OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")
STATUS_LIST_MAX_BYTES = 256 * 1024

PASSED, FAILED, PENDING, SKIPPED = "passed", "failed", "pending", "skipped"

# name -> label shown to people (translated where shown).
CHECKS: dict[str, str] = {
    "structure": gettext_noop("Structure"),
    "issuer": gettext_noop("Issuer"),
    "signature": gettext_noop("Signature"),
    "validity": gettext_noop("Validity dates"),
    "status": gettext_noop("Revocation and suspension"),
    "log": gettext_noop("Audit log"),
}

STATUS_LABELS = {
    PASSED: gettext_noop("passed"),
    FAILED: gettext_noop("failed"),
    PENDING: gettext_noop("pending"),
    SKIPPED: gettext_noop("skipped"),
}


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template % dict(params) if params else template
    except (KeyError, ValueError, TypeError):
        return template


@dataclass(frozen=True)
class Check:
    """One check's outcome; iterates as (name, status, detail)."""

    name: str
    status: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return _fill(self.template, self.params)

    def __iter__(self) -> Iterator[str]:
        return iter((self.name, self.status, self.detail))

    def as_json(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail}

    def translated(
        self, gettext: Callable[[str], str], show: Callable[[str, Any], Any] | None = None
    ) -> dict[str, str]:
        return {
            "check": self.name,
            "label": gettext(CHECKS[self.name]),
            "status": self.status,
            "status_label": gettext(STATUS_LABELS[self.status]),
            "detail": _fill(gettext(self.template), shown(self.params, show)),
        }


@dataclass
class Report:
    """Everything a verification found: the checks run and the problems, in order."""

    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    credential: dict[str, Any] | None = None

    @property
    def is_valid(self) -> bool:
        return (
            bool(self.checks) and not self.problems and all(c.status != FAILED for c in self.checks)
        )

    @property
    def could_not_check(self) -> bool:
        """Not valid only because something could not be reached (the issuer's host, a status
        list, this instance's audit log), not because anything was found wrong: `minga
        credential verify` then exits 2, not 1."""
        out_of_reach = [found for found in self.problems if _unreachable(found)]
        issuer_away = any(found.type.name == "issuer-unresolved" for found in out_of_reach)
        # A status list cannot be checked against an issuer that cannot be reached either.
        return bool(out_of_reach) and all(
            found in out_of_reach
            or (issuer_away and found.type.name == "STATUS_VERIFICATION_ERROR")
            for found in self.problems
        )

    @property
    def credential_id(self) -> str | None:
        value = (self.credential or {}).get("id")
        return value if isinstance(value, str) else None

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.is_valid,
            "credential": self.credential_id,
            "checks": [check.as_json() for check in self.checks],
            "problems": [entry.as_json() for entry in self.problems],
        }

    def translated(
        self, gettext: Callable[[str], str], show: Callable[[str, Any], Any] | None = None
    ) -> dict[str, Any]:
        """The report in the language ``gettext`` speaks, parameters written by ``show`` (see
        `Problem.translated`)."""
        return {
            "verified": self.is_valid,
            "credential": self.credential_id,
            "checks": [check.translated(gettext, show) for check in self.checks],
            "problems": [entry.translated(gettext, show) for entry in self.problems],
        }

    def _add(
        self, name: str, status: str, template: str, found: Sequence[Problem] = (), **params: Any
    ) -> None:
        self.checks.append(Check(name, status, template, params))
        self.problems.extend(entry.with_check(name) for entry in found)


class _Failed(Exception):
    """A check found problems; carries them to the report."""

    def __init__(self, *found: Problem) -> None:
        super().__init__(str(found[0]) if found else "failed")
        self.problems = list(found)


def _malformed(template: str, **params: Any) -> Problem:
    return problem("MALFORMED_VALUE_ERROR", template, **params)


# --- 1. structure -------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_url(value: object) -> bool:
    if not isinstance(value, str) or not value or len(value) > 2048 or " " in value:
        return False
    scheme = value.split(":", 1)[0]
    return ":" in value and scheme.isascii() and scheme[:1].isalpha()


def _issuer_id(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def structure_problems(credential: Mapping[str, Any]) -> list[Problem]:
    """Every way the credential breaks VC 2.0 (and OB 3.0, if it claims to be an Open Badge)."""
    found: list[Problem] = []
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2_CONTEXT:
        found.append(
            _malformed(
                gettext_noop("@context must be a list starting with %(context)s."),
                context=VC_V2_CONTEXT,
            )
        )
        contexts = contexts if isinstance(contexts, list) else []
    types = _as_list(credential.get("type"))
    if "VerifiableCredential" not in types:
        found.append(_malformed(gettext_noop("type must include VerifiableCredential.")))
    if "id" in credential and not _is_url(credential["id"]):
        found.append(_malformed(gettext_noop("id must be a URL.")))
    issuer = credential.get("issuer")
    if not _is_url(_issuer_id(credential)):
        found.append(
            _malformed(gettext_noop("issuer must be a URL, or an object whose id is a URL."))
        )
    subjects = credential.get("credentialSubject")
    if not subjects or not all(isinstance(s, Mapping) and s for s in _as_list(subjects)):
        found.append(
            _malformed(gettext_noop("credentialSubject must be an object (or a list of objects)."))
        )
    for name in ("validFrom", "validUntil"):
        if name in credential and dataintegrity.parse_datetime(credential[name]) is None:
            found.append(
                _malformed(
                    gettext_noop(
                        "%(field)s must be a date and time with a zone, e.g. 2026-01-31T12:00:00Z."
                    ),
                    field=name,
                )
            )
    statuses = credential.get("credentialStatus", [])
    if not all(
        isinstance(s, Mapping) and isinstance(s.get("type"), str) for s in _as_list(statuses)
    ):
        found.append(_malformed(gettext_noop("Each credentialStatus entry must have a type.")))
    if "proof" not in credential:
        found.append(problem("MALFORMED_PROOF_ERROR", gettext_noop("The credential has no proof.")))
    if any(t in types for t in OB_TYPES):
        found.extend(_open_badge_problems(credential, contexts, issuer, subjects))
    return found


def _open_badge_problems(
    credential: Mapping[str, Any], contexts: list[Any], issuer: Any, subjects: Any
) -> list[Problem]:
    found: list[Problem] = []
    if not any(isinstance(c, str) and c.startswith(OB_CONTEXT_PREFIX) for c in contexts):
        found.append(
            _malformed(gettext_noop("An Open Badge's @context must include the OB 3.0 context."))
        )
    if not _is_url(credential.get("id")):
        found.append(_malformed(gettext_noop("An Open Badge must have an id.")))
    if not isinstance(issuer, Mapping) or "Profile" not in _as_list(issuer.get("type")):
        found.append(
            _malformed(gettext_noop("An Open Badge's issuer must be a Profile object with an id."))
        )
    if "validFrom" not in credential:
        found.append(_malformed(gettext_noop("An Open Badge must have a validFrom date.")))
    subject = subjects[0] if isinstance(subjects, list) and subjects else subjects
    if not isinstance(subject, Mapping):
        return found
    if not subject.get("id") and not subject.get("identifier"):
        found.append(
            _malformed(gettext_noop("The credentialSubject must have an id or an identifier."))
        )
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        found.append(_malformed(gettext_noop("The credentialSubject must name its achievement.")))
        return found
    missing = [
        name
        for name in ("id", "type", "name", "description", "criteria")
        if not achievement.get(name)
    ]
    if missing:
        found.append(
            _malformed(gettext_noop("The achievement lacks %(fields)s."), fields=", ".join(missing))
        )
    return found


# --- 2. issuer ----------------------------------------------------------------------------------


def resolve_did(did: str) -> dict[str, Any]:
    """The DID document of ``did`` (see :func:`minga.identity.resolution.resolve`)."""
    from minga.identity.resolution import resolve

    return resolve(did)


@functools.lru_cache(maxsize=1024)
def _ed25519_key(multibase: str) -> Ed25519PublicKey:
    """The public key a Multikey names (decoded and checked on the curve once per process)."""
    return Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(multibase))


def _public_key_of(method: Mapping[str, Any]) -> Ed25519PublicKey:
    if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
        raise ValueError(f"keys of type {method.get('type')!r} are not supported")
    multibase = method.get("publicKeyMultibase")
    if not isinstance(multibase, str):
        return Ed25519PublicKey.from_public_bytes(didkey.decode_multikey(multibase))
    return _ed25519_key(multibase)


def _absolute(did: str, reference: object) -> object:
    return (
        did + reference if isinstance(reference, str) and reference.startswith("#") else reference
    )


def issuer_key(
    issuer: object, verification_method: object, *, resolve: Callable[[str], dict[str, Any]]
) -> Ed25519PublicKey:
    """The key behind ``verification_method``, checked to be an assertion method of ``issuer``."""
    if not isinstance(issuer, str) or not issuer.startswith("did:"):
        raise _Failed(
            problem(
                "issuer-unresolved",
                gettext_noop(
                    "The issuer %(issuer)s is not a DID; only did:web and did:key issuers can be "
                    "verified."
                ),
                issuer=str(issuer)[:200],
            )
        )
    try:
        document = resolve(issuer)
    except DidError as error:
        raise _Failed(
            problem(
                "issuer-unresolved",
                gettext_noop("The issuer %(issuer)s cannot be resolved (%(code)s): %(reason)s"),
                issuer=issuer[:200],
                code=error.code,
                reason=error.message[:300],
            )
        ) from None
    if not isinstance(verification_method, str) or not verification_method.startswith(issuer + "#"):
        raise _Failed(
            problem(
                "INVALID_VERIFICATION_METHOD",
                gettext_noop(
                    "The proof was made with %(method)s, which is not a key of %(issuer)s."
                ),
                method=str(verification_method)[:200],
                issuer=issuer[:200],
            )
        )
    methods = {
        _absolute(issuer, m.get("id")): m
        for m in _as_list(document.get("verificationMethod", []))
        if isinstance(m, Mapping)
    }
    assertion = set()
    for entry in _as_list(document.get("assertionMethod", [])):
        if isinstance(entry, Mapping):
            methods.setdefault(_absolute(issuer, entry.get("id")), entry)
            entry = entry.get("id")
        assertion.add(_absolute(issuer, entry))
    method = methods.get(verification_method)
    if method is None or verification_method not in assertion:
        raise _Failed(
            problem(
                "INVALID_VERIFICATION_METHOD",
                gettext_noop(
                    "%(method)s is not an assertion method in the DID document of %(issuer)s."
                ),
                method=verification_method[:200],
                issuer=issuer[:200],
            )
        )
    try:
        return _public_key_of(method)
    except (DidError, ValueError) as error:
        raise _Failed(
            problem(
                "INVALID_VERIFICATION_METHOD",
                gettext_noop("The key %(method)s cannot be used: %(reason)s"),
                method=verification_method[:200],
                reason=str(error)[:200],
            )
        ) from None


# --- 5. status ----------------------------------------------------------------------------------


class _StatusListCache:
    """Decoded bitstrings of status list credentials already verified.

    Keyed by the list's URL, the SHA-256 of its bytes and the public key its proof was
    checked against: the same bytes under the same key verify the same way, so a list
    fetched again unchanged costs no second canonicalisation and signature check. The
    key is looked up afresh in the issuer's DID document on every run, so a key removed
    from it stops a cached list from verifying at once; a list whose bytes changed (a bit
    set, or a forgery) is a new entry, checked in full.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, bytes], tuple[dict[str, Any], bytes]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, bytes]) -> tuple[dict[str, Any], bytes] | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str, bytes], value: tuple[dict[str, Any], bytes]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


STATUS_LIST_CACHE = _StatusListCache()


def _status_retrieval(template: str, **params: Any) -> _Failed:
    return _Failed(problem("STATUS_RETRIEVAL_ERROR", template, **params))


def fetch_status_list(url: str) -> bytes:
    """The bytes of a status list credential: this instance's without HTTP, others' over HTTPS."""
    from minga.identity.dids import public_url

    own = public_url().rstrip("/")
    if url.startswith(own + "/"):
        return _fetch_own(url[len(own) :])
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise _status_retrieval(
            gettext_noop("The status list %(url)s is not an HTTPS URL."), url=url[:200]
        )
    try:
        didweb._check_public_host(parts.hostname, allowed=settings.MINGA_FEDERATION_NETWORKS)
        return didweb.fetch_https(
            url,
            timeout=settings.MINGA_DID_RESOLVE_TIMEOUT,
            max_bytes=STATUS_LIST_MAX_BYTES,
            context=client_context(settings.MINGA_TLS_CA_BUNDLE),
        )
    except DidError as error:
        raise _status_retrieval(
            gettext_noop("The status list %(url)s cannot be fetched: %(reason)s"),
            url=url[:200],
            reason=error.message[:200],
        ) from None


_ROUTES: OrderedDict[str, tuple[object, Any]] = OrderedDict()
_ROUTES_LOCK = threading.Lock()


def _route(path: str) -> Any:
    """``django.urls.resolve(path)`` (None for no match), remembered for the current URLconf.

    Every verification routes the same few status list paths; walking the URL patterns
    each time cost as much as reading the list. An entry is kept with the resolver that
    produced it, so a changed URLconf (which gets a new resolver) is routed afresh.
    """
    from django.urls import Resolver404, get_resolver, get_urlconf

    resolver = get_resolver(get_urlconf())
    with _ROUTES_LOCK:
        kept = _ROUTES.get(path)
    if kept is not None and kept[0] is resolver:
        return kept[1]
    try:
        match = resolver.resolve(path)
    except Resolver404:
        match = None
    with _ROUTES_LOCK:
        _ROUTES[path] = (resolver, match)
        while len(_ROUTES) > 256:
            _ROUTES.popitem(last=False)
    return match


def _fetch_own(path: str) -> bytes:
    """Call this instance's own status list view in-process (no HTTP round trip to ourselves)."""
    from django.http import HttpRequest

    path = path.split("#", 1)[0].split("?", 1)[0]
    match = _route(path)
    if match is None or match.view_name != "credentials:status-list":
        raise _status_retrieval(
            gettext_noop("%(path)s is not a status list of this server."), path=path[:200]
        )
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    host = urlsplit(settings.MINGA_PUBLIC_URL).netloc
    request.META = {"HTTP_HOST": host, "SERVER_NAME": host.split(":")[0], "SERVER_PORT": "443"}
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200:
        raise _status_retrieval(
            gettext_noop("The status list %(path)s answered HTTP %(code)s."),
            path=path[:200],
            code=response.status_code,
        )
    return bytes(response.content)


def _verified_status_list(
    url: str,
    issuer: object,
    *,
    now: datetime.datetime,
    resolve: Callable[[str], dict[str, Any]],
    fetch: Callable[[str], bytes],
) -> tuple[dict[str, Any], bytes]:
    """(status list credential, bitstring), after checking its proof, issuer and dates."""
    body = fetch(url)
    document = _parse_status_list(body, url)
    public_key = _status_list_key(document, url, resolve=resolve)
    key = (url, hashlib.sha256(body).hexdigest(), public_key.public_bytes_raw())
    cached = STATUS_LIST_CACHE.get(key)
    if cached is None:
        cached = _check_status_list(document, url, public_key)
        STATUS_LIST_CACHE.put(key, cached)
    document, bits = cached
    if _issuer_id(document) != issuer:
        raise _Failed(
            problem(
                "STATUS_VERIFICATION_ERROR",
                gettext_noop(
                    "The status list %(url)s was issued by %(list_issuer)s, not by %(issuer)s."
                ),
                url=url[:200],
                list_issuer=str(_issuer_id(document))[:200],
                issuer=str(issuer)[:200],
            )
        )
    until = dataintegrity.parse_datetime(document.get("validUntil"))
    if until is not None and until <= now:
        raise _Failed(
            problem(
                "STATUS_VERIFICATION_ERROR",
                gettext_noop("The status list %(url)s expired on %(until)s."),
                url=url[:200],
                until=document["validUntil"],
            )
        )
    return document, bits


def _status_list_failure(url: str, template: str, **params: Any) -> _Failed:
    return _Failed(problem("STATUS_VERIFICATION_ERROR", template, url=url[:200], **params))


def _parse_status_list(body: bytes, url: str) -> dict[str, Any]:
    """The status list credential in ``body``, checked to be one."""
    try:
        document = jsonld.parse_json(body, max_bytes=STATUS_LIST_MAX_BYTES)
    except jsonld.InputError as error:
        raise _status_list_failure(
            url,
            gettext_noop("The status list %(url)s is not usable JSON: %(reason)s"),
            reason=str(error),
        ) from None
    if not isinstance(document, dict) or "BitstringStatusListCredential" not in _as_list(
        document.get("type")
    ):
        raise _status_list_failure(
            url, gettext_noop("%(url)s is not a BitstringStatusListCredential.")
        )
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise _status_list_failure(
            url, gettext_noop("The status list %(url)s has no BitstringStatusList subject.")
        )
    return document


def _status_list_key(
    document: Mapping[str, Any], url: str, *, resolve: Callable[[str], dict[str, Any]]
) -> Ed25519PublicKey:
    """The key the list's proof names, as its issuer's DID document publishes it now."""
    proof = document.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    try:
        return issuer_key(_issuer_id(document), method, resolve=resolve)
    except _Failed as error:
        raise _status_list_failure(
            url,
            gettext_noop("The status list %(url)s does not verify: %(reason)s"),
            reason=error.problems[0].detail,
        ) from None


def _check_status_list(
    document: dict[str, Any], url: str, public_key: Ed25519PublicKey
) -> tuple[dict[str, Any], bytes]:
    try:
        dataintegrity.verify(document, public_key=public_key)
    except dataintegrity.ProofError as error:
        raise _status_list_failure(
            url,
            gettext_noop("The status list %(url)s does not verify: %(reason)s"),
            reason=error.problem.detail,
        ) from None
    try:
        bits = statuslist.decode(document["credentialSubject"].get("encodedList"))
    except statuslist.StatusListError as error:
        raise _Failed(error.problem) from None
    return document, bits


def _status_entry(
    entry: Mapping[str, Any],
    issuer: object,
    *,
    now: datetime.datetime,
    resolve: Callable[[str], dict[str, Any]],
    fetch: Callable[[str], bytes],
) -> int:
    """The status value of one BitstringStatusListEntry (0 = not revoked/suspended)."""
    try:
        index = statuslist.parse_index(entry.get("statusListIndex"))
    except statuslist.StatusListError as error:
        raise _Failed(error.problem) from None
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    if purpose not in ("revocation", "suspension", "message") or not _is_url(url):
        raise _Failed(
            problem(
                "MALFORMED_STATUS_ERROR",
                gettext_noop(
                    "A status entry needs a statusPurpose (revocation, suspension or message) "
                    "and a statusListCredential URL."
                ),
            )
        )
    document, bits = _verified_status_list(str(url), issuer, now=now, resolve=resolve, fetch=fetch)
    listed = _as_list(document["credentialSubject"].get("statusPurpose"))
    if purpose not in listed:
        raise _Failed(
            problem(
                "STATUS_VERIFICATION_ERROR",
                gettext_noop("The status list %(url)s is for %(listed)s, not %(purpose)s."),
                url=str(url)[:200],
                listed=", ".join(map(str, listed))[:100],
                purpose=purpose,
            )
        )
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool):
        size = 0
    _check_entries(bits, size, str(url))
    try:
        return statuslist.get_status(bits, index, size)
    except statuslist.StatusListError as error:
        raise _Failed(error.problem) from None


# Status messages (``statusPurpose: "message"``) that mean the credential is in force, and
# those that mean what the revocation and suspension purposes mean. Minga issues one entry of
# two bits: 0x0 "active", 0x1 "suspended", 0x2 "revoked", 0x3 "undefined" (see `credential`).
IN_FORCE_MESSAGES = {"active", "valid", "unset"}
REVOKED_MESSAGES = {"revoked", "revocation"}
SUSPENDED_MESSAGES = {"suspended", "suspension"}


def _check_entries(bits: bytes, size: int, url: str) -> None:
    """A list of entries wider than one bit still holds the minimum number of entries."""
    if size > 1 and len(bits) * 8 // size < statuslist.MIN_ENTRIES:
        raise _Failed(
            problem(
                "STATUS_LIST_LENGTH_ERROR",
                gettext_noop(
                    "The status list %(url)s has %(entries)s entries of %(size)s bits; at least "
                    "%(minimum)s are required."
                ),
                url=url[:200],
                entries=len(bits) * 8 // size,
                size=size,
                minimum=statuslist.MIN_ENTRIES,
            )
        )


def _message_of(entry: Mapping[str, Any], value: int) -> str | None:
    """The `statusMessage` text of `value`, or None when the entry does not list it."""
    for item in _as_list(entry.get("statusMessage", [])):
        status = item.get("status") if isinstance(item, Mapping) else None
        if isinstance(status, str) and status.lower().startswith("0x"):
            try:
                number = int(status[2:], 16)
            except ValueError:
                continue
            if number == value and isinstance(item.get("message"), str):
                return str(item["message"])
    return None


def status_message_problems(entry: Mapping[str, Any], value: int) -> list[Problem]:
    """What the value of a ``statusPurpose: "message"`` entry says about the credential.

    The entry must list one message per possible value (Bitstring Status List v1.0, 2.1);
    a message meaning revoked or suspended is reported as such; 0 or a message meaning
    "in force" passes; any other value set by the issuer is reported with its message.
    """
    size = entry.get("statusSize", 1)
    messages = entry.get("statusMessage")
    index = entry.get("statusListIndex")
    if (
        isinstance(size, int)
        and size > 1
        and (not isinstance(messages, list) or len(messages) != 2**size)
    ):
        return [
            problem(
                "MALFORMED_STATUS_ERROR",
                gettext_noop(
                    "A status entry of %(size)s bits must list %(count)s status messages."
                ),
                size=size,
                count=2**size,
            )
        ]
    message = _message_of(entry, value)
    text = (message or "").strip().lower()
    if text in REVOKED_MESSAGES:
        return [
            problem(
                "revoked",
                gettext_noop(
                    "The issuer has revoked this credential (status list entry %(index)s)."
                ),
                index=index,
            )
        ]
    if text in SUSPENDED_MESSAGES:
        return [
            problem(
                "suspended",
                gettext_noop(
                    "The issuer has suspended this credential (status list entry %(index)s)."
                ),
                index=index,
            )
        ]
    if value == 0 or text in IN_FORCE_MESSAGES:
        return []
    return [
        problem(
            "status-message",
            gettext_noop(
                "The issuer gives this credential the status “%(message)s” (status list entry "
                "%(index)s)."
            ),
            message=(message or hex(value))[:100],
            index=index,
        )
    ]


# --- 6. audit log -------------------------------------------------------------------------------


def canonical_sha256(credential: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the RFC 8785 form of the signed credential: what the log records."""
    return hashlib.sha256(canonical_json(dict(credential))).hexdigest()


def own_credential_uuid(credential_id: object) -> str | None:
    """The uuid of a credential id of this instance (``<public URL>/credentials/<uuid>``)."""
    from minga.identity.dids import public_url

    if not isinstance(credential_id, str):
        return None
    prefix = public_url().rstrip("/") + "/credentials/"
    if not credential_id.startswith(prefix):
        return None
    tail = credential_id[len(prefix) :].strip("/")
    if not tail or "/" in tail or len(tail) > 64:
        return None
    return tail


@functools.lru_cache(maxsize=8)
def _open_checkpoint(signed_note: str) -> tuple[int, bytes]:
    """(size, root) of a checkpoint whose signature by a platform key verifies."""
    from minga.audit import note
    from minga.identity.keys import platform_public_keys

    verifiers = [
        note.Verifier(settings.MINGA_LOG_ORIGIN, public_key)
        for public_key, _ in platform_public_keys()
    ]
    checkpoint, _, _ = note.open_checkpoint(signed_note, verifiers)
    return checkpoint.size, checkpoint.root


@functools.cache
def _log_sql() -> tuple[str, str]:
    """(first issuance entry of a subject, latest checkpoint): plain SQL, because every
    verification runs both and building them through the ORM costs far more than running
    them (the audit log's own hot paths do the same)."""
    from django.db import connection

    from minga.audit.models import Checkpoint, Entry

    quote = connection.ops.quote_name
    entries, checkpoints = quote(Entry._meta.db_table), quote(Checkpoint._meta.db_table)
    index, size = quote("index"), quote("size")
    return (
        f"SELECT {index}, body FROM {entries} "  # noqa: S608 (constant names)
        f"WHERE subject = %s AND kind = %s ORDER BY {index} LIMIT 1",
        f"SELECT {size}, note FROM {checkpoints} ORDER BY {size} DESC LIMIT 1",  # noqa: S608
    )


def _log_rows(subject: str) -> tuple[tuple[int, bytes] | None, tuple[int, str] | None]:
    """(index, body) of the issuance entry of ``subject`` and (size, note) of the latest
    checkpoint, each None when there is none."""
    from django.db import connection

    find_entry, find_checkpoint = _log_sql()
    with connection.cursor() as cursor:
        cursor.execute(find_entry, [subject, "credential.issue"])
        entry = cursor.fetchone()
        if entry is None:
            return None, None
        cursor.execute(find_checkpoint)
        checkpoint = cursor.fetchone()
    return (int(entry[0]), bytes(entry[1])), (
        None if checkpoint is None else (int(checkpoint[0]), str(checkpoint[1]))
    )


def _log_check(report: Report, credential: Mapping[str, Any]) -> None:
    from minga.audit import merkle, note
    from minga.audit.log import inclusion_proof

    uuid = own_credential_uuid(credential.get("id"))
    if uuid is None:
        report._add(
            "log",
            SKIPPED,
            gettext_noop("Issued elsewhere: only credentials issued here are in this audit log."),
        )
        return
    entry, checkpoint = _log_rows(f"credential:{uuid}")
    if entry is None:
        report._add(
            "log",
            FAILED,
            gettext_noop("No issuance of this credential is recorded in the audit log."),
            [
                problem(
                    "not-in-log",
                    gettext_noop(
                        "This server's audit log has no issuance of %(id)s: it was not issued here."
                    ),
                    id=str(credential.get("id"))[:200],
                )
            ],
        )
        return
    entry_index, body = entry
    try:
        recorded = json.loads(body)["data"]["sha256"]
    except (ValueError, KeyError, TypeError):
        recorded = None
    if recorded != canonical_sha256(credential):
        report._add(
            "log",
            FAILED,
            gettext_noop("Log entry %(index)s records a different credential."),
            [
                problem(
                    "log-mismatch",
                    gettext_noop(
                        "Log entry %(index)s records another SHA-256 for this credential: the "
                        "document differs from the one issued."
                    ),
                    index=entry_index,
                )
            ],
            index=entry_index,
        )
        return
    if _key_history_check(report, credential, entry_index):
        return
    if checkpoint is None or checkpoint[0] <= entry_index:
        report._add(
            "log",
            PENDING,
            gettext_noop(
                "Recorded as log entry %(index)s; no signed checkpoint covers it yet (one is "
                "signed every few seconds)."
            ),
            index=entry_index,
        )
        return
    try:
        size, root = _open_checkpoint(checkpoint[1])
        proof = inclusion_proof(entry_index, size)
        merkle.verify_inclusion(merkle.leaf_hash(body), entry_index, size, proof, root)
    except (merkle.ProofError, note.NoteError) as error:
        report._add(
            "log",
            FAILED,
            gettext_noop("The inclusion proof of log entry %(index)s fails."),
            [
                problem(
                    "log-proof-error",
                    gettext_noop(
                        "Log entry %(index)s is not proven in checkpoint %(size)s: %(reason)s"
                    ),
                    index=entry_index,
                    size=checkpoint[0],
                    reason=str(error)[:200],
                )
            ],
            index=entry_index,
        )
        return
    report._add(
        "log",
        PASSED,
        gettext_noop(
            "Issuance recorded as log entry %(index)s, included in signed checkpoint %(size)s."
        ),
        index=entry_index,
        size=size,
    )


def _key_history_check(report: Report, credential: Mapping[str, Any], entry_index: int) -> bool:
    """Fail the log check (and say True) when the signing key was not authorised at the moment
    the issuance entered the audit log: after its rotation or retirement, from a declared
    compromise on, or before it took over. The log entry is the time anchor, never the proof's
    ``created``, which the signer chooses (see `minga.identity.didlogs.key_problem`)."""
    from minga.identity.didlogs import key_problem

    try:
        _, proof = dataintegrity.split_proof(credential)
    except dataintegrity.ProofError:
        return False  # the signature check reports it
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or "#" not in method:
        return False
    did, multikey = method.split("#", 1)
    found = key_problem(did, multikey, entry_index)
    if found is None:
        return False
    template, params = found
    report._add(
        "log",
        FAILED,
        gettext_noop("The key was not authorised when log entry %(index)s recorded the issuance."),
        [problem("INVALID_VERIFICATION_METHOD", template, **params)],
        index=entry_index,
    )
    return True


# --- the whole verification ---------------------------------------------------------------------


UNREACHABLE = {"STATUS_RETRIEVAL_ERROR", "log-unavailable"}


def _unreachable(found: Problem) -> bool:
    if found.type.name == "issuer-unresolved":
        return found.params.get("code") == "internalError"  # the host, not the DID, failed
    return found.type.name in UNREACHABLE


def verify_credential(
    data: bytes | str | dict[str, Any],
    *,
    now: datetime.datetime | None = None,
    resolve: Callable[[str], dict[str, Any]] | None = None,
    fetch_status: Callable[[str], bytes] | None = None,
    check_log: bool = True,
) -> Report:
    """Verify a credential (JSON text, bytes, or an already parsed object); never raises."""
    report = Report()
    now = now or datetime.datetime.now(datetime.UTC)
    resolve = _once_each(resolve or resolve_did)
    fetch = fetch_status or fetch_status_list
    credential = _parse(report, data)
    if credential is None:
        return report
    report.credential = credential
    found = structure_problems(credential)
    if found:
        report._add("structure", FAILED, gettext_noop("The credential is not well formed."), found)
        for name in list(CHECKS)[1:]:
            report._add(name, SKIPPED, gettext_noop("Not checked: the structure is wrong."))
        return report
    report._add(
        "structure",
        PASSED,
        gettext_noop("Well-formed %(kind)s."),
        kind="Open Badge 3.0"
        if any(t in _as_list(credential["type"]) for t in OB_TYPES)
        else "Verifiable Credential 2.0",
    )
    issuer = _issuer_id(credential)
    public_key = _issuer_check(report, credential, issuer, resolve)
    _signature_check(report, credential, public_key)
    _validity_check(report, credential, now)
    _status_check(report, credential, issuer, now=now, resolve=resolve, fetch=fetch)
    if check_log:
        try:
            _log_check(report, credential)
        except Exception as error:  # the database being away must not turn into a crash
            report._add(
                "log",
                FAILED,
                gettext_noop("The audit log could not be read."),
                [
                    problem(
                        "log-unavailable",
                        gettext_noop("The audit log could not be read: %(reason)s"),
                        reason=type(error).__name__,
                    )
                ],
            )
    return report


def _once_each(resolve: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """``resolve``, remembering each DID's document (or error) for one verification only: the
    credential and its status lists name the same issuer, read once, and the next
    verification reads it again, so a key rotated or removed meanwhile is seen at once."""
    documents: dict[str, dict[str, Any]] = {}
    errors: dict[str, DidError] = {}

    def once(did: str) -> dict[str, Any]:
        if did in errors:
            raise errors[did]
        if did not in documents:
            try:
                documents[did] = resolve(did)
            except DidError as error:
                errors[did] = error
                raise
        return documents[did]

    return once


def _parse(report: Report, data: object) -> dict[str, Any] | None:
    try:
        if isinstance(data, bytes | str):
            credential = jsonld.parse_json(data)
        else:
            jsonld.check_limits(data)
            credential = data
    except jsonld.InputError as error:
        name = "input-too-large" if error.too_large else "PARSING_ERROR"
        report._add(
            "structure",
            FAILED,
            gettext_noop("The input cannot be read as a credential."),
            [problem(name, gettext_noop("%(reason)s"), reason=str(error))],
        )
        return None
    if not isinstance(credential, dict):
        report._add(
            "structure",
            FAILED,
            gettext_noop("The input cannot be read as a credential."),
            [problem("PARSING_ERROR", gettext_noop("A credential is a JSON object."))],
        )
        return None
    return credential


def _issuer_check(
    report: Report,
    credential: Mapping[str, Any],
    issuer: Any,
    resolve: Callable[[str], dict[str, Any]],
) -> Ed25519PublicKey | None:
    try:
        _, proof = dataintegrity.split_proof(credential)
        public_key = issuer_key(issuer, proof.get("verificationMethod"), resolve=resolve)
    except dataintegrity.ProofError as error:
        report._add(
            "issuer", FAILED, gettext_noop("The issuer's key cannot be found."), [error.problem]
        )
        return None
    except _Failed as error:
        report._add(
            "issuer", FAILED, gettext_noop("The issuer's key cannot be found."), error.problems
        )
        return None
    name = credential["issuer"].get("name") if isinstance(credential["issuer"], Mapping) else None
    report._add(
        "issuer",
        PASSED,
        gettext_noop("%(issuer)s resolved; the signing key is one of its assertion methods."),
        issuer=f"{name} ({issuer})" if isinstance(name, str) and name else issuer,
    )
    return public_key


def _signature_check(
    report: Report, credential: Mapping[str, Any], public_key: Ed25519PublicKey | None
) -> None:
    if public_key is None:
        report._add("signature", SKIPPED, gettext_noop("Not checked: the issuer's key is unknown."))
        return
    try:
        dataintegrity.verify(credential, public_key=public_key)
    except dataintegrity.ProofError as error:
        report._add(
            "signature", FAILED, gettext_noop("The signature does not verify."), [error.problem]
        )
        return
    _, proof = dataintegrity.split_proof(credential)
    report._add(
        "signature",
        PASSED,
        gettext_noop("Valid %(suite)s signature."),
        suite=proof["cryptosuite"],
    )


def _validity_check(report: Report, credential: Mapping[str, Any], now: datetime.datetime) -> None:
    valid_from = dataintegrity.parse_datetime(credential.get("validFrom"))
    valid_until = dataintegrity.parse_datetime(credential.get("validUntil"))
    if valid_from is not None and valid_from > now:
        report._add(
            "validity",
            FAILED,
            gettext_noop("Not valid before %(date)s."),
            [
                problem(
                    "not-yet-valid",
                    gettext_noop("The credential is valid from %(date)s, which has not come yet."),
                    date=credential["validFrom"],
                )
            ],
            date=credential["validFrom"],
        )
    elif valid_until is not None and valid_until <= now:
        report._add(
            "validity",
            FAILED,
            gettext_noop("Expired on %(date)s."),
            [
                problem(
                    "expired",
                    gettext_noop("The credential was valid until %(date)s."),
                    date=credential["validUntil"],
                )
            ],
            date=credential["validUntil"],
        )
    elif valid_until is not None:
        report._add(
            "validity",
            PASSED,
            gettext_noop("Valid from %(start)s until %(end)s."),
            start=credential.get("validFrom", "-"),
            end=credential["validUntil"],
        )
    else:
        report._add(
            "validity",
            PASSED,
            gettext_noop("Valid from %(start)s, with no end date."),
            start=credential.get("validFrom", "-"),
        )


def _status_check(
    report: Report,
    credential: Mapping[str, Any],
    issuer: Any,
    *,
    now: datetime.datetime,
    resolve: Callable[[str], dict[str, Any]],
    fetch: Callable[[str], bytes],
) -> None:
    entries = [
        e
        for e in _as_list(credential.get("credentialStatus", []))
        if isinstance(e, Mapping) and e.get("type") == "BitstringStatusListEntry"
    ]
    if not entries:
        report._add(
            "status",
            PASSED,
            gettext_noop("The issuer publishes no revocation for this credential."),
        )
        return
    found: list[Problem] = []
    for entry in entries:
        try:
            value = _status_entry(entry, issuer, now=now, resolve=resolve, fetch=fetch)
        except _Failed as error:
            found.extend(error.problems)
            continue
        except Exception as error:  # a status list view failing must be a problem, not a crash
            found.append(
                problem(
                    "STATUS_RETRIEVAL_ERROR",
                    gettext_noop("The status list could not be read: %(reason)s"),
                    reason=type(error).__name__,
                )
            )
            continue
        if value and entry.get("statusPurpose") == "revocation":
            found.append(
                problem(
                    "revoked",
                    gettext_noop(
                        "The issuer has revoked this credential (status list entry %(index)s)."
                    ),
                    index=entry.get("statusListIndex"),
                )
            )
        elif value and entry.get("statusPurpose") == "suspension":
            found.append(
                problem(
                    "suspended",
                    gettext_noop(
                        "The issuer has suspended this credential (status list entry %(index)s)."
                    ),
                    index=entry.get("statusListIndex"),
                )
            )
        elif entry.get("statusPurpose") == "message":
            found.extend(status_message_problems(entry, value))
    if found:
        report._add("status", FAILED, gettext_noop("The status check found problems."), found)
    else:
        report._add(
            "status",
            PASSED,
            gettext_noop("Neither revoked nor suspended (status lists checked: %(count)s)."),
            count=len(entries),
        )
