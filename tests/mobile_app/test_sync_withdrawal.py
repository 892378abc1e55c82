"""Withdrawal on the device: a record that became hidden from the user leaves the device (except
what this device wrote and the server does not hold), and a change of the server's read rules
makes the device drop every server copy and pull again (issue 7)."""

from datetime import UTC, datetime
from typing import cast

from mobile_app.services.planning.note_drafts import AnalysisForm, NoteDraftStore, note_draft_count
from mobile_app.services.sync.background_sync import _done_message
from mobile_app.services.sync.sync import SyncReport, SyncService
from mobile_app.services.sync.sync_settings import READ_RULES_SETTING
from mobile_app.services.visits.drafts import DraftService
from mobile_app.store import DeviceStore, SyncState
from mobile_app.sync_client import SyncClient
from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import (
    ItemStatus,
    PulledVersion,
    PullResponse,
    PushItemResult,
    PushRequest,
    PushResponse,
    RecordVersion,
)
from shared.vocabulary import VisitType
from tests.mobile_app.test_sync_scope import FakeServer


class HidingServer(FakeServer):
    """FakeServer plus read rules: `withdrawn` records are hidden and named on every page (a
    device must take that idempotently); `unreadable` ones are hidden and never named (what
    older rules let through, or what was hidden while the case was away)."""

    def __init__(self) -> None:
        super().__init__()
        self.withdrawn: set[str] = set()
        self.unreadable: set[str] = set()
        self.read_rules: int | None = 1
        self.refuse_all = False

    def pull(self, cursor: int, limit: int = 500) -> PullResponse:
        page = super().pull(cursor, limit)
        hidden = self.withdrawn | self.unreadable
        return page.model_copy(
            update={
                "items": [v for v in page.items if v.record_id not in hidden],
                "withdrawn": sorted(self.withdrawn),
                "read_rules": self.read_rules,
            }
        )

    def push(self, request: PushRequest) -> PushResponse:
        refused = [v for v in request.items if self.refuse_all or v.record_id in self.withdrawn]
        answer = super().push(PushRequest(items=[v for v in request.items if v not in refused]))
        results = {r.version_id: r for r in answer.results}
        for item in refused:  # as the real server: an edit of a hidden record is unknown
            results[item.version_id] = PushItemResult(
                version_id=item.version_id,
                status=ItemStatus.REJECTED,
                field="replaces_version_id",
                message="the version this edit replaces is not on the server",
            )
        return PushResponse(results=[results[v.version_id] for v in request.items])


def sync(store: DeviceStore, server: HidingServer) -> SyncReport:
    return SyncService(store, cast(SyncClient, server)).sync()


def child_records(store: DeviceStore, case_id: str) -> list[str]:
    return sorted({r.record_id for r in store.records.rows(case_id=case_id, record_type="child")})


def amend_offline(store: DeviceStore, record_id: str) -> str:
    """Queue an amendment of the record's current version, as if made without signal."""
    [head] = store.records.head_ids(record_id)
    base = store.records.get(head).version
    amended = RecordVersion(
        version_id=new_id(),
        record_id=record_id,
        replaces_version_id=head,
        amend_reason="Spelling of the surname.",
        case_id=base.case_id,
        device_time=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        payload=base.payload,
    )
    with store.atomic():
        store.records.add([amended], SyncState.PENDING)
        store.outbox.enqueue([amended.version_id])
    return amended.version_id


def test_a_withdrawn_record_leaves_the_device_and_the_rest_stays(store: DeviceStore) -> None:
    server = HidingServer()
    case_id = server.add_case(3)
    sync(store, server)
    gone, *kept = child_records(store, case_id)
    family_rows = len(store.records.rows(record_type="family"))

    server.withdrawn.add(gone)
    report = sync(store, server)
    assert report.withdrawn == [gone]
    assert store.records.rows(record_id=gone) == []
    assert child_records(store, case_id) == kept
    assert len(store.records.rows(record_type="family")) == family_rows

    again = sync(store, server)  # named again: nothing left to remove, nothing reported
    assert again.withdrawn == []
    assert child_records(store, case_id) == kept


def test_a_pending_amendment_of_a_withdrawn_record_is_refused_and_kept_as_a_sync_issue(
    store: DeviceStore,
) -> None:
    """The practitioner's own unsent work is never destroyed; the record shows nothing."""
    server = HidingServer()
    case_id = server.add_case(1)
    sync(store, server)
    [record_id] = child_records(store, case_id)
    mine = amend_offline(store, record_id)

    server.withdrawn.add(record_id)
    report = sync(store, server)
    assert (report.rejected, report.withdrawn) == ([mine], [record_id])
    [row] = store.records.rows(record_id=record_id)
    assert (row.version_id, row.state) == (mine, SyncState.REJECTED)
    assert store.sync_issues.get(mine)["field"] == "replaces_version_id"
    assert store.records.head_ids(record_id) == [], "a refused change is no current version"


def test_a_new_read_rules_generation_drops_server_copies_and_pulls_again(
    store: DeviceStore,
) -> None:
    server = HidingServer()
    case_id = server.add_case(2)
    sync(store, server)
    assert store.settings.get(READ_RULES_SETTING) == 1
    cursor = store.cursor.get()
    old_rule, still_read = child_records(store, case_id)

    server.unreadable.add(old_rule)  # the narrower rule hides it without naming it
    server.read_rules = 2
    before = len(server.pulls)
    report = sync(store, server)
    assert server.pulls[before:] == [cursor, 0]
    assert report.read_rules_changed
    assert child_records(store, case_id) == [still_read]
    assert store.settings.get(READ_RULES_SETTING) == 2

    before = len(server.pulls)
    assert not sync(store, server).read_rules_changed
    assert server.pulls[before:] == [cursor], "same generation: pulls resume from the cursor"


