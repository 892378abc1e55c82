"""A5-A7 at their boundaries, and finding 2 in full: decisions after serious entries."""

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from shared.ids import new_id
from shared.rules import AlertCode, DecisionInput, DecisionOption, Severity
from shared.rules.decisions import decision_counts, offered_options
from shared.vocabulary import ChildStatus, CPCategory, EventType, Significance
from tests.shared.rules.builders import alerts_of, at, child, entry, records, visit

SUPERVISOR = new_id()
WORKER = new_id()
ALL_OPTIONS = (DecisionOption.REQUEST_STRATEGY_DISCUSSION, DecisionOption.NO_ACTION)


def decision(
    trigger: str,
    chosen: DecisionOption = DecisionOption.REQUEST_STRATEGY_DISCUSSION,
    options: tuple[DecisionOption, ...] = ALL_OPTIONS,
    countersigned_by: str | None = None,
) -> DecisionInput:
    return DecisionInput(
        record_id=new_id(),
        trigger_entry_id=trigger,
        options_considered=options,
        decision=chosen,
        rationale="Synthetic rationale.",
        decided_by=WORKER,
        decided_at=at(2026, 4, 2, 16),
        countersigned_by=countersigned_by,
    )


def test_a5_one_missed_appointment_on_a_neglect_plan() -> None:
    wnb = entry(at(2026, 6, 1), EventType.WAS_NOT_BROUGHT)
    [alert] = alerts_of(records(entries=(wnb,)), at(2026, 6, 2), AlertCode.A5)
    assert alert.record_ids == (wnb.record_id,)
    decided = records(entries=(wnb,), decisions=(decision(wnb.record_id),))
    assert alerts_of(decided, at(2026, 6, 2), AlertCode.A5) == []


def test_a5_otherwise_two_within_90_days() -> None:
    cin = child(ChildStatus.CIN)
    first = entry(at(2026, 3, 1), EventType.NO_ACCESS)
    assert alerts_of(records(cin, entries=(first,)), at(2026, 3, 2), AlertCode.A5) == []
    second = entry(at(2026, 5, 29), EventType.WAS_NOT_BROUGHT)  # day 89 after the first
    [alert] = alerts_of(records(cin, entries=(first, second)), at(2026, 5, 29), AlertCode.A5)
    assert len(alert.record_ids) == 2
    # 1 March falls out of the 90-day window on 30 May.
    assert alerts_of(records(cin, entries=(first, second)), at(2026, 5, 30), AlertCode.A5) == []


def test_a5_counts_no_access_visits() -> None:
    cin = child(ChildStatus.CIN)
    case = records(
        cin,
        visits=(
            visit(at(2026, 5, 1), "no_access", seen=False),
            visit(at(2026, 5, 8), "no_access", seen=False),
        ),
    )
    assert len(alerts_of(case, at(2026, 5, 9), AlertCode.A5)) == 1


INJURY_THU = at(2026, 4, 2, 10)  # Thursday before Good Friday


@pytest.mark.parametrize(
    ("now", "severity"),
    [
        (at(2026, 4, 2, 17), Severity.DUE),
        (at(2026, 4, 7, 20), Severity.DUE),
        (at(2026, 4, 8, 9), Severity.OVERDUE),
    ],
    ids=["same-day", "tuesday-after-easter", "wednesday"],
)
def test_a6_decision_due_one_working_day_after_over_easter(now: datetime, severity: str) -> None:
    injury = entry(INJURY_THU, EventType.INJURY, Significance.SIGNIFICANT)
    [alert] = alerts_of(records(entries=(injury,)), now, AlertCode.A6)
    assert alert.due == date(2026, 4, 7)
    assert alert.severity == severity
    assert "strategy discussion" in alert.message


def test_a6_due_counts_from_when_the_entry_was_recorded() -> None:
    late = entry(at(2026, 3, 30), EventType.ALLEGATION, recorded_at=INJURY_THU)
    [alert] = alerts_of(records(entries=(late,)), at(2026, 4, 2, 17), AlertCode.A6)
    assert alert.due == date(2026, 4, 7)


def test_a6_names_the_entry_by_its_own_date_and_says_when_it_became_known() -> None:
    """Regression: the alert named the day the entry was recorded, which the chronology
    does not show, and the event's raw code."""
    late = entry(
        at(2026, 3, 30), EventType.DA_INCIDENT, Significance.SERIOUS, recorded_at=INJURY_THU
    )
    [alert] = alerts_of(records(entries=(late,)), at(2026, 4, 2, 17), AlertCode.A6)
    assert "the DA incident entry of Mon 30 Mar 2026, recorded Thu 2 Apr 2026" in alert.message
    assert "DA_incident" not in alert.message


