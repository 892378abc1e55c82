"""The team dashboard on a supervisor's device (issue 6): server figures, this device's drafts.

The server computes the team's figures; it holds no drafts, so the drafts figure is filled from
this device's own drafts and says so. Offline, nothing is shown: a dashboard is only worth
reading when it is current, so the screen says it needs a connection instead of showing a stale
copy (none is kept).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mobile_app.errors import ServerUnreachable
from mobile_app.services.records import RecordService
from mobile_app.services.visits.drafts import DraftService
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore
from mobile_app.sync_client import SyncClient
from shared.models import Meeting
from shared.rules.calendar import local_date
from shared.rules.model import when
from shared.rules.timeliness import PeriodTimeliness
from shared.supervision.dashboard import (
    DashboardSettings,
    FigureItem,
    FigureKey,
    FigureView,
    TeamDashboardResponse,
)

OUTSIDE_CASELOAD = "A child outside this device's caseload"
NEEDS_CONNECTION = (
    "The team dashboard needs a connection to the server: it is worked out there from the "
    "whole team's records. Connect and open it again."
)
TEAM_NAMES = "team_names"  # setting: the team's names by id, as the last dashboard gave them
THIS_DEVICE_ONLY = "This device only: the server holds no drafts, so other devices' are not here."

TITLES = {
    FigureKey.VISITS_OVERDUE: "Visits overdue",
    FigureKey.NOT_SEEN_ALONE: "Children not seen alone at two visits running",
    FigureKey.NO_FATHER_RECORDED: "No father or male carer recorded",
    FigureKey.INCIDENTS_WITHOUT_DECISION: "Incidents with no decision",
    FigureKey.ESCALATIONS_PAST_DUE: "Escalations past their due date",
    FigureKey.STALE_DRAFTS: "Drafts older than a day",
    FigureKey.UNSYNCED_DEVICES: "Devices not synced for days",
}


@dataclass(frozen=True)
class DashboardLine:
    """One line behind a figure: who it is about, in words, and what is wrong."""

    about: str
    child_ids: tuple[str, ...]
    record_ids: tuple[str, ...]
    detail: str
    due: date | None


@dataclass(frozen=True)
class DashboardFigure:
    """A figure as the screen shows it: title, count (None: not known), note, the list."""

    key: FigureKey
    title: str
    count: int | None
    lines: tuple[DashboardLine, ...]
    note: str = ""


@dataclass(frozen=True)
class PaperworkSummary:
    """Conference paperwork sent on time, overall and month by month, against the standard."""

    on_time: int
    late: int
    pending: int
    share_on_time: float | None
    standard: float
    periods: tuple[PeriodTimeliness, ...]
    late_meetings: tuple[str, ...] = ()  # each late meeting in words


@dataclass(frozen=True)
class TeamDashboardView:
    """What the dashboard screen shows: the figures when online, or why there are none."""

    online: bool
    as_of: datetime | None = None
    team: str = ""
    figures: tuple[DashboardFigure, ...] = ()
    paperwork: PaperworkSummary | None = None
    message: str = ""

    def figure(self, key: FigureKey) -> DashboardFigure | None:
        """Return one figure by its key, or None when it is not on show."""
        return next((f for f in self.figures if f.key == key), None)


def child_words(child_ids: tuple[str, ...], names: Mapping[str, str]) -> str:
    """Name the children this device holds (with their family); the rest only as outside
    its caseload, never by an id."""
    if not child_ids:
        return "No child named"
    held = [names[c] for c in child_ids if c in names]
    outside = len(child_ids) - len(held)
    if outside:
        held.append(OUTSIDE_CASELOAD if outside == 1 else f"{outside} children outside it")
    return "; ".join(held)


def _line(
    key: FigureKey, item: FigureItem, names: Mapping[str, str], people: Mapping[str, str]
) -> DashboardLine:
    if key == FigureKey.UNSYNCED_DEVICES:
        # A device line names the device's user: the device's id means nothing to anyone.
        who = people.get(item.practitioner_id or "", "a team member not named here")
        return DashboardLine(f"A device of {who}", (), (), item.detail, item.due)
    return DashboardLine(
        about=child_words(item.child_ids, names),
        child_ids=item.child_ids,
        record_ids=item.record_ids,
        detail=item.detail,
        due=item.due,
    )


def fetch_dashboard(client: SyncClient) -> TeamDashboardResponse | None:
    """Ask the server for the team dashboard; None when it cannot be reached (offline).

    Touches no store, so it may run off the UI thread.

    Raises:
        SyncError: the server refused (not a supervisor), faulted, or is not the pinned one.
    """
    try:
        with client:
            return client.dashboard()
    except ServerUnreachable:
        return None


class DashboardService:
    """Turns the server's dashboard into the screen's, with this device's own stale drafts."""

    def __init__(self, store: DeviceStore, settings: DashboardSettings | None = None) -> None:
        self._store = store
        self._limits = settings or DashboardSettings()

    def load(
        self, client: SyncClient, now: datetime, names: Mapping[str, str]
    ) -> TeamDashboardView:
        """Fetch and return the dashboard as of now, or the offline view with nothing in it.

        Raises:
            SyncError: as fetch_dashboard.
        """
        return self.view(fetch_dashboard(client), now, names)

    def view(
        self, answer: TeamDashboardResponse | None, now: datetime, names: Mapping[str, str]
    ) -> TeamDashboardView:
        """Return what the screen shows for the server's answer (None: offline).

        Args:
            answer: the server's dashboard, or None when it could not be reached.
            now: the device clock, for the age of this device's drafts.
            names: child id to name, for the children this device holds.
        """
        if answer is None:
            return TeamDashboardView(online=False, message=NEEDS_CONNECTION)
        if answer.names:
            # Kept (sealed) so the review queue names each author, offline too.
            self._store.settings.put(TEAM_NAMES, answer.names)
        paper = answer.paperwork
        return TeamDashboardView(
            online=True,
            as_of=answer.as_of,
            team=answer.team,
            figures=tuple(self._figure(f, now, names, answer.names) for f in answer.figures),
            paperwork=PaperworkSummary(
                on_time=paper.on_time,
                late=paper.late,
                pending=paper.pending,
                share_on_time=paper.share_on_time,
                standard=paper.standard,
                periods=paper.periods,
                late_meetings=tuple(self._meeting(m, names) for m in paper.late_meeting_ids),
            ),
        )

    def _meeting(self, meeting_id: str, names: Mapping[str, str]) -> str:
        held = [
            s.version.payload
            for s in RecordService(self._store).current("meeting")
            if s.version.record_id == meeting_id and isinstance(s.version.payload, Meeting)
        ]
        if not held:
            return "A conference about a child outside this device's caseload"
        meeting = held[0]
        about = child_words(meeting.child_ids, names)
        return f"{label(meeting.meeting_type)} of {meeting.held_at:%d %b %Y} about {about}"

    def _figure(
        self,
        figure: FigureView,
        now: datetime,
        names: Mapping[str, str],
        people: Mapping[str, str],
    ) -> DashboardFigure:
        title = TITLES.get(figure.key, figure.key.value)
        if figure.key == FigureKey.STALE_DRAFTS:
            lines = self._my_stale_drafts(now, names)
            return DashboardFigure(figure.key, title, len(lines), lines, THIS_DEVICE_ONLY)
        lines = tuple(_line(figure.key, item, names, people) for item in figure.items)
        return DashboardFigure(figure.key, title, figure.count, lines, figure.note or "")

    def _my_stale_drafts(
        self, now: datetime, names: Mapping[str, str]
    ) -> tuple[DashboardLine, ...]:
        cutoff = now - timedelta(hours=self._limits.draft_stale_hours)
        stale = [d for d in DraftService(self._store).all() if d.started_at < cutoff]
        return tuple(
            DashboardLine(
                about=child_words((d.child_id,), names),
                child_ids=(d.child_id,),
                record_ids=(d.draft_id,),
                detail=f"Draft started {when(local_date(d.started_at))}, not finalised.",
                due=None,
            )
            for d in sorted(stale, key=lambda d: d.started_at)
        )
