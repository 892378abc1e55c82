"""What a rule produces: an alert naming what is due or overdue and the records behind it."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class AlertCode(StrEnum):
    """The alerts of docs/domain.md (Alerts), A8b (checks on a known parent) and F4 (finding 4)."""

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    A4 = "A4"
    A5 = "A5"
    A6 = "A6"
    A7 = "A7"
    A8 = "A8"
    # Agency checks outstanding on a known parent: lower than A8's new or unidentified adult.
    A8B = "A8b"
    A9 = "A9"
    A10 = "A10"
    A11 = "A11"
    A12 = "A12"
    F4 = "F4"


class Severity(StrEnum):
    """How soon someone must act: a countdown, a concern to act on, or overdue."""

    DUE = "due"
    ACTION = "action"
    OVERDUE = "overdue"


class Audience(StrEnum):
    """Who an alert goes to (docs/domain.md, Alerts: the Goes to column)."""

    AUTHOR = "author"
    WORKER = "worker"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    LEAD_PRACTITIONER = "lead_practitioner"
    HEALTH_VISITOR = "health_visitor"


_A = Audience
AUDIENCES: dict[AlertCode, tuple[Audience, ...]] = {
    AlertCode.A1: (_A.AUTHOR, _A.SUPERVISOR),
    AlertCode.A2: (_A.WORKER, _A.MANAGER),
    AlertCode.A3: (_A.SUPERVISOR,),
    AlertCode.A4: (_A.MANAGER, _A.LEAD_PRACTITIONER),
    AlertCode.A5: (_A.WORKER, _A.SUPERVISOR),
    AlertCode.A6: (_A.WORKER, _A.SUPERVISOR),
    AlertCode.A7: (_A.WORKER, _A.SUPERVISOR),
    AlertCode.A8: (_A.WORKER,),
    AlertCode.A8B: (_A.WORKER,),
    AlertCode.A9: (_A.WORKER, _A.LEAD_PRACTITIONER),
    AlertCode.A10: (_A.LEAD_PRACTITIONER, _A.MANAGER),
    AlertCode.A11: (_A.HEALTH_VISITOR,),
    AlertCode.A12: (_A.WORKER, _A.MANAGER),
    AlertCode.F4: (_A.WORKER,),
}


class Alert(BaseModel):
    """One alert for one child, in plain English, with the ids of the records behind it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: AlertCode
    child_id: str
    severity: Severity
    message: str
    record_ids: tuple[str, ...] = ()
    due: date | None = None

    @property
    def audience(self) -> tuple[Audience, ...]:
        """Return who this alert goes to, by its code."""
        return AUDIENCES[self.code]

    def sort_key(self) -> tuple[str, str, str, tuple[str, ...], str]:
        """Return a total order so alert lists are stable whatever order records came in."""
        return (
            self.code.value,
            self.due.isoformat() if self.due else "",
            self.severity.value,
            self.record_ids,
            self.message,
        )


def make_alert(
    code: AlertCode,
    child_id: str,
    severity: Severity,
    message: str,
    record_ids: tuple[str, ...] | list[str] = (),
    *,
    due: date | None = None,
) -> Alert:
    """Build an alert with its record ids sorted, so equal facts give equal alerts."""
    return Alert(
        code=code,
        child_id=child_id,
        severity=severity,
        message=message,
        record_ids=tuple(sorted(set(record_ids))),
        due=due,
    )


def when(day: date) -> str:
    """Format a date the way a practitioner reads it: Tue 6 May 2025."""
    return f"{day:%a} {day.day} {day:%b %Y}"
