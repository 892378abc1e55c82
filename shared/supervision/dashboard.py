"""The team dashboard (issue 6): each figure with the list behind it.

The case figures come from the alert rules (`shared.rules`), so the dashboard, the alerts and
the server's JSON agree. What only the server knows (drafts and devices) comes in as plain
inputs.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.rules.alerts import caseload_alerts
from shared.rules.calendar import WorkingDayCalendar, local_date
from shared.rules.inputs import CONFERENCES, CaseRecords, MeetingInput
from shared.rules.model import Alert, AlertCode, when
from shared.rules.settings import RuleSettings
from shared.rules.timeliness import PeriodTimeliness, distribution_timeliness

# A3 covers two triggers and an Alert carries no sub-code: the seen-alone one is told apart by
# its wording, which tests/shared/test_dashboard.py pins.
_SEEN_ALONE_WORDING = "not seen alone"


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DraftInput(_Input):
    """A draft not yet finalised: whose it is, which children, and when it was started."""

    draft_id: str
    author_id: str
    child_ids: tuple[str, ...] = ()
    started_at: AwareDatetime


class DeviceSyncInput(_Input):
    """An enrolled, unrevoked device, whose it is, and when it last synced (None: never)."""

    device_id: str
    practitioner_id: str
    last_synced_at: AwareDatetime | None = None


class DashboardSettings(_Input):
    """How old a draft, and how long a device's silence, before they show on the dashboard."""

    draft_stale_hours: int = Field(default=24, ge=1)
    device_unsynced_days: int = Field(default=3, ge=1)


class FigureKey(StrEnum):
    """The team dashboard's figures, in the order it shows them."""

    VISITS_OVERDUE = "visits_overdue"
    NOT_SEEN_ALONE = "not_seen_alone_twice"
    NO_FATHER_RECORDED = "no_father_or_male_carer"
    INCIDENTS_WITHOUT_DECISION = "incidents_without_decision"
    ESCALATIONS_PAST_DUE = "escalations_past_due"
    STALE_DRAFTS = "drafts_older_than_a_day"
    UNSYNCED_DEVICES = "devices_not_synced"


class FigureItem(_Input):
    """One line behind a figure: the children and records to open, and what is wrong."""

    child_ids: tuple[str, ...] = ()
    record_ids: tuple[str, ...] = ()
    practitioner_id: str | None = None
    detail: str
    due: date | None = None


class Figure(_Input):
    """A dashboard figure and the list behind it."""

    key: FigureKey
    count: int
    items: tuple[FigureItem, ...]


class PaperworkFigure(_Input):
    """Conference paperwork sent on time, against the standard, and the meetings sent late."""

    on_time: int
    late: int
    pending: int
    share_on_time: float | None
    standard: float
    meets_standard: bool | None
    periods: tuple[PeriodTimeliness, ...]
    late_meeting_ids: tuple[str, ...]


class TeamDashboard(_Input):
    """Every figure of the team dashboard at one moment."""

    as_of: AwareDatetime
    figures: tuple[Figure, ...]
    paperwork: PaperworkFigure

    def figure(self, key: FigureKey) -> Figure:
        """Return one figure by its key."""
        return next(f for f in self.figures if f.key == key)


class FigureView(_Input):
    """One figure as the server sends it: its count and the list behind it, or why the
    server cannot know it (drafts stay on devices until they are finalised)."""

    key: FigureKey
    known_to_server: bool
    count: int | None
    items: list[FigureItem]
    note: str | None = None


class TeamDashboardResponse(_Input):
    """GET /review/dashboard: every figure of the supervisor's team."""

    as_of: AwareDatetime
    team: str
    figures: list[FigureView]
    paperwork: PaperworkFigure
    # The team's members and the records' authors by id: a device names people, never ids.
    names: dict[str, str] = Field(default_factory=dict)


class DashboardFigureResponse(_Input):
    """GET /review/dashboard?figure=KEY: one figure and the list behind it."""

    as_of: AwareDatetime
    team: str
    figure: FigureView


def _figure(key: FigureKey, items: Iterable[FigureItem]) -> Figure:
    unique = sorted(set(items), key=lambda i: (i.child_ids, i.record_ids, i.detail))
    return Figure(key=key, count=len(unique), items=tuple(unique))


def _alert_item(alert: Alert) -> FigureItem:
    return FigureItem(
        child_ids=(alert.child_id,),
        record_ids=alert.record_ids,
        detail=alert.message,
        due=alert.due,
    )


