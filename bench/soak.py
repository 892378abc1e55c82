"""Soak: the model-based sync test's machinery run as a benchmark, N runs full of faults.

Run: .venv/bin/python bench/soak.py --runs 1000 [--steps 20] [--runs-per-server 25]
     [--minutes M]  (stops starting new servers after M minutes: a time-boxed soak)

Each run is one example of tests/e2e/sync_model.py's state machine (three phones signed in
afresh, the real server process, a TCP proxy), with random steps: entries, amendments,
conflicts and their resolution, non-authors' changes the server refuses; pushes and pulls cut
at random byte offsets; the server SIGKILLed during a big push and at random moments of an
ordinary sync; every push delivered twice (as a network that replays a request); a phone
restarted (store closed and unlocked again) between steps. After every step the model's
invariants hold; at the end of each run everyone syncs twice and must agree with the server.

Runs are counted rather than stopped at the first failure: for each run the script measures
what the server lost of what it acknowledged, what is stored twice (server or device), and
which devices disagree with the server at the end. A fresh server is started every
--runs-per-server runs, because the invariants read the server's whole history after every
step: a history grown over hundreds of runs would make each run slower than the last without
testing anything more. Prints name=value lines; the exit status is 1 if anything was lost,
duplicated or diverged, or a run failed.
"""

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import ClassVar

import httpx
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mobile_app.errors import ServerFault, ServerUnreachable  # noqa: E402
from mobile_app.store import DeviceStore  # noqa: E402
from shared.protocol import ItemStatus, PushResponse  # noqa: E402
from tests.e2e.conftest import PASSPHRASE  # noqa: E402
from tests.e2e.convergence import device_agrees  # noqa: E402
from tests.e2e.quick_server import QuickServerProcess  # noqa: E402
from tests.e2e.server_view import ServerView  # noqa: E402
from tests.e2e.sync_devices import transport  # noqa: E402
from tests.e2e.sync_model import NAMES, PHONES, SyncModel  # noqa: E402
from tests.e2e.tcp_proxy import TcpProxy  # noqa: E402

MAX_KILLS_PER_RUN = 3  # each restart of the server costs about a second


class SoakModel(SyncModel):
    """The test's state machine plus replayed pushes, phone restarts and more server kills."""

    # What every run measured, over the whole soak.
    measured: ClassVar["Counter[str]"]
    lost: ClassVar[set[str]]  # acknowledged version ids the server did not hold at a check
    failures: ClassVar[list[str]]

    @precondition(lambda self: bool(self._queued_devices()))
    @rule(pick=st.integers(0, 99))
    def push_delivered_twice(self, pick: int) -> None:
        """The device's next push reaches the server twice (a replayed request), then the
        device syncs: the second delivery and the device's own push store nothing again."""
        queued = self._queued_devices()
        device = queued[pick % len(queued)]
        phone = self.devices[device]
        body = self._push_body(phone, phone.outbox())
        headers = {"Authorization": f"Bearer {phone.token}", "Content-Type": "application/json"}
        with httpx.Client(base_url=self.server.url, transport=transport(), timeout=30) as http:
            sent = [http.post("/sync/push", content=body, headers=headers) for _ in range(2)]
        answers = [PushResponse.model_validate_json(r.raise_for_status().content) for r in sent]
        first = {r.version_id: r.status for r in answers[0].results}
        for result in answers[1].results:
            if first[result.version_id] != ItemStatus.REJECTED:
                assert result.status == ItemStatus.DUPLICATE, "a replayed push stored again"
        self.tally["pushes delivered twice"] += 1
        self.sync(device)

    @rule(device=NAMES)
    def restart_device(self, device: str) -> None:
        """The phone's app is closed and opened again: the store is unlocked from its file."""
        phone = self.devices[device]
        data_dir = Path(phone.store.db.conn.execute("PRAGMA database_list").fetchone()[2]).parent
        phone.close()
        phone.store = DeviceStore.unlock(data_dir, PASSPHRASE)
        self._heads = None
        self.tally["phones restarted"] += 1

    @precondition(lambda self: self.kills < MAX_KILLS_PER_RUN)
    @rule(device=NAMES, delay_ms=st.integers(0, 400))
    def kill_server_mid_sync(self, device: str, delay_ms: int) -> None:
        """SIGKILL the server at a random moment of an ordinary sync (push or pull), restart it
        on the same file and port; a later sync completes."""
        self.kills += 1
        victim = self.server.process
        assert victim is not None
        timer = threading.Timer(delay_ms / 1000, victim.kill)
        timer.start()
        with contextlib.suppress(ServerUnreachable, ServerFault):
            self.devices[device].sync_via(self.proxy.url)
        timer.join()
        self.server.restart_after_kill()
        self.tally["server killed at a random moment"] += 1
        self._settle(device)
        self.sync(device)

    def teardown(self) -> None:
        """Converge as the test does, but measure loss, copies and divergence either way."""
        error: BaseException | None = None
        try:
            self.everyone_syncs_twice_and_agrees()
        except BaseException as exc:  # measured below, then raised for hypothesis to report
            error = exc
        try:
            self._measure()
        finally:
            self.acknowledged_before.update(self.acknowledged)
            for phone in self.devices.values():
                phone.close()
        if error is not None:
            raise error

    def _measure(self) -> None:
        ids = [v.version_id for v in self.auditor.all_versions()]
        self.measured["runs"] += 1
        self.measured["acknowledged"] += len(self.acknowledged)
        self.lost.update(self.acknowledged - set(ids))
        # The server's history spans this server's runs: count each extra copy once.
        extra = len(ids) - len(set(ids))
        self.measured["duplicated"] += max(0, extra - self.measured["server copies seen"])
        self.measured["server copies seen"] = max(extra, self.measured["server copies seen"])
        for name, phone in self.devices.items():
            stored = phone.version_ids()
            self.measured["duplicated"] += len(stored) - len(set(stored))
            try:
                device_agrees(phone, self.views[phone.me.username])
            except AssertionError:
                self.measured["diverged"] += 1
                self.failures.append(f"{name} diverged in run {self.measured['runs']}")