def test_a6_serious_entry_of_any_type_and_not_contextual_ones() -> None:
    serious = entry(INJURY_THU, EventType.DA_INCIDENT, Significance.SERIOUS)
    calm = entry(INJURY_THU, EventType.HOME_VISIT, Significance.SIGNIFICANT)
    [alert] = alerts_of(records(entries=(serious, calm)), at(2026, 4, 3), AlertCode.A6)
    assert alert.record_ids == (serious.record_id,)


def test_a6_only_on_a_cp_case() -> None:
    injury = entry(INJURY_THU, EventType.INJURY)
    assert (
        alerts_of(records(child(ChildStatus.CIN), entries=(injury,)), at(2026, 4, 3), AlertCode.A6)
        == []
    )


def test_a6_a_decision_with_a_strategy_option_closes_it() -> None:
    injury = entry(INJURY_THU, EventType.INJURY)
    case = records(entries=(injury,), decisions=(decision(injury.record_id),))
    assert alerts_of(case, at(2026, 4, 8), AlertCode.A6) == []


def test_a6_no_action_stays_open_until_a_supervisor_countersigns() -> None:
    injury = entry(INJURY_THU, EventType.INJURY)
    pending = decision(injury.record_id, DecisionOption.NO_ACTION)
    [alert] = alerts_of(
        records(entries=(injury,), decisions=(pending,)), at(2026, 4, 8), AlertCode.A6
    )
    assert "countersignature" in alert.message
    assert set(alert.record_ids) == {injury.record_id, pending.record_id}
    signed = decision(injury.record_id, DecisionOption.NO_ACTION, countersigned_by=SUPERVISOR)
    case = records(entries=(injury,), decisions=(pending, signed))
    assert alerts_of(case, at(2026, 4, 8), AlertCode.A6) == []


def test_a6_self_countersigned_no_action_does_not_count() -> None:
    selfish = decision(new_id(), DecisionOption.NO_ACTION, countersigned_by=WORKER)
    assert decision_counts(selfish, on_cp=True) is False


def test_a6_decision_without_the_strategy_option_does_not_count() -> None:
    injury = entry(INJURY_THU, EventType.INJURY)
    narrow = decision(
        injury.record_id, DecisionOption.REFER_TO_CSC, options=(DecisionOption.REFER_TO_CSC,)
    )
    [alert] = alerts_of(
        records(entries=(injury,), decisions=(narrow,)), at(2026, 4, 3), AlertCode.A6
    )
    assert "did not consider requesting a strategy discussion" in alert.message
    assert decision_counts(narrow, on_cp=False) is True


def test_a7_three_significant_neglect_entries_in_90_days() -> None:
    cin = child(ChildStatus.CIN, categories=(CPCategory.NEGLECT,))
    hits = tuple(
        entry(
            at(2026, m, 1), EventType.DEVELOPMENTAL_CONCERN, Significance.SIGNIFICANT, neglect=True
        )
        for m in (3, 4, 5)
    )
    [alert] = alerts_of(records(cin, entries=hits), at(2026, 5, 2), AlertCode.A7)
    assert len(alert.record_ids) == 3
    assert alerts_of(records(cin, entries=hits[1:]), at(2026, 5, 2), AlertCode.A7) == []
    # 1 March is 91 days before 31 May: out of the window.
    assert alerts_of(records(cin, entries=hits), at(2026, 5, 31), AlertCode.A7) == []


def test_a7_non_neglect_entries_do_not_count() -> None:
    cin = child(ChildStatus.CIN)
    hits = tuple(entry(at(2026, m, 1), significance=Significance.SIGNIFICANT) for m in (3, 4, 5))
    assert alerts_of(records(cin, entries=hits), at(2026, 5, 2), AlertCode.A7) == []


def test_a7_safety_scale_fall_of_two_points() -> None:
    before = visit(at(2026, 5, 1), scaling=(("Mother", 6), ("Social worker", 5)))
    fell = visit(at(2026, 5, 15), scaling=(("Mother", 4), ("Social worker", 4)))
    [alert] = alerts_of(records(visits=(before, fell)), at(2026, 5, 16), AlertCode.A7)
    assert "Mother" in alert.message
    assert "6 to 4" in alert.message
    recovered = visit(at(2026, 5, 29), scaling=(("Mother", 5),))
    case = records(visits=(before, fell, recovered))
    assert alerts_of(case, at(2026, 5, 30), AlertCode.A7) == []


def test_prompt_always_offers_a_strategy_discussion_first() -> None:
    options = offered_options()
    assert options[0] == DecisionOption.REQUEST_STRATEGY_DISCUSSION
    assert DecisionOption.NO_ACTION in options
    assert len(set(options)) == len(DecisionOption)


def test_a_decision_must_be_one_of_the_options_considered() -> None:
    with pytest.raises(ValidationError, match="decision: pick one of the options considered"):
        decision(new_id(), DecisionOption.ESCALATE)
