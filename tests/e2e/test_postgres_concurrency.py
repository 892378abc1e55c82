"""Two real server processes on one PostgreSQL database, written to at the same moment.

Proof of the concurrency model (docs/architecture.md, Concurrency) with real processes and
real HTTP: K pushers (each its own signed-in device) and two pullers run in threads, every
push going to the process hypothesis chooses, pulls alternating between the processes while
pushes commit. Then every device in scope has pulled every acknowledged version exactly once:
a cursor never passes a version that committed late. And two phones of one practitioner that
amend the same heads at the same moment through different processes get one straight line
and one conflict for each record, never two straight lines.

Each fails without the write lock (`take_write_lock`): removed outright, or taken only at
the audit append (after the push's server_seqs and heads), the race test fails every run and
the pull test on most (it needs a pull to land inside a late commit's window). Examples are
derandomised and not shrunk, to stay inside the CI time budget.
"""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shared.protocol import ItemStatus
from tests.e2e.http_devices import HttpDevice
from tests.e2e.quick_server import QuickServerProcess

pytestmark = pytest.mark.e2e

PUSHERS = (("hv-a", "demo-hv"), ("hv-b", "demo-hv"), ("sw-a", "demo-sw"))
PULLERS = (("sup", "demo-sup"), ("hv-reader", "demo-hv"))
FEW = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# One pusher's plan: pushes of N new entries, each to process 0 or 1. Small pushes beside big
# ones: a small one started later is the one that would commit first without the lock.
PLAN = st.lists(
    st.tuples(st.integers(0, 1), st.sampled_from([1, 2, 5, 30, 60])), min_size=2, max_size=4
)


@dataclass
class Cluster:
    """Two server processes on one database, and the devices signed in to them."""

    pushers: list[HttpDevice]
    pullers: list[HttpDevice]  # only pull, as fast as they can, while pushes commit
    cases: list[str]  # cases every device holds: whatever is pushed, all may pull
    acknowledged: set[str] = field(default_factory=set)

    @property
    def devices(self) -> list[HttpDevice]:
        return [*self.pushers, *self.pullers]


@pytest.fixture
def cluster(postgres_url: str, tmp_path: Path) -> Iterator[Cluster]:
    servers: list[QuickServerProcess] = []
    devices: list[HttpDevice] = []
    try:
        for n in range(2):  # one after the other: the first migrates and seeds
            db = tmp_path / f"process-{n}.db"  # names the log only
            servers.append(QuickServerProcess(db, extra_args=("--db", postgres_url)).start())
        urls = [server.url for server in servers]
        for name, username in (*PUSHERS, *PULLERS):
            devices.append(HttpDevice.sign_in(name, urls, username))
        common = set.intersection(*(set(d.children) for d in devices))
        yield Cluster(devices[: len(PUSHERS)], devices[len(PUSHERS) :], sorted(common))
    finally:
        for device in devices:
            device.close()
        for server in servers:
            server.stop()


def run_together(*work: Callable[[], None]) -> None:
    """Start every piece of work at the same moment, each in its own thread; re-raise."""
    start = threading.Barrier(len(work))

    def after_barrier(job: Callable[[], None]) -> None:
        start.wait(10)
        job()

    with ThreadPoolExecutor(len(work)) as pool:
        for future in [pool.submit(after_barrier, job) for job in work]:
            future.result(120)