def _alert_figures(alerts: list[Alert]) -> list[Figure]:
    def of(code: AlertCode) -> list[Alert]:
        return [a for a in alerts if a.code == code]

    return [
        _figure(FigureKey.VISITS_OVERDUE, map(_alert_item, of(AlertCode.A2))),
        _figure(
            FigureKey.NOT_SEEN_ALONE,
            (_alert_item(a) for a in of(AlertCode.A3) if _SEEN_ALONE_WORDING in a.message),
        ),
        # F4 names no record when no father or male carer is recorded at all.
        _figure(
            FigureKey.NO_FATHER_RECORDED,
            (_alert_item(a) for a in of(AlertCode.F4) if not a.record_ids),
        ),
        _figure(FigureKey.INCIDENTS_WITHOUT_DECISION, map(_alert_item, of(AlertCode.A6))),
        _figure(FigureKey.ESCALATIONS_PAST_DUE, map(_alert_item, of(AlertCode.A12))),
    ]


def _stale_drafts(drafts: Iterable[DraftInput], now: datetime, hours: int) -> Figure:
    cutoff = now - timedelta(hours=hours)
    return _figure(
        FigureKey.STALE_DRAFTS,
        (
            FigureItem(
                child_ids=tuple(sorted(set(d.child_ids))),
                record_ids=(d.draft_id,),
                practitioner_id=d.author_id,
                detail=f"Draft started {when(local_date(d.started_at))}, not finalised.",
            )
            for d in drafts
            if d.started_at < cutoff
        ),
    )


def _unsynced_devices(devices: Iterable[DeviceSyncInput], now: datetime, days: int) -> Figure:
    cutoff = now - timedelta(days=days)
    return _figure(
        FigureKey.UNSYNCED_DEVICES,
        (
            FigureItem(
                record_ids=(d.device_id,),
                practitioner_id=d.practitioner_id,
                detail=(
                    "Never synced."
                    if d.last_synced_at is None
                    else f"Last synced {when(local_date(d.last_synced_at))}."
                ),
            )
            for d in devices
            if d.last_synced_at is None or d.last_synced_at <= cutoff
        ),
    )


def _paperwork(
    meetings: list[MeetingInput],
    now: datetime,
    calendar: WorkingDayCalendar,
    settings: RuleSettings,
) -> PaperworkFigure:
    periods = distribution_timeliness(meetings, now, calendar, settings)
    on_time = sum(p.on_time for p in periods)
    late = sum(p.late for p in periods)
    share = on_time / (on_time + late) if on_time + late else None
    # One meeting at a time, so the rule itself says which meetings had paperwork late.
    late_ids = {
        m.record_id
        for m in meetings
        if m.meeting_type in CONFERENCES
        and any(p.late for p in distribution_timeliness([m], now, calendar, settings))
    }
    return PaperworkFigure(
        on_time=on_time,
        late=late,
        pending=sum(p.pending for p in periods),
        share_on_time=share,
        standard=settings.distribution_standard,
        meets_standard=None if share is None else share >= settings.distribution_standard,
        periods=tuple(periods),
        late_meeting_ids=tuple(sorted(late_ids)),
    )


def team_dashboard(
    caseload: Iterable[CaseRecords],
    drafts: Iterable[DraftInput],
    devices: Iterable[DeviceSyncInput],
    *,
    now: datetime,
    calendar: WorkingDayCalendar,
    settings: RuleSettings | None = None,
    dashboard_settings: DashboardSettings | None = None,
) -> TeamDashboard:
    """Return the team dashboard: each figure with the children and records behind it.

    Args:
        caseload: one CaseRecords per child on the team's caseload.
        drafts: the team's drafts not yet finalised.
        devices: the team's enrolled devices that are not revoked.
        now: the current time.
        calendar: working days in England.
        settings: the partnership's alert thresholds (defaults from docs/domain.md).
        dashboard_settings: draft age and device silence thresholds.

    Raises:
        ValueError: when `now` is a naive datetime.
    """
    if now.tzinfo is None:
        raise ValueError("now: give an aware datetime (UTC), not a naive one")
    rules = settings or RuleSettings()
    limits = dashboard_settings or DashboardSettings()
    cases = list(caseload)
    alerts = caseload_alerts(cases, now, calendar, rules)
    figures = [
        *_alert_figures(alerts),
        _stale_drafts(drafts, now, limits.draft_stale_hours),
        _unsynced_devices(devices, now, limits.device_unsynced_days),
    ]
    meetings = [m for case in cases for m in case.meetings]
    return TeamDashboard(
        as_of=now,
        figures=tuple(figures),
        paperwork=_paperwork(meetings, now, calendar, rules),
    )
