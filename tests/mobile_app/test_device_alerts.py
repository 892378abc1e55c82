"""The device computes the same safeguarding alerts as the server, from its own records, with
England's bank holidays skipped and withdrawn records ignored."""

from datetime import UTC, date, datetime, timedelta

import pytest

from mobile_app.services.chronology.alerts import DeviceAlertService
from mobile_app.services.chronology.rule_records import current_records
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.visits.drafts import DraftService, VisitDraft
from mobile_app.store import DeviceStore, SyncState
from shared.ids import new_id
from shared.models import FatherQuestion, PersonPresent, Visit
from shared.rules import AlertCode, RuleSettings, Severity
from shared.vocabulary import Lifecycle, VisitType
from tests.mobile_app.safeguarding_builders import CHRISTMAS_EVE, cp_family, injury, pulled

NEXT_DAY = CHRISTMAS_EVE + timedelta(days=1)


@pytest.fixture
def ids(store: DeviceStore) -> dict[str, str]:
    case_id, child_id, entry_id = new_id(), new_id(), new_id()
    store.records.merge_pulled(
        [*cp_family(case_id, child_id), pulled(case_id, entry_id, injury(child_id), 3)]
    )
    return {"case_id": case_id, "child_id": child_id, "entry_id": entry_id}


def service(store: DeviceStore, now: datetime, **settings: int) -> DeviceAlertService:
    return DeviceAlertService(store, RuleSettings(**settings), clock=lambda: now)


def test_injury_on_a_cp_child_raises_a6_due_after_the_bank_holidays(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    found = service(store, NEXT_DAY).for_child(ids["child_id"])
    a6 = [a for a in found.alerts if a.code == AlertCode.A6]
    assert len(a6) == 1
    assert a6[0].due == date(2026, 12, 29)
    assert a6[0].severity == Severity.DUE
    assert ids["entry_id"] in a6[0].record_ids
    assert found.most_urgent is not None
    assert found.summary().startswith(f"{len(found.alerts)} alert")


def test_a6_is_overdue_after_the_working_day_passes(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    late = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)
    a6 = [a for a in service(store, late).for_child(ids["child_id"]).alerts if a.code == "A6"]
    assert a6[0].severity == Severity.OVERDUE


def test_settings_change_the_deadline(store: DeviceStore, ids: dict[str, str]) -> None:
    alerts = service(store, NEXT_DAY, decision_within_working_days=3).for_child(ids["child_id"])
    a6 = next(a for a in alerts.alerts if a.code == AlertCode.A6)
    assert a6.due == date(2026, 12, 31)


def test_an_entry_marked_entered_in_error_raises_nothing(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    records = RecordService(store)
    entry = next(r for r in current_records(store) if r.record_id == ids["entry_id"])
    records.amend(
        ids["entry_id"], entry.payload, reason="Wrong child.", lifecycle=Lifecycle.ENTERED_IN_ERROR
    )
    alerts = service(store, NEXT_DAY).for_child(ids["child_id"]).alerts
    assert AlertCode.A6 not in {a.code for a in alerts}


def test_the_clock_runs_from_the_earliest_of_device_time_and_receipt(store: DeviceStore) -> None:
    case_id, child_id, entry_id = new_id(), new_id(), new_id()
    version = pulled(case_id, entry_id, injury(child_id), 3)
    # the device clock claims a week later than the server received it: the receipt wins
    ahead = version.model_copy(update={"device_time": CHRISTMAS_EVE + timedelta(days=7)})
    store.records.merge_pulled([*cp_family(case_id, child_id), ahead])
    record = next(r for r in current_records(store) if r.record_id == entry_id)
    assert record.first_recorded_at == CHRISTMAS_EVE


def test_caseload_lists_every_child_even_without_alerts(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    other_case, other_child = new_id(), new_id()
    store.records.merge_pulled(cp_family(other_case, other_child))
    caseload = service(store, NEXT_DAY).caseload()
    assert set(caseload) == {ids["child_id"], other_child}
    assert AlertCode.A6 in {a.code for a in caseload[ids["child_id"]].alerts}
    assert AlertCode.A6 not in {a.code for a in caseload[other_child].alerts}
    assert service(store, NEXT_DAY).for_child(new_id()).summary() == "No alerts"


def a1(store: DeviceStore, child_id: str, now: datetime) -> list[str]:
    alerts = service(store, now).for_child(child_id).alerts
    return [a.message for a in alerts if a.code == AlertCode.A1]


def test_a_draft_left_for_more_than_24_hours_is_not_finalised(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    draft = VisitDraft(case_id=ids["case_id"], child_id=ids["child_id"], started_at=CHRISTMAS_EVE)
    DraftService(store).save(draft)
    assert a1(store, ids["child_id"], CHRISTMAS_EVE + timedelta(hours=23)) == []
    (late,) = a1(store, ids["child_id"], CHRISTMAS_EVE + timedelta(hours=25))
    assert "is not finalised" in late


def test_a_finalised_visit_still_in_the_outbox_is_not_submitted_after_2_working_days(
    store: DeviceStore, ids: dict[str, str]
) -> None:
    visit = Visit(
        child_ids=(ids["child_id"],),
        visit_type=VisitType.STATUTORY_CP,
        start=CHRISTMAS_EVE - timedelta(hours=1),
        end=CHRISTMAS_EVE,
        persons_present=(PersonPresent(description="mother"),),
        child_seen=True,
        seen_alone=True,
        father_or_male_carer=FatherQuestion(not_known_reason="Mother would not say."),
    )
    (made,) = RecordService(store).record([NewRecord(ids["case_id"], visit)])
    # Thursday 24th + 2 working days = Wednesday 30th (Christmas and the Boxing Day substitute)
    assert a1(store, ids["child_id"], datetime(2026, 12, 30, 18, 0, tzinfo=UTC)) == []
    (late,) = a1(store, ids["child_id"], datetime(2026, 12, 31, 9, 0, tzinfo=UTC))
    assert "is not submitted: it was due by Wed 30 Dec 2026" in late
    store.records.set_state(made.version_id, SyncState.SYNCED, 99)
    assert a1(store, ids["child_id"], datetime(2026, 12, 31, 9, 0, tzinfo=UTC)) == []