def test_a_generation_change_keeps_what_the_server_does_not_hold(store: DeviceStore) -> None:
    server = HidingServer()
    case_id = server.add_case(1)
    sync(store, server)
    [record_id] = child_records(store, case_id)
    [original] = store.records.head_ids(record_id)
    mine = amend_offline(store, record_id)
    server.refuse_all = True
    server.read_rules = 2

    report = sync(store, server)
    assert report.rejected == [mine]
    assert report.read_rules_changed
    states = {r.version_id: r.state for r in store.records.rows(record_id=record_id)}
    assert states == {original: SyncState.SYNCED, mine: SyncState.REJECTED}
    assert store.sync_issues.get(mine) is not None


def test_a_fresh_device_stores_the_generation_without_pulling_twice(store: DeviceStore) -> None:
    server = HidingServer()
    server.add_case(1)
    report = sync(store, server)
    assert server.pulls == [0]
    assert not report.read_rules_changed
    assert store.settings.get(READ_RULES_SETTING) == 1


def test_a_server_without_generations_changes_nothing(store: DeviceStore) -> None:
    server = HidingServer()
    server.read_rules = None
    case_id = server.add_case(1)
    sync(store, server)
    sync(store, server)
    assert store.settings.get(READ_RULES_SETTING) is None
    assert len(child_records(store, case_id)) == 1
    assert len(server.pulls) == 2


def test_a_case_back_under_a_new_allocation_drops_what_was_hidden_while_away(
    store: DeviceStore,
) -> None:
    """The server names only records hidden during the current allocation; one hidden while
    the case was away (left and back between two syncs) must go all the same."""
    server = HidingServer()
    case_id = server.add_case(2)
    sync(store, server)
    hidden_away, kept = child_records(store, case_id)
    server.deallocate(case_id)
    server.unreadable.add(hidden_away)
    server.allocate(case_id)

    report = sync(store, server)
    assert report.entered_scope == [case_id]
    assert child_records(store, case_id) == [kept]


def test_a_generation_change_keeps_a_conflict_and_its_prompt_to_resolve(
    store: DeviceStore,
) -> None:
    """The server holds a version in conflict, but dropping it would lose the prompt to
    resolve: it stays, and pulling it again leaves it in conflict."""
    server = HidingServer()
    case_id = server.add_case(1)
    sync(store, server)
    [record_id] = child_records(store, case_id)
    mine = amend_offline(store, record_id)
    answer = PushItemResult(version_id=mine, status=ItemStatus.CONFLICT, server_seq=99)
    with store.atomic():
        store.outbox.discard([mine])
        store.records.set_state(mine, SyncState.CONFLICT, 99)
        store.sync_issues.put(mine, answer.model_dump(mode="json"), status=answer.status)
    server.read_rules = 2

    report = sync(store, server)

    assert report.read_rules_changed
    assert store.records.get(mine).state == SyncState.CONFLICT
    assert store.sync_issues.get(mine)["status"] == "conflict"
    mine_as_pulled = store.records.get(mine).version
    store.records.merge_pulled(
        [
            PulledVersion(
                **mine_as_pulled.model_dump(),
                server_seq=99,
                author_id=new_id(),
                author_agency="health_visiting",
                recorded_at=mine_as_pulled.device_time,
            )
        ]
    )
    assert store.records.get(mine).state == SyncState.CONFLICT


def _drafts_held(store: DeviceStore) -> int:
    """Every draft the sign-in check counts as another user's unsynced work."""
    return len(store.drafts.keys()) + note_draft_count(store)


def _leave_drafts(store: DeviceStore, me: Practitioner, case_id: str, child_id: str) -> None:
    """A new visit, an amendment of a visit, and a note about the child, all unfinished."""
    drafts = DraftService(store)
    drafts.start(case_id, child_id, VisitType.STATUTORY_CP)
    amendment = drafts.start(case_id, child_id, VisitType.STATUTORY_CP).model_copy(
        update={"amends_record_id": child_id, "amends_version_id": new_id()}
    )
    drafts.save(amendment)
    NoteDraftStore(store, me.id).save(child_id, AnalysisForm(analysis="Half typed."))


def test_drafts_about_a_case_that_left_go_with_it_and_the_sync_says_so(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    server = HidingServer()
    kept, moved = server.add_case(1), server.add_case(1)
    sync(store, server)
    [moved_child] = child_records(store, moved)
    [kept_child] = child_records(store, kept)
    _leave_drafts(store, practitioner, moved, moved_child)
    DraftService(store).start(kept, kept_child, VisitType.TARGETED)
    assert _drafts_held(store) == 4

    server.deallocate(moved)
    report = sync(store, server)

    assert report.drafts_discarded == 3
    assert [d.child_id for d in DraftService(store).all()] == [kept_child]
    assert note_draft_count(store) == 0
    assert _drafts_held(store) == 1
    assert "3 unfinished drafts about records you can no longer see were removed" in (
        _done_message(report)
    )
    assert sync(store, server).drafts_discarded == 0


def test_drafts_about_a_withdrawn_record_go_with_it(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    server = HidingServer()
    case_id = server.add_case(2)
    sync(store, server)
    gone, kept = child_records(store, case_id)
    _leave_drafts(store, practitioner, case_id, gone)
    NoteDraftStore(store, practitioner.id).save(kept, AnalysisForm(analysis="Still mine."))

    server.withdrawn.add(gone)
    report = sync(store, server)

    assert report.drafts_discarded == 3
    assert DraftService(store).all() == []
    assert NoteDraftStore(store, practitioner.id).has(kept, AnalysisForm)
    assert note_draft_count(store) == 1
