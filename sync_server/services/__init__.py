"""Use cases: sign-in, sync, chronology, audit and demo seeding. No HTTP here."""

from sync_server.services.audit import AuditAction, AuditTrail
from sync_server.services.auth import AuthService, Session
from sync_server.services.chronology import ChronologyService
from sync_server.services.container import ServiceContainer
from sync_server.services.demo import DemoSeed, DemoService
from sync_server.services.sync import DEFAULT_PULL_LIMIT, SyncService

__all__ = [
    "DEFAULT_PULL_LIMIT",
    "AuditAction",
    "AuditTrail",
    "AuthService",
    "ChronologyService",
    "DemoSeed",
    "DemoService",
    "ServiceContainer",
    "Session",
    "SyncService",
]
