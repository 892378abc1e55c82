"""Rule V1 against the real server process: the phone learns the server's clock, a future
time is refused naming its field and stored nowhere, and lateness runs from the writing."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.security.account import AccountService
from mobile_app.services.sync.device_clock import clock_offset, device_clock_warning
from mobile_app.services.sync.issues import sync_issues
from mobile_app.services.sync.sync import SyncReport, SyncService
from mobile_app.services.visits.drafts import DraftService, VisitDraft
from mobile_app.services.visits.finalise import FinaliseService
from mobile_app.store import SyncState
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import Child, ChronologyEntry, Visit
from shared.protocol import SERVER_TIME_HEADER, RecordVersion, server_time
from shared.rules.event_time import FUTURE_MESSAGE, LATE_ENTRY_MESSAGE
from shared.vocabulary import EventType, InformationSource, Significance, VisitType
from tests.e2e.conftest import ServerProcess
from tests.e2e.sync_devices import SyncDevice, transport

TWO_DAYS = timedelta(days=2)


def fast_phone() -> datetime:
    """A phone whose clock is two days fast."""
    return utc_now() + TWO_DAYS


@pytest.fixture
def hv(server: ServerProcess, tmp_path: Path) -> Iterator[SyncDevice]:
    device = SyncDevice.sign_in("hv phone", tmp_path / "hv", server.url, "demo-hv")
    yield device
    device.close()


def sync_on(device: SyncDevice, clock: Callable[[], datetime]) -> SyncReport:
    """Sync as the app does, reading the phone's clock from `clock`."""
    with AccountService(device.store, transport()).client() as client:
        return SyncService(device.store, client, clock).sync()


def first_child(device: SyncDevice) -> tuple[str, str, Child]:
    case = RecordService(device.store).caseload()[0]
    child_id = sorted(case.children)[0]
    return case.case_id, child_id, case.children[child_id]


def complete(draft: VisitDraft) -> VisitDraft:
    """Answer what V3 asks, so only the clock can stop the visit."""
    return draft.model_copy(
        update={
            "child_seen": True,
            "seen_alone": True,
            "seen_awake": True,
            "others_present": ["Mother"],
            "father": "not_known",
            "father_not_known_reason": "Mother declined to say.",
        }
    )


def entry(device: SyncDevice, child_id: str, when: datetime) -> ChronologyEntry:
    return ChronologyEntry(
        child_ids=(child_id,),
        event_datetime=when,
        source_agency=device.me.agency,
        information_source=InformationSource.DIRECT_OBSERVATION,
        author_id=device.me.id,
        author_role=device.me.role,
        event_type=EventType.HOME_VISIT,
        summary="Synthetic: home visit note.",
        action_taken="Discussed with the parent.",
        significance=Significance.CONTEXTUAL,
    )


def pulled_ids(server: ServerProcess, token: str) -> set[str]:
    answer = httpx.get(
        f"{server.url}/sync/pull",
        params={"cursor": 0, "limit": 2000},
        headers={"Authorization": f"Bearer {token}"},
    )
    return {item["version_id"] for item in answer.json()["items"]}


def test_a_phone_two_days_fast_learns_the_offset_and_records_the_right_time(
    server: ServerProcess, hv: SyncDevice
) -> None:
    sync_on(hv, fast_phone)
    offset = clock_offset(hv.store)
    assert abs(offset + TWO_DAYS) < timedelta(seconds=30)
    assert device_clock_warning(hv.store) == (
        "This phone's clock is 2 days fast. Times you record are corrected, "
        "but set the clock right in Settings."
    )
    case_id, child_id, child = first_child(hv)
    draft = complete(
        DraftService(hv.store).start(case_id, child_id, VisitType.TARGETED, fast_phone())
    )
    assert abs(draft.started_at - utc_now()) < timedelta(seconds=30)  # corrected, not +2 days
    done = FinaliseService(hv.store, hv.me, fast_phone()).finalise(draft, child)
    assert done.problems == []
    assert done.finalised is not None
    visit = done.finalised.visit
    assert isinstance(visit.payload, Visit)
    assert abs(visit.payload.start - utc_now()) < timedelta(seconds=30)
    assert abs(visit.device_time - utc_now()) < timedelta(seconds=30)
    report = sync_on(hv, fast_phone)
    assert report.rejected == []
    assert visit.version_id in pulled_ids(server, hv.token)


