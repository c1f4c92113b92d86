"""Resolving a did:webvh log of 100 versions, as a verifier resolves a cooperative's DID.

Pure (no Django, no database): a log is built as Minga builds a cooperative's, one key
rotation per version (`minga.identity.webvh`: each entry reveals the key the previous one
committed to and lists every key the cooperative ever had, so the last document holds 100),
and resolved in memory, every entry checked: hash chain, SCID, version times, pre-rotation,
the eddsa-jcs-2022 proof by an authorised update key.

- `didwebvh-resolve-100-versions`: the median of 15 resolutions through Minga's path (the
  did-webvh package's resolver with `webvh.FastVerifier`), in CPU milliseconds. Budget
  < 100 ms (issue 15).
- For comparison in the same run: the package's resolver with its own verifier (Askar keys,
  a thread-pool task per entry), printed with the ratio.

Exits 1 when the budget fails.
"""

from __future__ import annotations

import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_pages import budget_line  # noqa: E402

VERSIONS = 100
ROUNDS = 15
BUDGET_MS = 100


def build_log() -> tuple[str, list[str]]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from minga.identity import didkey, webvh

    keys = [Ed25519PrivateKey.generate() for _ in range(VERSIONS + 1)]

    def multikey(key: Ed25519PrivateKey) -> str:
        return didkey.encode_multikey(key.public_key().public_bytes_raw())

    def published(upto: int) -> list:
        return [webvh.PublishedKey(keys[upto].public_key().public_bytes_raw(), True)]

    web = "did:web:bench.example:coops:coffee"
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    first = webvh.genesis(
        web_did=web, keys=published(0), signer=keys[0], next_key=multikey(keys[1]), at=start
    )
    lines = [first.line]
    state = webvh.load_state(lines)
    for number in range(1, VERSIONS):
        made = webvh.next_entry(
            state,
            web_did=web,
            keys=published(number),
            signer=keys[number],
            next_key=multikey(keys[number + 1]),
            at=start + datetime.timedelta(days=number),
        )
        lines.append(made.line)
        state = webvh.DocumentState.load_history_json(made.line, state)
    return webvh.web_to_webvh(web, first.scid), lines


def _median_ms(resolve, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        resolve()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    from minga.identity import webvh

    did, lines = build_log()
    document, metadata = webvh.resolve_log(did, lines)
    if metadata["versionNumber"] != VERSIONS or len(document["verificationMethod"]) != 1:
        print("the bench log does not resolve to its last version", file=sys.stderr)
        return 2
    ours = _median_ms(lambda: webvh.resolve_log(did, lines), ROUNDS)
    stock = _median_ms(lambda: webvh.resolve_log(did, lines, stock=True), 5)
    size = sum(len(line) + 1 for line in lines)
    print(
        f"did.jsonl of {VERSIONS} versions ({size / 1024:.0f} KB, one key rotation each): "
        f"median of {ROUNDS} resolutions {ours:.1f} ms CPU; the package's own "
        f"verifier in the same run {stock:.1f} ms CPU (ratio {ours / stock:.2f})."
    )
    print(
        budget_line(
            "didwebvh-resolve-100-versions",
            f"{ours:.1f}",
            "ms",
            "<",
            str(BUDGET_MS),
            ours < BUDGET_MS,
        )
    )
    return 0 if ours < BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
