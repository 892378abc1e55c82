"""The team dashboard as JSON (issue 6): each figure with the list behind it.

The figures are the shared ones (`shared.supervision.dashboard`) over the supervisor's team
caseload, on the server clock, so a partnership's own reporting and the supervisor's device
agree. The server never holds drafts (they stay on the device until finalised), so the drafts
figure says it is not known here rather than showing a zero. A device's last sync is when the
server last saw it.
"""

from collections.abc import Callable
from datetime import datetime

from shared.clock import utc_now
from shared.rules import RuleSettings
from shared.rules.bank_holidays import england_calendar
from shared.rules.calendar import local_date
from shared.supervision.dashboard import (
    DashboardFigureResponse,
    DashboardSettings,
    DeviceSyncInput,
    Figure,
    FigureKey,
    FigureView,
    TeamDashboardResponse,
    team_dashboard,
)
from sync_server.errors import ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope, viewer
from sync_server.services.chronology.rule_inputs import case_records, current_records
from sync_server.services.supervision.review import SupervisorGate

# Figures only a device knows: shown as unknown, never as a made-up zero.
NOT_KNOWN_TO_SERVER = {
    FigureKey.STALE_DRAFTS: "Drafts stay on the device until finalised; the server holds none. "
    "See each device's own dashboard.",
}


def _view(figure: Figure) -> FigureView:
    note = NOT_KNOWN_TO_SERVER.get(figure.key)
    if note is not None:
        return FigureView(key=figure.key, known_to_server=False, count=None, items=[], note=note)
    return FigureView(
        key=figure.key, known_to_server=True, count=figure.count, items=list(figure.items)
    )


def parse_figure(figure: str) -> FigureKey:
    """Return the figure a query names.

    Raises:
        ValidationFailed: no figure has that key; the error names the field only.
    """
    try:
        return FigureKey(figure)
    except ValueError:
        keys = ", ".join(key.value for key in FigureKey)
        raise ValidationFailed.on("figure", f"give one of: {keys}") from None


def _iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


class DashboardService:
    """Compute the calling supervisor's team dashboard."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        settings: RuleSettings | None = None,
        dashboard_settings: DashboardSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._gate = SupervisorGate(audit)
        self._settings = settings or RuleSettings()
        self._limits = dashboard_settings or DashboardSettings()
        self.clock = clock  # the server clock; tests pin it

    def dashboard(self, session: Session) -> TeamDashboardResponse:
        """Return every figure of the caller's team; each case read is audited.

        Raises:
            Forbidden: the caller is not a supervisor.
        """
        self._gate.check(session, "team_dashboard")
        now = self.clock()
        me = session.practitioner
        cases = caller_scope(self._repository, me).cases
        current = current_records(self._repository, cases, viewer(me))
        caseload = case_records(current)
        devices = [
            DeviceSyncInput(
                device_id=d.device_id,
                practitioner_id=d.practitioner_id,
                last_synced_at=_iso(d.last_seen_at),
            )
            for d in self._repository.team_devices(me.team)
        ]
        found = team_dashboard(
            caseload,
            (),
            devices,
            now=now,
            calendar=england_calendar(local_date(now)),
            settings=self._settings,
            dashboard_settings=self._limits,
        )
        self._gate.audit_cases(session, AuditAction.TEAM_DASHBOARD_READ, cases)
        people = {d.practitioner_id for d in devices} | {r.author_id for r in current}
        named = self._repository.practitioners(people)
        return TeamDashboardResponse(
            as_of=now,
            team=me.team,
            figures=[_view(f) for f in found.figures],
            paperwork=found.paperwork,
            names={p.id: p.display_name for p in named.values()},
        )

    def figure(self, session: Session, key: str) -> DashboardFigureResponse:
        """Return one figure of the caller's team and the list behind it.

        Raises:
            Forbidden: the caller is not a supervisor.
            ValidationFailed: `figure` names no figure.
        """
        self._gate.check(session, "team_dashboard")
        wanted = parse_figure(key)
        board = self.dashboard(session)
        chosen = next(f for f in board.figures if f.key == wanted)
        return DashboardFigureResponse(as_of=board.as_of, team=board.team, figure=chosen)
