"""Transfer between authorities: export, then import, a case with a long history.

Run: .venv/bin/python bench/transfer_bench.py [--n 5000]

Builds two in-process servers on fresh SQLite files (demo data), pushes N synthetic
chronology entries into demo family 1 on the sender through the real SyncService, in
batches of 500, then times `AuthorityExport.export` (pack, every version, Ed25519 signature,
file written and fsynced, case closed) and `AuthorityImport.import_bundle` (verify, check
every version's hash and lineage, store, allocate) and a repeated import (stores nothing).
Prints the bundle's size and the three times.
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.ids import new_id  # noqa: E402
from sync_server.services.handover.authority_export import AuthorityExport, ExportRequest  # noqa: E402
from sync_server.services.handover.authority_import import AuthorityImport  # noqa: E402
from sync_server.services.handover.authority_keys import TrustList, public_key_line  # noqa: E402
from sync_server.services.sync.bodies import RECORD_VERSION  # noqa: E402
from tests.sync_server.test_authority_transfer import Side  # noqa: E402

BATCH = 500


def _seed(side: Side, n: int) -> None:
    case = side.demo.cases[0]
    sw = side.demo.practitioners["demo-sw"]
    start = datetime.now(UTC) - timedelta(days=400)
    for first in range(0, n, BATCH):
        items = []
        for i in range(first, min(n, first + BATCH)):
            when = start + timedelta(hours=i)
            items.append(RECORD_VERSION.validate_python({
                "version_id": new_id(), "record_id": new_id(), "case_id": case.family_id,
                "device_time": when.isoformat(), "lifecycle": "current",
                "payload": {
                    "record_type": "chronology_entry", "child_ids": [case.child_ids[0]],
                    "event_datetime": when.isoformat(), "source_agency": "CSC",
                    "information_source": "direct_observation", "author_id": sw.id,
                    "author_role": "social_worker", "event_type": "home_visit",
                    "summary": f"Visit {i}: children seen, home conditions noted.",
                    "action_taken": "Plan reviewed with mother.", "significance": "contextual",
                },
            }))  # fmt: skip
        side.services.sync.push(sw, None, items)


def main() -> None:
    """Run once and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        a, b = Side(root / "a"), Side(root / "b")
        _seed(a, n)
        out = root / "bundle"
        export = AuthorityExport(a.repository, a.services.exports, a.services.allocations,
                                 a.key, "Oxfordshire")  # fmt: skip
        began = time.perf_counter()
        sent = export.export(ExportRequest(a.demo.cases[0].family_id, "Bucks", "demo-sw", out))
        exported = time.perf_counter() - began
        raw = out.read_bytes()
        trusted = TrustList({"Oxfordshire": public_key_line(a.key.public_key())})
        importer = AuthorityImport(b.repository, b.services.allocations, trusted, "Bucks")
        began = time.perf_counter()
        importer.import_bundle(raw, "demo-sw")
        imported = time.perf_counter() - began
        began = time.perf_counter()
        importer.import_bundle(raw, "demo-sw")
        repeated = time.perf_counter() - began
    print(f"versions={sent.version_count} bundle_bytes={len(raw)} export_s={exported:.2f} "
          f"import_s={imported:.2f} repeat_import_s={repeated:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
