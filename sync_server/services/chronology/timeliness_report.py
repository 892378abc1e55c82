"""Finding 6: per month, the share of conference paperwork distributed on time against 80%.

Whose conferences count: the caller's read scope, as for the chronology: a supervisor's
report covers every case allocated to a member of their team (team caseload, docs/domain.md, Roles),
anyone else's the cases allocated to them; restricted meetings they may not read are left
out. The report holds counts only, no case content.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.clock import utc_now
from shared.rules import PeriodTimeliness, RuleSettings, distribution_timeliness
from shared.rules.bank_holidays import england_calendar
from shared.rules.calendar import add_months, local_date
from shared.vocabulary import Role
from sync_server.errors import Forbidden, ValidationFailed
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import caller_scope, viewer
from sync_server.services.chronology.alerts import NO_ALERT_ROLES
from sync_server.services.chronology.rule_inputs import current_records, meeting_inputs

MAX_REPORT_MONTHS = 60
DEFAULT_REPORT_MONTHS = 12
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class TimelinessReport(BaseModel):
    """GET /reports/timeliness: one row per month from `from_month` to `to_month`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_month: str
    to_month: str
    as_of: datetime
    scope: Literal["team", "allocation"]
    standard: float
    periods: list[PeriodTimeliness]


def parse_month(field: str, text: str) -> date:
    """Return the first day of a YYYY-MM month.

    Raises:
        ValidationFailed: the text is not a month; the error names the field only.
    """
    if not _MONTH.fullmatch(text):
        raise ValidationFailed.on(field, "give a month as YYYY-MM")
    return date(int(text[:4]), int(text[5:]), 1)


def _months(first: date, last: date) -> list[str]:
    out, month = [], first
    while month <= last:
        out.append(f"{month:%Y-%m}")
        month = add_months(month, 1)
    return out


def _no_conferences(month: str, standard: float) -> PeriodTimeliness:
    return PeriodTimeliness(
        period=month,
        due=0,
        on_time=0,
        late=0,
        pending=0,
        share_on_time=None,
        standard=standard,
        meets_standard=None,
    )


class TimelinessService:
    """Report paperwork timeliness over the caller's team or allocation."""

    def __init__(
        self,
        repository: Repository,
        audit: AuditTrail,
        settings: RuleSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._audit = audit
        self._settings = settings or RuleSettings()
        self.clock = clock  # the server clock; tests pin it

    def report(
        self, session: Session, start: str | None = None, end: str | None = None
    ) -> TimelinessReport:
        """Return each month's share on time, from `start` to `end` (YYYY-MM, inclusive).

        Without `end` the report ends this month; without `start` it covers 12 months.

        Raises:
            Forbidden: the caller's role has no routine case access.
            ValidationFailed: a month is malformed, the range runs backwards or is too long.
        """
        if session.practitioner.role in NO_ALERT_ROLES:
            raise Forbidden()
        now = self.clock()
        last = parse_month("to", end) if end else local_date(now).replace(day=1)
        first = parse_month("from", start) if start else add_months(last, 1 - DEFAULT_REPORT_MONTHS)
        months = _months(first, last)
        if not months:
            raise ValidationFailed.on("to", "must not be before from")
        if len(months) > MAX_REPORT_MONTHS:
            raise ValidationFailed.on("to", f"a report covers at most {MAX_REPORT_MONTHS} months")
        me = session.practitioner
        cases = caller_scope(self._repository, me).cases
        records = current_records(self._repository, cases, viewer(me))
        for case_id in sorted(cases):  # the report reads each case's meetings
            self._audit.record(
                AuditAction.CHRONOLOGY_READ,
                me.id,
                session.device_id,
                subject_type="case",
                subject_id=case_id,
            )
        meetings = [m for m in meeting_inputs(records) if first <= m.held_on.replace(day=1) <= last]
        calendar = england_calendar(local_date(now))
        found = {
            p.period: p for p in distribution_timeliness(meetings, now, calendar, self._settings)
        }
        standard = self._settings.distribution_standard
        periods = [found.get(month) or _no_conferences(month, standard) for month in months]
        return TimelinessReport(
            from_month=months[0],
            to_month=months[-1],
            as_of=now,
            scope="team" if me.role == Role.SUPERVISOR else "allocation",
            standard=standard,
            periods=periods,
        )
