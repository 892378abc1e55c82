"""Scope on the device: a case that leaves the user's allocation is removed (except what this
device wrote and the server does not hold); a case that (re)enters brings its whole history,
even though the cursor is already past it."""

from datetime import UTC, date, datetime
from typing import Any, cast

from mobile_app.errors import ServerFault
from mobile_app.services.sync.sync import SyncService
from mobile_app.store import DeviceStore, SyncState
from mobile_app.sync_client import SyncClient
from shared.ids import new_id
from shared.models import Address, Child, Family
from shared.protocol import (
    ItemStatus,
    PulledVersion,
    PullResponse,
    PushItemResult,
    PushRequest,
    PushResponse,
    RecordVersion,
    ScopeCase,
)
from tests.mobile_app.conftest import pulled

FAMILY = Family(
    family_name="Quarmby", address=Address(line1="1 Row", town="Banbury", postcode="OX16 4AB")
)
CHILD = Child(given_name="Poppy", family_name="Quarmby", dob=date(2026, 6, 1))


class FakeServer:
    """Speaks the pull and push protocol over in-memory versions, scoped by allocation."""

    def __init__(self) -> None:
        self.versions: list[PulledVersion] = []
        self.allocations: dict[str, str] = {}
        self.ended: set[str] = set()
        self.pulls: list[int] = []

    def add_case(self, n_children: int) -> str:
        case_id = new_id()
        self.versions.append(pulled(case_id, case_id, FAMILY, len(self.versions) + 1))
        for _ in range(n_children):
            self.versions.append(pulled(case_id, new_id(), CHILD, len(self.versions) + 1))
        self.allocate(case_id)
        return case_id

    def allocate(self, case_id: str) -> None:
        self.allocations[case_id] = new_id()
        self.ended.discard(case_id)

    def deallocate(self, case_id: str) -> None:
        del self.allocations[case_id]
        self.ended.add(case_id)

    def pull(self, cursor: int, limit: int = 500) -> PullResponse:
        self.pulls.append(cursor)
        rows = [v for v in self.versions if v.case_id in self.allocations and v.server_seq > cursor]
        page = rows[:limit]
        return PullResponse(
            items=page,
            next_cursor=page[-1].server_seq if page else cursor,
            has_more=len(rows) > limit,
            scope=[ScopeCase(case_id=c, allocation_id=a) for c, a in self.allocations.items()],
            left_scope=sorted(self.ended),
        )

    def push(self, request: PushRequest) -> PushResponse:
        results = []
        for item in request.items:
            if item.case_id not in self.allocations:
                results.append(
                    PushItemResult(
                        version_id=item.version_id,
                        status=ItemStatus.REJECTED,
                        field="case_id",
                        message="this case is not allocated to you",
                    )
                )
                continue
            seq = len(self.versions) + 1
            self.versions.append(
                PulledVersion(
                    **item.model_dump(),
                    server_seq=seq,
                    author_id=new_id(),
                    author_agency="health_visiting",
                    recorded_at=item.device_time,
                )
            )
            results.append(
                PushItemResult(
                    version_id=item.version_id, status=ItemStatus.ACCEPTED, server_seq=seq
                )
            )
        return PushResponse(results=results)


def sync(store: DeviceStore, server: FakeServer) -> Any:
    return SyncService(store, cast(SyncClient, server)).sync()


def record_offline(store: DeviceStore, case_id: str) -> str:
    version = RecordVersion(
        version_id=new_id(),
        record_id=new_id(),
        case_id=case_id,
        device_time=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        payload=CHILD,
    )
    with store.atomic():
        store.records.add([version], SyncState.PENDING)
        store.outbox.enqueue([version.version_id])
    return version.version_id


def cases_held(store: DeviceStore) -> dict[str, int]:
    held: dict[str, int] = {}
    for row in store.records.rows():
        held[row.case_id] = held.get(row.case_id, 0) + 1
    return held