def soak_settings(runs: int, steps: int) -> settings:
    """Random (not derandomised) walks, no shrinking: a failure is counted, not minimised."""
    return settings(
        max_examples=runs,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def soak_on_one_server(
    root: Path, runs: int, steps: int, measured: "Counter[str]", tally: "Counter[str]"
) -> tuple[list[str], set[str]]:
    """Run `runs` examples against one fresh server; return what failed and what was lost."""
    failures: list[str] = []
    lost: set[str] = set()
    server = QuickServerProcess(root / "server.db").start()
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(server.stop)
        proxy = TcpProxy(server.port).start()
        cleanup.callback(proxy.stop)
        auditor = cleanup.enter_context(ServerView.signed_in(server.url, "demo-sw", "auditor"))
        views = {
            user: cleanup.enter_context(ServerView.signed_in(server.url, user, f"{user}-view"))
            for _, user in PHONES
        }

        class Bound(SoakModel):
            pass

        Bound.root, Bound.tally, Bound.acknowledged_before = root, tally, set()
        Bound.server, Bound.proxy, Bound.auditor, Bound.views = server, proxy, auditor, views
        Bound.measured, Bound.failures, Bound.lost = measured, failures, lost
        measured["server copies seen"] = 0  # a fresh server: none yet
        done = measured["runs"]
        target = done + runs
        while measured["runs"] < target:
            before = measured["runs"]
            try:
                run_state_machine_as_test(
                    Bound, settings=soak_settings(target - measured["runs"], steps)
                )
            except Exception as exc:  # counted; the soak goes on with the runs left
                failures.append(f"run {measured['runs']}: {type(exc).__name__}: {exc}"[:400])
            if measured["runs"] == before:
                failures.append("a run did not finish: stopping this server's share")
                break
        # A last look at everything acknowledged on this server over all its runs.
        held = {v.version_id for v in auditor.all_versions()}
        lost.update(Bound.acknowledged_before - held)
    return failures, lost


def main() -> None:
    """Run the soak and print name=value lines."""
    # Stopped with SIGTERM, still stop the server and proxy it started (ExitStack cleanup).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("DOORSTEP_KEYSTORE", tempfile.mkdtemp(prefix="doorstep-soak-keys-"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs (state machine examples)")
    parser.add_argument("--steps", type=int, default=20, help="most steps per run")
    parser.add_argument("--runs-per-server", type=int, default=25, help="runs per fresh server")
    parser.add_argument(
        "--minutes", type=float, default=None, help="start no new server after this long"
    )
    args = parser.parse_args()
    measured, tally = Counter[str](), Counter[str]()
    failures: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="doorstep-soak-") as tmp:
        left, server_no = args.runs, 0
        while left > 0 and not (args.minutes and time.monotonic() - started > args.minutes * 60):
            share = min(left, args.runs_per_server)
            folder = Path(tmp) / f"server-{server_no}"
            folder.mkdir()
            failed, lost = soak_on_one_server(folder, share, args.steps, measured, tally)
            failures += failed
            measured["lost"] += len(lost)
            left, server_no = args.runs - measured["runs"], server_no + 1
            if failures and failures[-1].startswith("a run did not finish"):
                break
    seconds = time.monotonic() - started
    print(f"runs={measured['runs']}")
    print(f"steps={tally['steps checked']}")
    print(f"acknowledged={measured['acknowledged']}")
    print(f"lost={measured['lost']}")
    print(f"duplicated={measured['duplicated']}")
    print(f"diverged={measured['diverged']}")
    print(f"failed_runs={len(failures)}")
    print(f"servers={server_no}")
    print(f"seconds={seconds:.0f}")
    print(f"seconds_per_run={seconds / max(measured['runs'], 1):.2f}")
    for what, times in sorted(tally.items()):
        print(f"fault {what.replace(' ', '_')}={times}")
    for failure in failures[:20]:
        print(f"failure={failure}", file=sys.stderr)
    bad = measured["lost"] or measured["duplicated"] or measured["diverged"] or failures
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
