"""The state machine behind test_model_based_sync: three phones, one server, one proxy.

Rules drive in-process devices (demo-hv on two phones, demo-sw on one; both hold families 1
and 2) against the real server process: entries made offline, amended by their author, amended
twice from the same head on the author's two phones (a conflict), resolved, withdrawn or marked
entered in error; another practitioner's attempt to change an entry, which the server refuses
(issue 6); syncs that succeed, syncs cut mid-push or mid-pull by a TCP proxy, and a server
killed with SIGKILL during a big push, then restarted on the same file and port.

The model is the set of versions each device made, the subset the server acknowledged and the
ones it refused. After every step: the server still holds every acknowledged version,
unchanged, once, and nothing refused; each device still holds everything it made, and its
outbox holds exactly its unacknowledged ones.
At the end everyone syncs twice, and every device's heads and conflicts equal the server's
history and chronology, and the heads the model predicts.
"""

import contextlib
import itertools
import math
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import ClassVar, Protocol

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from mobile_app.errors import ServerFault, ServerUnreachable
from mobile_app.services.sync.issues import sync_issues
from mobile_app.services.sync.sync import PUSH_BATCH
from mobile_app.store import SyncState
from shared.protocol import PushRequest, RecordVersion
from shared.vocabulary import Lifecycle
from tests.e2e.convergence import device_agrees, history_agrees, predicted_heads
from tests.e2e.server_view import ServerView, as_made, heads_by_record
from tests.e2e.sync_devices import SyncDevice
from tests.e2e.tcp_proxy import Direction, Fault, TcpProxy

PHONES = (("hv-phone-1", "demo-hv"), ("hv-phone-2", "demo-hv"), ("sw-phone", "demo-sw"))
NAMES = st.sampled_from([name for name, _ in PHONES])
USER_OF = dict(PHONES)
BIG_BATCH = 150
# Below the smallest request (headers alone) and the smallest answer the server sends, so a
# planned cut always lands inside the stream it targets.
MAX_REQUEST_CUT = 200
MAX_ANSWER_CUT = 250
CUT_PHASES = ("push request", "push answer", "pull request", "pull answer")


class Served(Protocol):
    """The server as the model sees it: one process (QuickServerProcess) or several behind
    one address (tests/e2e/server_pair.py)."""

    @property
    def url(self) -> str:
        """Where devices sign in and sync."""
        ...

    @property
    def process(self) -> "subprocess.Popen[bytes] | None":
        """The process the fault proxy's next connection reaches: the one a kill hits."""
        ...

    def restart_after_kill(self) -> None:
        """Start again whatever was killed, on the same database and port."""
        ...