def test_every_acknowledged_version_is_pulled_once_by_every_device(cluster: Cluster) -> None:
    """K pushers and two pullers on two processes: no cursor skips a late commit or repeats."""

    @settings(FEW, max_examples=20)
    @given(
        plans=st.lists(PLAN, min_size=len(PUSHERS), max_size=len(PUSHERS)),
        page=st.integers(1, 50),
    )
    def interleaving(plans: list[list[tuple[int, int]]], page: int) -> None:
        pushing_done = threading.Event()

        def pusher(device: HttpDevice, plan: list[tuple[int, int]]) -> Callable[[], None]:
            def push_and_pull() -> None:
                for n, (process, size) in enumerate(plan):
                    case_id = cluster.cases[n % len(cluster.cases)]
                    batch = [device.new_entry(case_id) for _ in range(size)]
                    results = device.push(process, batch)
                    assert {r.status for r in results} == {ItemStatus.ACCEPTED}, results[0]
                    cluster.acknowledged.update(r.version_id for r in results)
                    device.pull_page(process + 1, page)  # through the other process

            return push_and_pull

        def puller(device: HttpDevice, limit: int) -> Callable[[], None]:
            def pull_until_done() -> None:
                turns = 0
                while not pushing_done.is_set():
                    device.pull_page(turns, limit)  # alternating processes
                    turns += 1

            return pull_until_done

        def all_pushers() -> None:
            try:
                run_together(*map(pusher, cluster.pushers, plans))
            finally:
                pushing_done.set()

        # One puller pages slowly through the backlog, the other keeps up with the newest commit.
        run_together(all_pushers, *map(puller, cluster.pullers, (page, 500)))
        for device in cluster.devices:
            device.pull_all(1)  # catch up from its cursor, never from 0
            twice = sorted(v for v, times in device.pulled.items() if times > 1)
            assert twice == [], f"{device.name} pulled a version twice"
            missing = cluster.acknowledged - set(device.pulled)
            assert not missing, f"{device.name}'s cursor passed {len(missing)} late commit(s)"

    interleaving()
    assert len(cluster.acknowledged) >= 6 * len(PUSHERS)


def test_same_head_amended_at_once_through_two_processes_is_one_line_and_a_conflict(
    cluster: Cluster,
) -> None:
    """Two phones of the author amend the same heads at the same moment via different
    processes: for each record one amendment is accepted, the other is a conflict naming it."""
    first, second = cluster.pushers[:2]  # both demo-hv: the author of what first makes
    assert first.me.id == second.me.id

    @FEW
    @given(records=st.integers(1, 4), padding=st.integers(0, 40), process=st.integers(0, 1))
    def race(records: int, padding: int, process: int) -> None:
        case_id = cluster.cases[0]
        heads = [first.new_entry(case_id) for _ in range(records)]
        assert {r.status for r in first.push(process, heads)} == {ItemStatus.ACCEPTED}
        # New entries first, so each push holds its transaction open a while before it ends.
        batches = {
            device.name: [device.new_entry(case_id) for _ in range(padding)]
            + [device.amendment(head) for head in heads]
            for device in (first, second)
        }
        answers: dict[str, dict[str, tuple[ItemStatus, list[str]]]] = {}

        def push(device: HttpDevice, to: int) -> Callable[[], None]:
            def send() -> None:
                results = device.push(to, batches[device.name])
                answers[device.name] = {
                    r.version_id: (r.status, r.conflicting_version_ids) for r in results
                }

            return send

        run_together(push(first, process), push(second, process + 1))
        said = {**answers[first.name], **answers[second.name]}
        winners = set()
        for n, head in enumerate(heads):
            pair = [batches[device.name][padding + n].version_id for device in (first, second)]
            outcomes = sorted(said[version_id][0] for version_id in pair)
            assert outcomes == [ItemStatus.ACCEPTED, ItemStatus.CONFLICT], head.record_id
            winner, loser = sorted(pair, key=lambda v: said[v][0] != ItemStatus.ACCEPTED)
            assert said[loser][1] == [winner], "the conflict names the version that won"
            winners.add(winner in answers[first.name])
        # One push's transaction ran wholly before the other's: it won every record.
        assert len(winners) == 1
        # Both are stored (a conflict keeps both), and each device in scope pulls each once.
        for device in cluster.devices:
            device.pull_all(process)
            assert set(said) <= set(device.pulled), device.name
            assert max(device.pulled.values()) == 1, device.name

    race()
