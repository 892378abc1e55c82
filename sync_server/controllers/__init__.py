"""Thin HTTP handlers, one module per resource; the services do the work."""

from litestar.types import ControllerRouterHandler

from sync_server.controllers.alerts import ALERT_HANDLERS
from sync_server.controllers.auth import AuthController
from sync_server.controllers.break_glass import BreakGlassController
from sync_server.controllers.caller import provide_caller
from sync_server.controllers.cases import CasesController
from sync_server.controllers.children import ChildrenController
from sync_server.controllers.devices import confirm_wipe
from sync_server.controllers.handover import HandoverForwardController
from sync_server.controllers.health import health
from sync_server.controllers.links import LinksController
from sync_server.controllers.me import me
from sync_server.controllers.records import RecordsController
from sync_server.controllers.review import REVIEW_HANDLERS
from sync_server.controllers.sync import SyncController
from sync_server.controllers.transfers import HANDOVER_HANDLERS

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
    *ALERT_HANDLERS,
    *HANDOVER_HANDLERS,
    BreakGlassController,
    *REVIEW_HANDLERS,
]

__all__ = ["ROUTE_HANDLERS", "provide_caller"]