class SyncModel(RuleBasedStateMachine):
    """Three devices, one server, a proxy; the model of what was made and acknowledged."""

    # One server, proxy and auditor for every example: each example brings fresh devices.
    root: ClassVar[Path]
    server: ClassVar[Served]
    proxy: ClassVar[TcpProxy]
    auditor: ClassVar[ServerView]  # demo-sw: every case
    views: ClassVar[dict[str, ServerView]]  # by username: what that practitioner may see
    examples: ClassVar["itertools.count[int]"] = itertools.count()
    # What the run exercised, over all examples: the test fails if a fault never happened.
    tally: ClassVar["Counter[str]"]
    # Acknowledged in earlier examples: still checked, since later kills must not lose them.
    acknowledged_before: ClassVar[set[str]]

    def __init__(self) -> None:
        super().__init__()
        folder = self.root / f"example-{next(self.examples)}"
        self.devices: dict[str, SyncDevice] = {}
        for name, username in PHONES:
            self.devices[name] = SyncDevice.sign_in(name, folder / name, self.server.url, username)
        self.made: dict[str, RecordVersion] = {}  # every version made in this example
        self.made_by: dict[str, list[str]] = {name: [] for name, _ in PHONES}
        self.acknowledged: set[str] = set()
        self.author_of: dict[str, str] = {}  # record id -> username of its first version's maker
        self.refused: dict[str, RecordVersion] = {}  # by version id: kept on the device only
        self.kills = 0
        self.numbers = itertools.count(1)
        self._heads: dict[str, dict[str, list[str]]] | None = None
        self.tally["examples"] += 1

    # --- model bookkeeping ---------------------------------------------------------------

    def _made(self, device: str, versions: list[RecordVersion]) -> None:
        self._heads = None
        for version in versions:
            self.made[version.version_id] = version
            self.made_by[device].append(version.version_id)
            if version.replaces_version_id is None:
                self.author_of[version.record_id] = USER_OF[device]

    def _settle(self, device: str) -> None:
        """After a sync attempt: what the device no longer holds as pending was acknowledged."""
        self._heads = None
        pending = self.devices[device].pending()
        self.acknowledged.update(
            v for v in self.made_by[device] if v not in pending and v not in self.refused
        )

    def _summary(self, device: str, what: str) -> str:
        return f"{what} {next(self.numbers)} on {device}: home visit, child seen and settled."

    def _records(self) -> list[str]:
        """The records made in this example, in the order they were made.

        Never sorted by id: ids are random, and choices must not depend on them, or the same
        steps would pick different records from run to run.
        """
        return list(dict.fromkeys(v.record_id for v in self.made.values()))

    def _device_heads(self) -> dict[str, dict[str, list[str]]]:
        """Each device's heads of the records made in this example (cached until a change)."""
        if self._heads is None:
            self._heads = {}
            for name, device in self.devices.items():
                held = device.all_heads("chronology_entry")
                self._heads[name] = {r: held[r] for r in self._records() if r in held}
        return self._heads

    def _with_heads(self, wanted: range, *, authors: bool = True) -> list[tuple[str, str]]:
        """(device, record) pairs with this many heads there, on the devices of the record's
        author (or, with authors=False, of anyone else), leaving out records the device holds
        a refused version of."""
        return [
            (name, record_id)
            for name, records in self._device_heads().items()
            for record_id, heads in records.items()
            if len(heads) in wanted
            and (USER_OF[name] == self.author_of[record_id]) == authors
            and record_id not in self._refused_records(name)
        ]

    def _refused_records(self, device: str) -> set[str]:
        return {v.record_id for v in self.refused.values() if v.version_id in self.made_by[device]}

    def _shared_heads(self) -> list[tuple[str, str, str]]:
        """(device, device, record): the author's two phones holding the same single head."""
        held = self._device_heads()
        pairs = []
        for first, second in itertools.combinations(self.devices, 2):
            if USER_OF[first] != USER_OF[second]:
                continue
            for record_id, heads in held[first].items():
                mine = USER_OF[first] == self.author_of[record_id]
                if mine and len(heads) == 1 and heads == held[second].get(record_id):
                    pairs.append((first, second, record_id))
        return pairs

    def _server_ids(self) -> set[str]:
        return {v.version_id for v in self.auditor.all_versions()}

    @staticmethod
    def _push_body(phone: SyncDevice, queued: list[str]) -> str:
        """The body of the first push a sync of this outbox sends."""
        batch = [phone.store.records.get(v).version for v in queued[:PUSH_BATCH]]
        return PushRequest(items=batch).model_dump_json()

    # --- rules -----------------------------------------------------------------------------

    @initialize()
    def start_with_a_conflict(self) -> None:
        """Each example starts with an entry its author's two phones amended from the same
        head, synced.

        So every run has a conflict to resolve early, whatever the random steps are.
        """
        first, second = "hv-phone-1", "hv-phone-2"
        hv = self.devices[second]
        case_id = next(iter(hv.children))
        summary = self._summary(first, "Entry")
        entry = self.devices[first].record_entries(case_id, hv.children[case_id][0], [summary])
        self._made(first, entry)
        self.sync(first)
        self.sync(second)
        for device in (first, second):
            summary = self._summary(device, "Concurrent amendment")
            self._made(device, [self.devices[device].amend(entry[0].record_id, summary)])
        self.sync(first)
        self.sync(second)
        assert len(hv.heads(entry[0].record_id)) == 2

    @rule(device=NAMES, pick=st.integers(0, 99))
    def record_offline(self, device: str, pick: int) -> None:
        """A new chronology entry, made offline."""
        phone = self.devices[device]
        case_id = list(phone.children)[pick % len(phone.children)]
        children = phone.children[case_id]
        child_id = children[pick % len(children)]
        summary = self._summary(device, "Entry")
        self._made(device, phone.record_entries(case_id, child_id, [summary]))

    @precondition(lambda self: bool(self._with_heads(range(1, 2))))
    @rule(pick=st.integers(0, 999), lifecycle=st.sampled_from(list(Lifecycle)))
    def amend_offline(self, pick: int, lifecycle: Lifecycle) -> None:
        """The author amends a current head with a reason; or withdraws it, or marks it
        entered in error."""
        candidates = self._with_heads(range(1, 2))
        device, record_id = candidates[pick % len(candidates)]
        summary = self._summary(device, "Amended")
        self._made(device, [self.devices[device].amend(record_id, summary, lifecycle)])
        self.tally[f"amended ({lifecycle.value})"] += 1

    @precondition(lambda self: bool(self._shared_heads()))
    @rule(pick=st.integers(0, 999))
    def amend_same_head_on_two_devices(self, pick: int) -> None:
        """The author's two phones amend the same head before either syncs: a conflict."""
        first, second, record_id = self._shared_heads()[pick % len(self._shared_heads())]
        for device in (first, second):
            summary = self._summary(device, "Concurrent amendment")
            self._made(device, [self.devices[device].amend(record_id, summary)])
        self.tally["same head amended on two devices"] += 1

    @precondition(lambda self: bool(self._with_heads(range(2, 99))))
    @rule(pick=st.integers(0, 999))
    def resolve_conflict(self, pick: int) -> None:
        """The author resolves: one version naming every head this device sees."""
        candidates = self._with_heads(range(2, 99))
        device, record_id = candidates[pick % len(candidates)]
        summary = self._summary(device, "Resolved")
        self._made(device, [self.devices[device].resolve(record_id, summary)])
        self.tally["conflicts resolved"] += 1

    @precondition(lambda self: bool(self._with_heads(range(1, 99), authors=False)))
    @rule(pick=st.integers(0, 999), lifecycle=st.sampled_from(list(Lifecycle)))
    def change_by_non_author_is_refused(self, pick: int, lifecycle: Lifecycle) -> None:
        """Someone else amends, takes back or resolves an entry (as an app that skips its own
        check would): the server refuses it and stores nothing; the device keeps it, refused,
        with a sync issue naming the field, out of its outbox (issue 6)."""
        candidates = self._with_heads(range(1, 99), authors=False)
        device, record_id = candidates[pick % len(candidates)]
        phone = self.devices[device]
        summary = self._summary(device, "Not mine to change")
        if len(phone.heads(record_id)) > 1:
            attempt, what = phone.resolve(record_id, summary), "resolution"
        else:
            attempt, what = phone.amend(record_id, summary, lifecycle), lifecycle.value
        self._heads = None
        self.refused[attempt.version_id] = attempt
        self.made_by[device].append(attempt.version_id)
        report = phone.sync()
        assert report.rejected == [attempt.version_id]
        self.tally["conflicts reported by the server"] += len(report.conflicts)
        self._settle(device)
        assert attempt.version_id not in self._server_ids(), "a refused version was stored"
        assert phone.store.records.get(attempt.version_id).state == SyncState.REJECTED
        assert attempt.version_id not in phone.outbox()
        issue = {i.version_id: i for i in sync_issues(phone.store)}[attempt.version_id]
        assert issue.detail.startswith("Who wrote it: ")  # in words, never the field path
        self.tally["non-author changes refused"] += 1
        self.tally[f"non-author change refused ({what})"] += 1

    @rule(device=NAMES)
    def sync(self, device: str) -> None:
        """A normal sync pushes everything this device made and is acknowledged for all."""
        report = self.devices[device].sync()
        assert report.rejected == []
        self.tally["conflicts reported by the server"] += len(report.conflicts)
        self.tally["duplicates answered on retry"] += report.duplicates
        self._settle(device)
        assert set(self.made_by[device]) - set(self.refused) <= self.acknowledged

    @rule()
    def everyone_comes_online(self) -> None:
        """Every device syncs in turn, as when the team is back in the office."""
        for device in self.devices:
            self.sync(device)

    @precondition(lambda self: bool(self._queued_devices()))
    @rule(
        pick=st.integers(0, 99),
        phase=st.sampled_from(CUT_PHASES[:2]),
        size=st.integers(0, 100_000),
        retry_now=st.booleans(),
    )
    def sync_cut_mid_push(self, pick: int, phase: str, size: int, retry_now: bool) -> None:
        """A push whose connection breaks part-way fails cleanly; a later sync completes."""
        queued = self._queued_devices()
        self._sync_cut(queued[pick % len(queued)], phase, size, retry_now)

    @rule(
        device=NAMES,
        phase=st.sampled_from(CUT_PHASES[2:]),
        size=st.integers(0, 100_000),
        retry_now=st.booleans(),
    )
    def sync_cut_mid_pull(self, device: str, phase: str, size: int, retry_now: bool) -> None:
        """A pull whose connection breaks part-way fails cleanly; a later sync completes."""
        self._sync_cut(device, phase, size, retry_now)

    def _queued_devices(self) -> list[str]:
        return [name for name, phone in self.devices.items() if phone.store.outbox.count()]

    def _sync_cut(self, device: str, phase: str, size: int, retry_now: bool) -> None:
        """Sync through the proxy with one request or answer cut after `size` bytes."""
        phone = self.devices[device]
        queued = phone.outbox()
        pushes = math.ceil(len(queued) / PUSH_BATCH)
        upstream = phase.endswith("request")
        if phase == "push request":  # anywhere in the headers or the body of the first push
            size = 1 + size % len(self._push_body(phone, queued))
        else:
            size = 1 + size % (MAX_REQUEST_CUT if upstream else MAX_ANSWER_CUT)
        direction = Direction.UPSTREAM if upstream else Direction.DOWNSTREAM
        connection = 0 if phase.startswith("push") else pushes
        before, held_before = self.proxy.cuts_made, self._server_ids()
        self.proxy.plan(Fault(direction, size), connection)
        with pytest.raises(ServerUnreachable):
            phone.sync_via(self.proxy.url)
        self.proxy.clear()
        assert self.proxy.cuts_made == before + 1
        self.tally[f"sync cut: {phase}"] += 1
        self._settle(device)
        first_batch = set(queued[:PUSH_BATCH])
        on_server = self._server_ids()
        if phase == "push request":
            # (Part of the batch may be there already: pushed before, with the answer lost.)
            assert first_batch & on_server == first_batch & held_before, (
                "a push cut mid-request stores nothing"
            )
            assert phone.outbox() == queued
        elif phase == "push answer":
            assert first_batch <= on_server, "the server committed before it answered"
            assert phone.outbox() == queued, "nothing leaves the outbox without an answer"
        if retry_now:
            self.sync(device)

    @precondition(lambda self: self.kills == 0)
    @rule(
        device=NAMES,
        moment=st.sampled_from(["while receiving", "while working", "after committing"]),
        fraction=st.sampled_from([0.1, 0.5, 0.9]),
        pause=st.sampled_from([0.0, 0.02, 0.1]),
    )
    def kill_server_during_big_push(
        self, device: str, moment: str, fraction: float, pause: float
    ) -> None:
        """SIGKILL the server while a big batch is pushed; restart it on the same file and port."""
        self.kills += 1
        phone = self.devices[device]
        case_id = next(iter(phone.children))
        summaries = [self._summary(device, "Batch entry") for _ in range(BIG_BATCH)]
        self._made(device, phone.record_entries(case_id, phone.children[case_id][0], summaries))
        batch = phone.outbox()[:PUSH_BATCH]
        size = len(self._push_body(phone, batch))
        victim = self.server.process
        assert victim is not None
        kill = victim.kill  # SIGKILL: no shutdown, no flush, as when the power goes
        held_before = self._server_ids()
        if moment == "while receiving":
            fault = Fault(Direction.UPSTREAM, int(size * fraction), kill)
        elif moment == "while working":  # the request is (nearly) all sent: kill after a pause
            fault = Fault(Direction.UPSTREAM, size, threading.Timer(pause, kill).start, cut=False)
        else:  # the server answered, so it committed: it dies before the answer gets out
            fault = Fault(Direction.DOWNSTREAM, 0, kill)
        self.proxy.plan(fault)
        # The server dies under the push, or under the pull after it.
        with contextlib.suppress(ServerUnreachable, ServerFault):
            phone.sync_via(self.proxy.url)
        self.after_kill()
        self.proxy.clear()
        self.tally[f"server killed {moment}"] += 1
        self._settle(device)
        on_server = self._server_ids()
        if moment == "while receiving":
            assert set(batch) & on_server == set(batch) & held_before, (
                "a half-received push stores nothing"
            )
        elif moment == "after committing":
            assert set(batch) <= on_server, "a committed push survives SIGKILL"
        # Whether a kill "while working" beat the commit is down to timing. Syncing again at
        # once makes the outcome the same either way, so the next steps (and hypothesis's
        # record of them) do not depend on the race; it also proves a later sync completes.
        self.before_sync_after_kill(device)
        self.sync(device)

    def after_kill(self) -> None:
        """Serve again after the SIGKILL, before the checks: one server restarts on its file."""
        self.server.restart_after_kill()

    def before_sync_after_kill(self, device: str) -> None:
        """Between the checks after a kill and the device's sync (nothing, with one server)."""

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def server_keeps_every_acknowledged_version_once(self) -> None:
        """Nothing acknowledged is ever missing or altered; no version id or seq twice."""
        self.tally["steps checked"] += 1
        versions = self.auditor.all_versions()
        ids = [v.version_id for v in versions]
        assert len(ids) == len(set(ids)), "a version is stored twice"
        assert len({v.server_seq for v in versions}) == len(versions)
        missing = (self.acknowledged | self.acknowledged_before) - set(ids)
        assert not missing, f"{len(missing)} acknowledged version(s) missing from the server"
        assert not set(self.refused) & set(ids), "a refused version is on the server"
        for version in versions:
            if version.version_id in self.made:
                assert as_made(version) == self.made[version.version_id]

    @invariant()
    def devices_keep_their_work_and_queue_only_unacknowledged(self) -> None:
        """Each device holds all it made; its outbox is exactly its unacknowledged versions."""
        for name, phone in self.devices.items():
            stored = phone.version_ids()
            assert len(stored) == len(set(stored)), f"{name} stores a version twice"
            assert set(self.made_by[name]) <= set(stored), f"{name} lost a version it made"
            outbox = phone.outbox()
            assert not set(outbox) & self.acknowledged, f"{name} queues an acknowledged version"
            assert set(outbox) == phone.pending(), f"{name}: pending and queued disagree"
            in_order = [v for v in self.made_by[name] if v in set(outbox)]
            assert outbox == in_order, f"{name} queues others' versions or out of order"

    # --- the end ---------------------------------------------------------------------------

    def teardown(self) -> None:
        """Everyone syncs twice; then devices, server and model agree on every record."""
        try:
            self.everyone_syncs_twice_and_agrees()
        finally:
            self.acknowledged_before.update(self.acknowledged)
            for phone in self.devices.values():
                phone.close()

    def everyone_syncs_twice_and_agrees(self) -> None:
        """The final check: full convergence, compared through the app and the server API."""
        for name in self.devices:
            self.sync(name)
        assert self._queued_devices() == [], "one sync sends a device's whole outbox"
        for name in self.devices:
            self.sync(name)
        assert self.acknowledged == set(self.made)
        made = list(self.made.values())
        server_heads = heads_by_record(self.auditor.all_versions())
        for record_id in self._records():
            assert server_heads[record_id] == predicted_heads(made, record_id), record_id
            if sum(v.record_id == record_id for v in made) > 1:  # amended: check its history
                history_agrees(self.auditor, record_id, made)
        for name, phone in self.devices.items():
            assert phone.outbox() == [], name
            assert phone.pending() == set(), name
            device_agrees(phone, self.views[phone.me.username])
