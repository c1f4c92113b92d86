"""Check 5, status: every Bitstring Status List entry, read from a status list credential
whose own proof, issuer and dates are verified too (this instance's lists are read without
HTTP)."""

from __future__ import annotations

import datetime
import hashlib
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from minga.core.tls import client_context
from minga.identity import didweb
from minga.identity.didcore import DidError

from .. import dataintegrity, jsonld, statuslist
from ..problems import Problem, gettext_noop, problem
from .issuer import issuer_key
from .report import FAILED, PASSED, Failed, Report
from .structure import as_list, is_url, issuer_id

STATUS_LIST_MAX_BYTES = 256 * 1024


class _StatusListCache:
    """Decoded bitstrings of status list credentials already verified (the 64 used last).

    Keyed by the list's URL, the SHA-256 of its bytes and the public key its proof was
    checked against: the same bytes under the same key verify the same way, so a list
    fetched again unchanged costs no second canonicalisation and signature check. The
    key is looked up afresh in the issuer's DID document on every run, so a key removed
    from it stops a cached list from verifying at once; a list whose bytes changed (a bit
    set, or a forgery) is a new entry, checked in full. The lock: cachetools' caches are not
    safe across threads.
    """

    def __init__(self, size: int = 64) -> None:
        self._items: LRUCache[tuple[str, str, bytes], tuple[dict[str, Any], bytes]] = LRUCache(
            maxsize=size
        )
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, bytes]) -> tuple[dict[str, Any], bytes] | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: tuple[str, str, bytes], value: tuple[dict[str, Any], bytes]) -> None:
        with self._lock:
            self._items[key] = value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


STATUS_LIST_CACHE = _StatusListCache()


def _status_retrieval(template: str, **params: Any) -> Failed:
    return Failed(problem("STATUS_RETRIEVAL_ERROR", template, **params))


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


_ROUTES: LRUCache[str, tuple[object, Any]] = LRUCache(maxsize=256)
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
    if issuer_id(document) != issuer:
        raise Failed(
            problem(
                "STATUS_VERIFICATION_ERROR",
                gettext_noop(
                    "The status list %(url)s was issued by %(list_issuer)s, not by %(issuer)s."
                ),
                url=url[:200],
                list_issuer=str(issuer_id(document))[:200],
                issuer=str(issuer)[:200],
            )
        )
    until = dataintegrity.parse_datetime(document.get("validUntil"))
    if until is not None and until <= now:
        raise Failed(
            problem(
                "STATUS_VERIFICATION_ERROR",
                gettext_noop("The status list %(url)s expired on %(until)s."),
                url=url[:200],
                until=document["validUntil"],
            )
        )
    return document, bits


def _status_list_failure(url: str, template: str, **params: Any) -> Failed:
    return Failed(problem("STATUS_VERIFICATION_ERROR", template, url=url[:200], **params))


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
    if not isinstance(document, dict) or "BitstringStatusListCredential" not in as_list(
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
        return issuer_key(issuer_id(document), method, resolve=resolve)
    except Failed as error:
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
        raise Failed(error.problem) from None
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
        raise Failed(error.problem) from None
    purpose = entry.get("statusPurpose")
    url = entry.get("statusListCredential")
    if purpose not in ("revocation", "suspension", "message") or not is_url(url):
        raise Failed(
            problem(
                "MALFORMED_STATUS_ERROR",
                gettext_noop(
                    "A status entry needs a statusPurpose (revocation, suspension or message) "
                    "and a statusListCredential URL."
                ),
            )
        )
    document, bits = _verified_status_list(str(url), issuer, now=now, resolve=resolve, fetch=fetch)
    listed = as_list(document["credentialSubject"].get("statusPurpose"))
    if purpose not in listed:
        raise Failed(
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
        raise Failed(error.problem) from None


# Status messages (``statusPurpose: "message"``) that mean the credential is in force, and
# those that mean what the revocation and suspension purposes mean. Minga issues one entry of
# two bits: 0x0 "active", 0x1 "suspended", 0x2 "revoked", 0x3 "undefined" (see `credential`).
IN_FORCE_MESSAGES = {"active", "valid", "unset"}
REVOKED_MESSAGES = {"revoked", "revocation"}
SUSPENDED_MESSAGES = {"suspended", "suspension"}


def _check_entries(bits: bytes, size: int, url: str) -> None:
    """A list of entries wider than one bit still holds the minimum number of entries."""
    if size > 1 and len(bits) * 8 // size < statuslist.MIN_ENTRIES:
        raise Failed(
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
    for item in as_list(entry.get("statusMessage", [])):
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


def status_check(
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
        for e in as_list(credential.get("credentialStatus", []))
        if isinstance(e, Mapping) and e.get("type") == "BitstringStatusListEntry"
    ]
    if not entries:
        report.add(
            "status",
            PASSED,
            gettext_noop("The issuer publishes no revocation for this credential."),
        )
        return
    found: list[Problem] = []
    for entry in entries:
        try:
            value = _status_entry(entry, issuer, now=now, resolve=resolve, fetch=fetch)
        except Failed as error:
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
        report.add("status", FAILED, gettext_noop("The status check found problems."), found)
    else:
        report.add(
            "status",
            PASSED,
            gettext_noop("Neither revoked nor suspended (status lists checked: %(count)s)."),
            count=len(entries),
        )
