"""Alerts, decision prompts and the paperwork timeliness report (issue 4, server part)."""

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from sync_server.controllers.openapi import BEARER, errors
from sync_server.services import Session
from sync_server.services.chronology.alerts import (
    AlertService,
    CaseloadAlertsResponse,
    ChildAlertsResponse,
    PendingDecisionsResponse,
)
from sync_server.services.chronology.timeliness_report import TimelinessReport, TimelinessService

_MONTH = "a month, YYYY-MM (inclusive)"


@get(
    "/children/{child_id:str}/alerts",
    tags=["alerts"],
    security=BEARER,
    responses=errors(401, 403, 404),
)
async def child_alerts(
    child_id: FromPath[str], caller: NamedDependency[Session], alerts: NamedDependency[AlertService]
) -> ChildAlertsResponse:
    """Return the child's open alerts (404 unless the child is in your cases)."""
    return alerts.for_child(caller, child_id)


@get("/me/alerts", tags=["alerts"], security=BEARER, responses=errors(401, 403))
async def caseload_alerts(
    caller: NamedDependency[Session], alerts: NamedDependency[AlertService]
) -> CaseloadAlertsResponse:
    """Return the alerts on your caseload, grouped by child, most urgent child first."""
    return alerts.for_caseload(caller)


@get(
    "/cases/{case_id:str}/decisions/pending",
    tags=["alerts"],
    security=BEARER,
    responses=errors(401, 403, 404),
)
async def pending_decisions(
    case_id: FromPath[str], caller: NamedDependency[Session], alerts: NamedDependency[AlertService]
) -> PendingDecisionsResponse:
    """Return the case's incidents still waiting for a decision that counts."""
    return alerts.pending_decisions(caller, case_id)


@get(
    "/reports/timeliness",
    tags=["reports"],
    security=BEARER,
    responses=errors(400, 401, 403),
)
async def timeliness_report(
    caller: NamedDependency[Session],
    timeliness: NamedDependency[TimelinessService],
    from_: Annotated[str | None, QueryParameter(name="from", description=f"first {_MONTH}")] = None,
    to: Annotated[str | None, QueryParameter(description=f"last {_MONTH}")] = None,
) -> TimelinessReport:
    """Return per month the share of conference paperwork sent on time, against the standard."""
    return timeliness.report(caller, from_, to)