def test_a_visit_in_the_future_of_the_corrected_clock_is_not_finalised(hv: SyncDevice) -> None:
    sync_on(hv, fast_phone)
    case_id, child_id, child = first_child(hv)
    draft = complete(
        DraftService(hv.store).start(case_id, child_id, VisitType.TARGETED, fast_phone())
    )
    ahead = draft.model_copy(update={"started_at": utc_now() + timedelta(hours=3)})
    result = FinaliseService(hv.store, hv.me, fast_phone()).finalise(ahead, child)
    assert FUTURE_MESSAGE in result.problems
    assert result.finalised is None


def test_an_entry_30_days_ahead_is_refused_naming_the_field_and_stored_nowhere_but_the_phone(
    server: ServerProcess, hv: SyncDevice
) -> None:
    case_id, child_id, _ = first_child(hv)
    # Kept offline from before V1 (or typed ahead): the device still pushes it.
    [kept] = RecordService(hv.store).record(
        [NewRecord(case_id, entry(hv, child_id, utc_now() + timedelta(days=30)))]
    )
    report = hv.sync()
    assert report.rejected == [kept.version_id]
    assert hv.refused() == {kept.version_id: kept.record_id}  # kept on the phone
    [issue] = sync_issues(hv.store)
    assert issue.detail == f"When it happened: {FUTURE_MESSAGE}"
    assert kept.version_id not in pulled_ids(server, hv.token)

    # The same over the API, straight: a per-item refusal naming the field.
    ahead = RecordVersion(
        version_id=new_id(),
        record_id=new_id(),
        case_id=case_id,
        device_time=utc_now(),
        payload=entry(hv, child_id, utc_now() + timedelta(days=30)),
    )
    answer = httpx.post(
        f"{server.url}/sync/push",
        content='{"protocol_version":1,"items":[' + ahead.model_dump_json() + "]}",
        headers={"Authorization": f"Bearer {hv.token}", "Content-Type": "application/json"},
    )
    [result] = answer.json()["results"]
    assert (result["status"], result["field"], result["message"]) == (
        "rejected",
        "payload.event_datetime",
        FUTURE_MESSAGE,
    )
    assert ahead.version_id not in pulled_ids(server, hv.token)


def test_every_answer_tells_the_server_clock(server: ServerProcess, hv: SyncDevice) -> None:
    for answer in (
        httpx.get(f"{server.url}/sync/pull", params={"cursor": 0, "limit": 1}),  # 401
        httpx.get(f"{server.url}/no-such-page"),  # 404
        httpx.get(f"{server.url}/sync/pull", params={"cursor": 0, "limit": 1},
                  headers={"Authorization": f"Bearer {hv.token}"}),
    ):  # fmt: skip
        told = server_time(answer.headers)
        assert SERVER_TIME_HEADER in answer.headers
        assert told is not None
        assert abs(told - utc_now()) < timedelta(seconds=30)


def test_a_visit_written_at_the_door_and_synced_two_days_later_is_not_late(
    server: ServerProcess, hv: SyncDevice
) -> None:
    door = utc_now() - TWO_DAYS
    case_id, child_id, child = first_child(hv)
    draft = complete(DraftService(hv.store).start(case_id, child_id, VisitType.TARGETED, door))
    done = FinaliseService(hv.store, hv.me, door + timedelta(hours=1)).finalise(draft, child)
    assert done.problems == []
    assert done.finalised is not None
    report = hv.sync()  # two days later: late by sync time, not by writing time
    assert report.rejected == []
    assert done.finalised.visit.version_id in pulled_ids(server, hv.token)
    assert hv.store.records.get(done.finalised.visit.version_id).state == SyncState.SYNCED


def test_a_visit_written_a_day_and_more_after_it_started_needs_a_reason(hv: SyncDevice) -> None:
    door = utc_now() - TWO_DAYS
    case_id, child_id, child = first_child(hv)
    draft = complete(DraftService(hv.store).start(case_id, child_id, VisitType.TARGETED, door))
    late = FinaliseService(hv.store, hv.me, door + timedelta(hours=24, seconds=1))
    assert LATE_ENTRY_MESSAGE in late.finalise(draft, child).problems
    explained = draft.model_copy(update={"late_entry_reason": "Written up after court."})
    assert late.finalise(explained, child).finalised is not None
    assert hv.sync().rejected == []
