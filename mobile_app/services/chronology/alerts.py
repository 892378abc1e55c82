"""Alerts A1-A12 and F4 on this device, from the records it holds, with no network.

The same shared rules, calendar and settings the server uses run here on the device's current
records, so a practitioner offline sees what the server would show them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mobile_app.services.chronology.rule_records import (
    case_records,
    current_records,
    visit_progress,
)
from mobile_app.store import DeviceStore
from shared.clock import utc_now
from shared.rules import Alert, CaseRecords, RuleSettings, Severity, caseload_alerts
from shared.rules.bank_holidays import england_calendar
from shared.rules.calendar import local_date

SEVERITY_WORDS = {
    Severity.OVERDUE: "Overdue",
    Severity.ACTION: "Act now",
    Severity.DUE: "Due",
}


@dataclass(frozen=True)
class ChildAlerts:
    """One child's open alerts, most urgent first."""

    child_id: str
    alerts: tuple[Alert, ...] = ()

    @property
    def most_urgent(self) -> Alert | None:
        """Return the alert to act on first, if any."""
        return self.alerts[0] if self.alerts else None

    def summary(self) -> str:
        """Say how many alerts there are and the most urgent one, in one line."""
        first = self.most_urgent
        if first is None:
            return "No alerts"
        count = "1 alert" if len(self.alerts) == 1 else f"{len(self.alerts)} alerts"
        return f"{count}. {SEVERITY_WORDS[first.severity]}: {first.message}"


class DeviceAlertService:
    """Compute each child's alerts from the device's current records."""

    def __init__(
        self,
        store: DeviceStore,
        settings: RuleSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._settings = settings or RuleSettings()
        self._clock = clock

    def case_records(self) -> dict[str, CaseRecords]:
        """Return the rules' input for every child on this device, keyed by child id."""
        records = current_records(self._store)
        return case_records(records, visit_progress(self._store, records))

    def caseload(self) -> dict[str, ChildAlerts]:
        """Return every child's alerts on this device (children with none included)."""
        records = self.case_records()
        now = self._clock()
        found = caseload_alerts(
            records.values(), now, england_calendar(local_date(now)), self._settings
        )
        grouped: dict[str, list[Alert]] = {child_id: [] for child_id in records}
        for alert in found:  # most urgent first, kept in that order per child
            grouped[alert.child_id].append(alert)
        return {child_id: ChildAlerts(child_id, tuple(a)) for child_id, a in grouped.items()}

    def for_child(self, child_id: str) -> ChildAlerts:
        """Return one child's alerts (none for a child not on this device)."""
        return self.caseload().get(child_id, ChildAlerts(child_id))
