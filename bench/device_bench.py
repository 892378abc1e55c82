"""Device store benchmark: saving records encrypted vs with encryption switched off, same run.

Usage: .venv/bin/python bench/device_bench.py [--single 500] [--bulk 5000] [--rounds 3]

Prints name=value lines:
  encrypted_save_per_s / plain_save_per_s   single saves, one transaction each (as the app does)
  encryption_overhead                       encrypted time per single save / plain time - 1
  bulk_encryption_overhead                  the same for one transaction of --bulk records
  unlock_ms                                 Argon2id unwrap of the data key at the app's cost
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mobile_app.crypto import AeadCipher, new_data_key
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.store import DeviceStore
from mobile_app.store.database import open_database
from shared.ids import new_id
from shared.models import ChronologyEntry
from shared.vocabulary import Agency, EventType, InformationSource, Role, Significance

PASSPHRASE = "benchmark passphrase, synthetic only"


class PassthroughCipher:
    """Encryption switched off: the baseline, used only here."""

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """Return the plaintext unchanged."""
        return plaintext

    def decrypt(self, sealed: bytes, aad: bytes) -> bytes:
        """Return the bytes unchanged."""
        return sealed


def entry() -> NewRecord:
    """A realistic ~600-byte synthetic chronology entry."""
    payload = ChronologyEntry(
        child_ids=(new_id(),),
        event_datetime=datetime.now(UTC),
        source_agency=Agency.HEALTH_VISITING,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=new_id(),
        author_role=Role.HEALTH_VISITOR,
        event_type=EventType.HOME_VISIT,
        summary="Home visit. Kitchen had little food; baby in a clean nappy, settled, "
        "reaching for mother. Father present and engaged with the plan for the week.",
        significance=Significance.CONTEXTUAL,
        action_taken="Food bank referral; review Friday.",
    )
    return NewRecord(case_id=new_id(), payload=payload)


def timed_saves(store: DeviceStore, single: int, bulk: int) -> tuple[float, float]:
    """Seconds for `single` one-record transactions, and for one `bulk`-record transaction."""
    service = RecordService(store)
    singles = [entry() for _ in range(single)]
    many = [entry() for _ in range(bulk)]
    start = time.perf_counter()
    for record in singles:
        service.record([record])
    single_s = time.perf_counter() - start
    start = time.perf_counter()
    service.record(many)
    return single_s, time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print name=value lines."""
    # Benchmark stores are throwaway: their device secrets go to a throwaway keystore too.
    os.environ.setdefault("DOORSTEP_KEYSTORE", tempfile.mkdtemp(prefix="doorstep-bench-keys-"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=500)
    parser.add_argument("--bulk", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[float]] = {
        "enc_single": [],
        "plain_single": [],
        "enc_bulk": [],
        "plain_bulk": [],
        "unlock": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            # alternate order each round so neither side always runs on a warmer machine
            for kind in ("enc", "plain") if n % 2 == 0 else ("plain", "enc"):
                folder = Path(tmp) / f"{kind}-{n}"
                cipher = AeadCipher(new_data_key()) if kind == "enc" else PassthroughCipher()
                store = DeviceStore(open_database(folder), cipher)
                single_s, bulk_s = timed_saves(store, args.single, args.bulk)
                store.close()
                results[f"{kind}_single"].append(single_s)
                results[f"{kind}_bulk"].append(bulk_s)
            folder = Path(tmp) / f"unlock-{n}"
            DeviceStore.create(folder, PASSPHRASE).close()
            start = time.perf_counter()
            DeviceStore.unlock(folder, PASSPHRASE).close()
            results["unlock"].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(
        f"rounds={args.rounds} single_saves={args.single} bulk_records={args.bulk} "
        "baseline=the same store and rows with encryption switched off"
    )
    print(f"encrypted_save_per_s={args.single / med['enc_single']:.0f}")
    print(f"plain_save_per_s={args.single / med['plain_single']:.0f}")
    print(f"encryption_overhead={med['enc_single'] / med['plain_single'] - 1:.3f}")
    print(f"bulk_encrypted_per_s={args.bulk / med['enc_bulk']:.0f}")
    print(f"bulk_plain_per_s={args.bulk / med['plain_bulk']:.0f}")
    print(f"bulk_encryption_overhead={med['enc_bulk'] / med['plain_bulk'] - 1:.3f}")
    print(f"unlock_ms={med['unlock'] * 1000:.0f}")


if __name__ == "__main__":
    main()
