"""Thin HTTP handlers, one module per resource; the services do the work.

Every route the server answers is registered here, in ROUTE_HANDLERS, and nowhere else.
"""

from litestar.types import ControllerRouterHandler

from sync_server.controllers.alerts import (
    caseload_alerts,
    child_alerts,
    pending_decisions,
    timeliness_report,
)
from sync_server.controllers.auth import AuthController
from sync_server.controllers.break_glass import BreakGlassController
from sync_server.controllers.caller import provide_caller
from sync_server.controllers.cases import CasesController
from sync_server.controllers.children import ChildrenController
from sync_server.controllers.devices import confirm_wipe
from sync_server.controllers.exports import CaseExportsController, ChildExportsController
from sync_server.controllers.handover import HandoverForwardController
from sync_server.controllers.health import health
from sync_server.controllers.links import LinksController
from sync_server.controllers.me import me
from sync_server.controllers.records import RecordsController
from sync_server.controllers.review import record_reviews, review_queue, team_dashboard
from sync_server.controllers.sync import SyncController
from sync_server.controllers.transfers import TransfersController

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    health,
    me,
    AuthController,
    confirm_wipe,
    SyncController,
    HandoverForwardController,
    ChildrenController,
    CasesController,
    RecordsController,
    LinksController,
    child_alerts,
    caseload_alerts,
    pending_decisions,
    timeliness_report,
    ChildExportsController,
    CaseExportsController,
    TransfersController,
    BreakGlassController,
    review_queue,
    team_dashboard,
    record_reviews,
]

__all__ = ["ROUTE_HANDLERS", "provide_caller"]
