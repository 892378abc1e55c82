"""When each child's next visit is due, from the last visit this device holds (alert A2).

Statutory visit frequency is a local rule (docs/domain.md, Alerts): for a child on a plan it is
the plan's `visit_frequency_days`, else the partnership's `RuleSettings` default, counted in
calendar days as alert A2 counts them. Other children are due after a number of working days,
with England's bank holidays skipped.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mobile_app.services.records import RecordService
from mobile_app.services.working_days import add_working_days
from mobile_app.store import DeviceStore
from shared.models import CPPlan, Visit
from shared.rules import RuleSettings
from shared.vocabulary import ChildStatus, PlanStatus

OTHER_INTERVAL_WORKING_DAYS = 20  # a child not on a plan: no statutory frequency applies


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class VisitDue:
    """A child's next visit: when the last one was, when the next is due, and how far off."""

    last_visit: date | None
    due: date | None
    tried: date | None = None  # the latest visit without access since the last one

    def _tried_text(self) -> str:
        return f"; tried {self.tried:%a %d %b}, no access" if self.tried else ""

    def days_left(self, today: date) -> int | None:
        """Days until the visit is due (negative once overdue); None with no visit recorded."""
        return None if self.due is None else (self.due - today).days

    def is_overdue(self, today: date) -> bool:
        """True when the due day has passed."""
        left = self.days_left(today)
        return left is not None and left < 0

    def text(self, today: date) -> str:
        """Say when the visit is due, in plain words."""
        left = self.days_left(today)
        if left is None or self.due is None:
            return "No visit recorded" + self._tried_text()
        when = self.due.strftime("%a %d %b %Y")
        if left < 0:
            return f"Visit overdue by {_days(-left)} (was due {when}){self._tried_text()}"
        if left == 0:
            return f"Visit due today ({when}){self._tried_text()}"
        return f"Visit due in {_days(left)} ({when}){self._tried_text()}"

    def urgency(self, today: date) -> tuple[int, int]:
        """Sort key: most overdue first, then no visit recorded, then the soonest due."""
        left = self.days_left(today)
        if left is None:
            return (1, 0)
        return (0, left) if left < 0 else (2, left)


NO_VISIT = VisitDue(None, None)


def latest_plans(store: DeviceStore, *, active_only: bool = False) -> dict[str, CPPlan]:
    """Return, per child, the plan of the latest conference naming them (active or ended,
    or only active ones)."""
    plans = [
        s.version.payload
        for s in RecordService(store).current("cp_plan")
        if isinstance(s.version.payload, CPPlan)
        and (not active_only or s.version.payload.status == PlanStatus.ACTIVE)
    ]
    out: dict[str, CPPlan] = {}
    for plan in sorted(plans, key=lambda p: p.icpc_date):
        for child_id in plan.child_ids:
            out[child_id] = plan
    return out


def plan_frequencies(store: DeviceStore) -> dict[str, int]:
    """Return, per child, the visit frequency in days of the active plan naming them (the
    latest conference's, if several)."""
    active = latest_plans(store, active_only=True)
    return {child_id: plan.visit_frequency_days for child_id, plan in active.items()}


def last_visits(store: DeviceStore) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Return, per child, when the latest finalised visit on this device started, and when
    the latest visit without access did (which never makes a visit less due: the child still
    has to be seen). One pass over the visits."""
    seen: dict[str, datetime] = {}
    tried: dict[str, datetime] = {}
    for stored in RecordService(store).current("visit"):
        visit = stored.version.payload
        if not isinstance(visit, Visit):
            continue
        latest = tried if visit.attempted_only else seen
        for child_id in visit.child_ids:
            if child_id not in latest or visit.start > latest[child_id]:
                latest[child_id] = visit.start
    return seen, tried


def visit_due(
    status: ChildStatus,
    last: datetime | None,
    *,
    plan_every_days: int | None = None,
    settings: RuleSettings | None = None,
    tried: datetime | None = None,
) -> VisitDue:
    """When the next visit is due after the last one (None when there is none).

    A child on a plan: the plan's frequency, else the settings' default, in calendar days.
    Any other child: OTHER_INTERVAL_WORKING_DAYS working days.
    """
    attempt = tried.date() if tried and (last is None or tried > last) else None
    if last is None:
        return VisitDue(None, None, attempt)
    day = last.date()
    if status == ChildStatus.CP:
        every = plan_every_days or (settings or RuleSettings()).default_visit_frequency_days
        return VisitDue(day, day + timedelta(days=every), attempt)
    return VisitDue(day, add_working_days(day, OTHER_INTERVAL_WORKING_DAYS), attempt)