def test_a_case_leaving_scope_is_removed_but_unsynced_work_is_kept_as_rejected(
    store: DeviceStore,
) -> None:
    server = FakeServer()
    kept, moved = server.add_case(2), server.add_case(3)
    sync(store, server)
    assert cases_held(store) == {kept: 3, moved: 4}
    mine = record_offline(store, moved)  # recorded before the case was re-allocated

    server.deallocate(moved)
    report = sync(store, server)
    assert report.left_scope == [moved]
    assert report.rejected == [mine]
    assert cases_held(store) == {kept: 3, moved: 1}
    [row] = store.records.rows(case_id=moved)
    assert (row.version_id, row.state) == (mine, SyncState.REJECTED)
    assert store.sync_issues.get(mine) is not None
    assert set(store.scope.get()) == {kept}
    assert len(server.versions) == 7, "the server lost nothing"

    sync(store, server)  # the marker stays; purging again changes nothing
    assert cases_held(store) == {kept: 3, moved: 1}


def test_a_case_entering_scope_brings_its_whole_history_past_the_cursor(
    store: DeviceStore,
) -> None:
    server = FakeServer()
    kept = server.add_case(1)
    other = server.add_case(4)
    server.deallocate(other)
    sync(store, server)
    assert cases_held(store) == {kept: 2}
    server.versions.append(pulled(kept, new_id(), CHILD, len(server.versions) + 1))
    sync(store, server)
    assert store.cursor.get() == 8, "the cursor is past every version of the other case"

    server.allocate(other)
    report = sync(store, server)
    assert report.entered_scope == [other]
    assert cases_held(store) == {kept: 3, other: 5}
    assert store.cursor.get() == 8
    assert set(store.scope.get()) == {kept, other}
    before = len(server.pulls)
    sync(store, server)
    assert server.pulls[before:] == [8], "once backfilled, pulls resume from the cursor"


def test_left_and_back_between_two_syncs_still_backfills(store: DeviceStore) -> None:
    """Regression: a case can leave and come back before the device syncs again; the new
    allocation id alone makes the device fetch the case's history again."""
    server = FakeServer()
    case = server.add_case(1)
    sync(store, server)
    server.deallocate(case)
    server.versions.append(pulled(case, new_id(), CHILD, len(server.versions) + 1))
    server.allocate(case)
    before = len(server.pulls)
    report = sync(store, server)
    assert report.entered_scope == [case]
    assert server.pulls[before:] == [2, 0]
    assert cases_held(store) == {case: 3}
    assert store.cursor.get() == 3


def test_a_fresh_device_pulls_once_from_zero(store: DeviceStore) -> None:
    server = FakeServer()
    server.add_case(2)
    server.add_case(2)
    report = sync(store, server)
    assert server.pulls == [0]
    assert len(report.entered_scope) == 2
    assert report.pulled == 6


def test_a_server_without_scope_changes_nothing(store: DeviceStore) -> None:
    class OldServer(FakeServer):
        def pull(self, cursor: int, limit: int = 500) -> PullResponse:
            page = super().pull(cursor, limit)
            return page.model_copy(update={"scope": None, "left_scope": []})

    server = OldServer()
    server.add_case(1)
    sync(store, server)
    assert store.scope.get() == {}
    assert len(store.records.rows()) == 2


class FailingPushServer(FakeServer):
    """A server that answers every push with a 5xx."""

    def push(self, request: PushRequest) -> PushResponse:
        raise ServerFault("The server had a problem (HTTP 500).")


def test_a_push_the_server_cannot_take_does_not_stop_updates_arriving(
    store: DeviceStore,
) -> None:
    """Regression: a failing push used to end the sync before the pull, indefinitely."""
    server = FailingPushServer()
    case_id = server.add_case(1)
    mine = record_offline(store, case_id)
    report = sync(store, server)
    assert report.not_sent == [mine], "told: not sent this time, tried again at the next sync"
    assert cases_held(store) == {case_id: 3}, "the family and child arrived all the same"
    assert store.outbox.peek(10) == [mine], "the unsent version waits for the next sync"
