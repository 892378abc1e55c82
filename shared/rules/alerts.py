"""Compute every alert (A1-A12, F4) for one child from the records held and `now`."""

from collections.abc import Callable, Iterable
from datetime import datetime

from shared.rules.calendar import WorkingDayCalendar
from shared.rules.context import RuleContext, normalise
from shared.rules.incident_alerts import (
    a5_missed_contacts,
    a6_decision_required,
    a7_accumulating_neglect,
)
from shared.rules.inputs import CaseRecords
from shared.rules.model import Alert
from shared.rules.people_alerts import (
    a8_unidentified_adults,
    a8b_parent_checks,
    a9_move,
    f4_father,
)
from shared.rules.settings import RuleSettings
from shared.rules.timescale_alerts import (
    a10_conference_timescales,
    a11_hcp_contacts,
    a12_escalation,
)
from shared.rules.visit_alerts import (
    a1_write_up,
    a2_statutory_visit,
    a3_seen_alone_and_bedroom,
    a4_unseen,
)

Rule = Callable[[RuleContext], list[Alert]]

RULES: tuple[Rule, ...] = (
    a1_write_up,
    a2_statutory_visit,
    a3_seen_alone_and_bedroom,
    a4_unseen,
    a5_missed_contacts,
    a6_decision_required,
    a7_accumulating_neglect,
    a8_unidentified_adults,
    a8b_parent_checks,
    a9_move,
    a10_conference_timescales,
    a11_hcp_contacts,
    a12_escalation,
    f4_father,
)


def compute_alerts(
    records: CaseRecords,
    now: datetime,
    calendar: WorkingDayCalendar,
    settings: RuleSettings | None = None,
) -> list[Alert]:
    """Return the child's open alerts in a stable order, whatever order the records came in."""
    if now.tzinfo is None:
        raise ValueError("now: give an aware datetime (UTC), not a naive one")
    ctx = RuleContext(normalise(records), now, calendar, settings or RuleSettings())
    found = {alert for rule in RULES for alert in rule(ctx)}
    return sorted(found, key=Alert.sort_key)


def caseload_alerts(
    caseload: Iterable[CaseRecords],
    now: datetime,
    calendar: WorkingDayCalendar,
    settings: RuleSettings | None = None,
) -> list[Alert]:
    """Return every child's alerts on a caseload, most urgent first, then by child."""
    urgency = {"overdue": 0, "action": 1, "due": 2}
    found = [a for case in caseload for a in compute_alerts(case, now, calendar, settings)]
    return sorted(found, key=lambda a: (urgency[a.severity.value], a.child_id, a.sort_key()))
