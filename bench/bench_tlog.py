"""One shot's proof out of a 10,000-entry log: its size, and how fast it verifies, against
verifying the whole hash chain (what a reader had to do before transparency-log proofs).

    python bench/bench_tlog.py [--entries 10000] [--repeats 20]

The log is built in memory through the real store (``LogStore.append`` and signed
checkpoints, one per 100 entries) from a realistic edit entry: a denoise with a model, a
rectangle region and its classification, as ``Project.add_edit`` writes it. Prints the proof's
size (whole ``.tlog-proof`` file, and without the entry's own bytes), the best-of-N time to
verify it (note signature, canonical entry, inclusion) and to verify the whole chain
(``verify_rows``), side by side, with their ratio and the targets (< 2 KB, < 50 ms).
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from workbench.disclosure import records
from workbench.disclosure.export import LogData, log_data_from_store
from workbench.disclosure.keys import SigningKey
from workbench.disclosure.store import LogStore
from workbench.disclosure.tlog.proof import verify_proofs
from workbench.disclosure.tlog.shots import prove
from workbench.disclosure.verify import verify_rows

PROJECT_ID = "6f1c2a9e-3b7d-4c55-9e21-0d4b8a7f3c10"
KEY = SigningKey.from_seed(b"bench_tlog")


def edit_fields(n: int) -> dict[str, Any]:
    """An edit entry's body as the project writes one (a denoise with a model, in a rectangle)."""
    return {
        "action": "add",
        "classification": {
            "c2pa_action": "c2pa.enhanced",
            "digital_source_type": "algorithmicallyEnhanced",
            "nature": "assistive",
        },
        "consent_ref": None,
        "edit": {
            "clip": {"fingerprint": "ab" * 32, "id": 1 + n % 40, "path": "/footage/A001_C002.mov"},
            "frames": [n % 500, n % 500 + 47],
            "id": n + 1,
            "parameters": {"strength": 0.5},
            "region": {"h": 540, "kind": "rect", "w": 960, "x": 0, "y": 0},
            "tool": {"id": "denoise", "version": "1.0"},
        },
        "model": {
            "card_sha256": "5c" * 32,
            "consent": "consented",
            "id": "workbench-denoise-s",
            "licence": "Apache-2.0",
            "sha256": "f0" * 32,
            "training_data": ["cc0"],
            "version": "1.0.0",
        },
        "runtime": {"onnxruntime": "1.20.0", "provider": "CUDAExecutionProvider"},
        "signoff": "not-required",
    }


def build_log(entries: int) -> LogData:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    LogStore.create_tables(conn)
    store = LogStore(conn, project_id=PROJECT_ID)
    for start in range(0, entries, 100):
        conn.execute("BEGIN IMMEDIATE")
        for n in range(start, min(start + 100, entries)):
            store.append(records.EDIT, edit_fields(n), operator="Bench Operator")
        store.checkpoint(KEY, "Bench Operator")
        conn.execute("COMMIT")
    return log_data_from_store(store, {"id": PROJECT_ID, "name": "bench", "created": "now"})


def best_of(repeats: int, fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = build_log(args.entries)
    print(
        f"log: {len(data.rows)} entries, {len(data.checkpoints)} checkpoints "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )
    middle = str(data.rows[len(data.rows) // 2].id)
    shot = prove(data, [middle], KEY)
    keys = [shot.verifier]
    report = verify_proofs(shot.text, keys)
    assert report.entries[0].seq == len(data.rows) // 2 + 1

    whole = len(shot.text.encode("utf-8"))
    extra = next(line for line in shot.text.split("\n") if line.startswith("extra "))
    without_entry = whole - len(extra) - 1
    proof_time = best_of(args.repeats, lambda: verify_proofs(shot.text, keys))
    chain_time = best_of(
        max(1, args.repeats // 10),
        lambda: verify_rows(data.rows, data.checkpoints, data.keys, project_id=PROJECT_ID),
    )
    hashes = len(shot.text.split("\n\n")[0].splitlines()) - 3
    entry_json = len(data.rows[report.entries[0].index].body)
    print(
        f"proof of entry {report.entries[0].seq}: {without_entry} bytes (index, {hashes} "
        f"hashes, signed note)  target < 2048: {'yes' if without_entry < 2048 else 'NO'}"
    )
    print(
        f"  the .tlog-proof file with the entry itself: {whole} bytes (the entry's JSON is "
        f"{entry_json} bytes, {len(extra) - 6} in base64)"
    )
    print(
        f"verify the proof:       {proof_time * 1e3:8.3f} ms  "
        f"target < 50 ms: {'yes' if proof_time < 0.050 else 'NO'}"
    )
    print(f"verify the whole chain: {chain_time * 1e3:8.3f} ms  ({len(data.rows)} entries)")
    print(f"ratio chain / proof:    {chain_time / proof_time:8.1f}x")


if __name__ == "__main__":
    main()
