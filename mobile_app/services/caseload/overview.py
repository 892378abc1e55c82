"""What the caseload screen shows: families and children here, drafts, what waits to sync."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from mobile_app.services.chronology.alerts import ChildAlerts, DeviceAlertService
from mobile_app.services.records import RecordService
from mobile_app.services.sync.device_clock import device_clock_warning
from mobile_app.services.sync.sync_settings import LAST_SYNC_SETTING
from mobile_app.services.visits.drafts import DraftService
from mobile_app.services.visits.visit_due import (
    NO_VISIT,
    VisitDue,
    last_visits,
    latest_plans,
    plan_frequencies,
    visit_due,
)
from mobile_app.services.wording import age_text, label, plan_status_words
from mobile_app.store import DeviceStore
from shared.models import Child, CPPlan, SignificantAdult
from shared.rules import RuleSettings
from shared.vocabulary import Relationship


@dataclass(frozen=True)
class ChildRow:
    """A child on the caseload, with a visit draft in progress if there is one."""

    child_id: str
    case_id: str
    child: Child
    name: str
    age: str
    status: str
    draft_id: str | None
    due: VisitDue = NO_VISIT
    due_text: str = "No visit recorded"  # as of the day the caseload was read
    overdue: bool = False
    # The child's safeguarding alerts (A1-A12, F4) as of the moment the caseload was read.
    alerts: ChildAlerts = field(default_factory=lambda: ChildAlerts(""))


@dataclass(frozen=True)
class FamilyRow:
    """A family on the caseload and its children."""

    case_id: str
    family_name: str
    town: str
    children: tuple[ChildRow, ...]
    # Child Q finding 4: a family with no father or male carer on record is flagged.
    no_father: bool = False


@dataclass(frozen=True)
class KnownAdult:
    """A significant adult already recorded for a family."""

    adult_id: str
    label: str
    father_or_male_carer: bool = False  # offered for the father question (never a mother)


@dataclass(frozen=True)
class Overview:
    """A snapshot of the device for the caseload and sync screens."""

    families: tuple[FamilyRow, ...]
    pending: int
    drafts: int
    last_sync_at: datetime | None
    issues: int
    # The phone's clock is wrong by more than the tolerance, in plain words (V1), else None.
    clock_warning: str | None = None

    def child(self, child_id: str) -> ChildRow | None:
        """Return the caseload row of a child, if the child is on this device."""
        rows = (c for f in self.families for c in f.children if c.child_id == child_id)
        return next(rows, None)


def is_father_or_male_carer(adult: SignificantAdult) -> bool:
    """True for any significant adult but a mother (the record has no sex: relationship only)."""
    return adult.relationship != Relationship.MOTHER


def cases_with_men(store: DeviceStore) -> set[str]:
    """Return the cases with a father or male carer on record."""
    return {
        stored.version.case_id
        for stored in RecordService(store).current("significant_adult")
        if isinstance(stored.version.payload, SignificantAdult)
        and is_father_or_male_carer(stored.version.payload)
    }


def _child_row(
    case_id: str,
    child_id: str,
    child: Child,
    *,
    draft_id: str | None,
    due: VisitDue,
    today: date,
    alerts: ChildAlerts,
    plan: CPPlan | None = None,
) -> ChildRow:
    return ChildRow(
        child_id=child_id,
        case_id=case_id,
        child=child,
        name=f"{child.given_name} {child.family_name}",
        age=age_text(child, today),
        # The plan's own record, when there is one: the same words as the plan's screen.
        status=plan_status_words(plan) if plan else label(child.status),
        draft_id=draft_id,
        due=due,
        due_text=due.text(today),
        overdue=due.is_overdue(today),
        alerts=alerts,
    )


def device_overview(
    store: DeviceStore,
    today: date,
    now: datetime | None = None,
    rules: RuleSettings | None = None,
) -> Overview:
    """Read the caseload, drafts, alerts and sync state; overdue visits first, in each family
    and across. Alerts are as of `now` (midday today, UTC, when not given), with the profile's
    `rules` (the spec's defaults when not given)."""
    moment = now or datetime.combine(today, time(12), tzinfo=UTC)
    alerts = DeviceAlertService(store, rules, clock=lambda: moment).caseload()
    drafts = DraftService(store).all()
    draft_for = {d.child_id: d.draft_id for d in drafts}
    visited, tried = last_visits(store)
    plans = latest_plans(store)
    every = plan_frequencies(store)
    with_men = cases_with_men(store)
    families = []
    for case in RecordService(store).caseload():
        rows = [
            _child_row(
                case.case_id,
                child_id,
                child,
                draft_id=draft_for.get(child_id),
                due=visit_due(
                    child.status,
                    visited.get(child_id),
                    plan_every_days=every.get(child_id),
                    settings=rules,
                    tried=tried.get(child_id),
                ),
                today=today,
                alerts=alerts.get(child_id, ChildAlerts(child_id)),
                plan=plans.get(child_id),
            )
            for child_id, child in sorted(case.children.items(), key=lambda kv: kv[1].given_name)
        ]
        rows.sort(key=lambda row: row.due.urgency(today))  # stable: by name within a tie
        families.append(
            FamilyRow(
                case.case_id,
                case.family.family_name,
                case.family.address.town,
                tuple(rows),
                no_father=case.case_id not in with_men,
            )
        )
    families.sort(key=lambda f: min((c.due.urgency(today) for c in f.children), default=(3, 0)))
    last = store.settings.get(LAST_SYNC_SETTING)
    return Overview(
        families=tuple(families),
        pending=store.outbox.count(),
        drafts=len(drafts),
        last_sync_at=datetime.fromisoformat(last) if isinstance(last, str) else None,
        issues=len(store.sync_issues.keys()),
        clock_warning=device_clock_warning(store),
    )


def known_adults(store: DeviceStore, case_id: str) -> list[KnownAdult]:
    """Return the significant adults recorded for a family, fathers and male carers included."""
    out = []
    for stored in RecordService(store).current("significant_adult"):
        adult = stored.version.payload
        if stored.version.case_id == case_id and isinstance(adult, SignificantAdult):
            name = adult.name or adult.description_if_unidentified or "Unnamed adult"
            text = f"{name} ({label(adult.relationship)})"
            out.append(KnownAdult(stored.version.record_id, text, is_father_or_male_carer(adult)))
    return out


def last_sync_text(last: datetime | None, now: datetime) -> str:
    """Say when this device last synced, in local time."""
    if last is None:
        return "Never synced on this device"
    local, today = last.astimezone(), now.astimezone().date()
    day = "today" if local.date() == today else local.strftime("%d %b %Y")
    return f"Last synced {day} at {local:%H:%M}"
