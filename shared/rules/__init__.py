"""Safeguarding rules as pure functions: alerts A1-A12, timescales and paperwork timeliness.

Nothing here reads a clock, a file or the network: `now`, the bank holidays and the settings
are parameters, so the app and the server compute the same alerts from the same records.
"""

from shared.rules.alerts import caseload_alerts, compute_alerts
from shared.rules.calendar import WorkingDayCalendar, calendar_from_bank_holidays
from shared.rules.decisions import decision_counts, offered_options
from shared.rules.inputs import (
    AdultRecord,
    CaseRecords,
    CPPlanInput,
    DecisionInput,
    DecisionOption,
    EntryRecord,
    EscalationInput,
    MeetingInput,
    TransferOutInput,
    VisitProgress,
    VisitRecord,
)
from shared.rules.model import Alert, AlertCode, Audience, Severity
from shared.rules.settings import RuleSettings
from shared.rules.timeliness import PeriodTimeliness, distribution_timeliness

__all__ = [
    "AdultRecord",
    "Alert",
    "AlertCode",
    "Audience",
    "CPPlanInput",
    "CaseRecords",
    "DecisionInput",
    "DecisionOption",
    "EntryRecord",
    "EscalationInput",
    "MeetingInput",
    "PeriodTimeliness",
    "RuleSettings",
    "Severity",
    "TransferOutInput",
    "VisitProgress",
    "VisitRecord",
    "WorkingDayCalendar",
    "calendar_from_bank_holidays",
    "caseload_alerts",
    "compute_alerts",
    "decision_counts",
    "distribution_timeliness",
    "offered_options",
]
