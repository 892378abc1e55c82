"""Use cases, grouped by capability (sync, chronology, supervision, handover, access,
caseload); the container wires them over one repository. No HTTP here."""

from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import AuthService, Session
from sync_server.services.caseload.allocations import AllocationService
from sync_server.services.chronology.chronology import ChronologyService
from sync_server.services.chronology.history import HistoryService
from sync_server.services.container import ServiceContainer
from sync_server.services.sync.sync import DEFAULT_PULL_LIMIT, SyncService

__all__ = [
    "DEFAULT_PULL_LIMIT",
    "AllocationService",
    "AuditAction",
    "AuditTrail",
    "AuthService",
    "ChronologyService",
    "HistoryService",
    "ServiceContainer",
    "Session",
    "SyncService",
]
