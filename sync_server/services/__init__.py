"""Use cases: sign-in, sync, chronology, history, audit and demo seeding. No HTTP here."""

from sync_server.services.allocations import AllocationService
from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.auth import AuthService, Session
from sync_server.services.chronology import ChronologyService
from sync_server.services.container import ServiceContainer
from sync_server.services.demo import DemoSeed, DemoService
from sync_server.services.history import HistoryService
from sync_server.services.sync import DEFAULT_PULL_LIMIT, SyncService

__all__ = [
    "DEFAULT_PULL_LIMIT",
    "AllocationService",
    "AuditAction",
    "AuditTrail",
    "AuthService",
    "ChronologyService",
    "DemoSeed",
    "DemoService",
    "HistoryService",
    "ServiceContainer",
    "Session",
    "SyncService",
]
