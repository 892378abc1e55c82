"""Break-glass: reading a case outside one's scope, for a stated reason, for a short time.

A practitioner who holds cases (not a partner, an IG officer or an administrator) may open
a case they are not allocated to, giving a reason of at least 20 characters. The grant lasts
`minutes` (the `break_glass_minutes` setting, default 60) and lets them *read* the case on
the server (chronology, history, alerts) through services/access/scope.py; it never sends the case
to a device and never allows a push. Every grant writes two `break_glass_granted` audit rows
(the case, and the practitioner). There is no notification channel yet, so the caller's
team supervisor is told through GET /review/break-glass: their team's grants of the last
30 days, with the reasons. The reason is stored for that review and never logged or audited.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from shared.clock import iso, utc_now
from shared.ids import is_id, new_id
from shared.vocabulary import Role
from sync_server.errors import Forbidden, NotFound, ValidationFailed
from sync_server.repository import Repository
from sync_server.repository.break_glass import BreakGlassGrant
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope
from sync_server.services.sync.bodies import decode

DEFAULT_BREAK_GLASS_MINUTES = 60
REVIEW_DAYS = 30
MIN_REASON_CHARS = 20
BREAK_GLASS_ROLES = frozenset(
    {Role.HEALTH_VISITOR, Role.SCHOOL_NURSE, Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.CP_CHAIR}
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BreakGlassRequest(_Model):
    """Why the caller needs to read a case outside their scope (kept for the review only)."""

    reason: str = Field(min_length=MIN_REASON_CHARS, max_length=2000)


class BreakGlassGrantResponse(_Model):
    """A grant made: the case may be read until expires_at."""

    grant_id: str
    case_id: str
    granted_at: datetime
    expires_at: datetime


class BreakGlassReviewItem(_Model):
    """One grant as the grantee's supervisor reviews it."""

    grant_id: str
    case_id: str
    practitioner_id: str
    practitioner_name: str
    reason: str
    granted_at: datetime
    expires_at: datetime


class BreakGlassReview(_Model):
    """The break-glass grants made to members of the supervisor's team since `since`."""

    team: str
    since: datetime
    grants: list[BreakGlassReviewItem]


BREAK_GLASS_REQUEST = TypeAdapter(BreakGlassRequest)


class BreakGlassService:
    """Grant break-glass reads and show them to supervisors."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        minutes: int = DEFAULT_BREAK_GLASS_MINUTES,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Build the service; minutes is at least 1 (Settings refuses less)."""
        self._repository = repository
        self._audit = audit
        self._lifetime = timedelta(minutes=minutes)
        self._clock = clock

    def grant_json(self, session: Session, case_id: str, body: bytes) -> BreakGlassGrantResponse:
        """Grant a read of the case for a BreakGlassRequest body (see `grant`).

        Raises:
            Forbidden: the caller's role may not break the glass.
            InvalidJson: the body is not JSON.
            ValidationFailed: the reason is missing or shorter than 20 characters, or the
                case is already in the caller's scope.
            NotFound: there is no such case.
        """
        self._check_role(session, case_id)
        return self.grant(session, case_id, decode(BREAK_GLASS_REQUEST, body))

    def grant(
        self, session: Session, case_id: str, request: BreakGlassRequest
    ) -> BreakGlassGrantResponse:
        """Let the caller read the case until the grant expires; audited.

        Raises:
            Forbidden: the caller's role may not break the glass.
            ValidationFailed: the case is already in the caller's scope.
            NotFound: there is no such case.
        """
        me = session.practitioner
        self._check_role(session, case_id)
        if not is_id(case_id) or self._repository.record_case(case_id) != case_id:
            self._refuse(session, case_id)
            raise NotFound()
        if caller_scope(self._repository, me).holds(case_id):
            raise ValidationFailed.on("case_id", "this case is already in your scope")
        now = self._clock()
        grant = BreakGlassGrant(
            new_id(), me.id, case_id, me.team, request.reason, iso(now), iso(now + self._lifetime)
        )
        with self._repository.transaction():
            self._repository.add_break_glass(grant)
            for subject_type, subject_id in (("case", case_id), ("practitioner", me.id)):
                self._audit.record(
                    AuditAction.BREAK_GLASS_GRANTED,
                    me.id,
                    session.device_id,
                    subject_type=subject_type,
                    subject_id=subject_id,
                )
        return BreakGlassGrantResponse(
            grant_id=grant.id,
            case_id=case_id,
            granted_at=now,
            expires_at=now + self._lifetime,
        )

    def review(self, session: Session) -> BreakGlassReview:
        """Return the grants made to the supervisor's team in the last 30 days, newest first.

        Raises:
            Forbidden: the caller is not a supervisor.
        """
        me = session.practitioner
        if me.role != Role.SUPERVISOR:
            raise Forbidden("Only a supervisor reviews break-glass access.")
        since = self._clock() - timedelta(days=REVIEW_DAYS)
        grants = self._repository.team_break_glass(me.team, iso(since))
        people = self._repository.practitioners({grant.practitioner_id for grant in grants})
        self._audit.record(AuditAction.BREAK_GLASS_REVIEWED, me.id, session.device_id)
        return BreakGlassReview(
            team=me.team,
            since=since,
            grants=[
                BreakGlassReviewItem(
                    grant_id=grant.id,
                    case_id=grant.case_id,
                    practitioner_id=grant.practitioner_id,
                    practitioner_name=(
                        people[grant.practitioner_id].display_name
                        if grant.practitioner_id in people
                        else "unknown"
                    ),
                    reason=grant.reason,
                    granted_at=datetime.fromisoformat(grant.granted_at),
                    expires_at=datetime.fromisoformat(grant.expires_at),
                )
                for grant in grants
            ],
        )

    def _check_role(self, session: Session, case_id: str) -> None:
        if session.practitioner.role not in BREAK_GLASS_ROLES:
            self._refuse(session, case_id)
            raise Forbidden("Your role cannot open a case outside your allocation.")

    def _refuse(self, session: Session, case_id: str) -> None:
        self._audit.record(
            AuditAction.BREAK_GLASS_REFUSED,
            session.practitioner.id,
            session.device_id,
            subject_type="case",
            subject_id=case_id if is_id(case_id) else None,
        )
