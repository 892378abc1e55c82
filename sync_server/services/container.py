"""The services wired together over one repository: built once per app."""

from dataclasses import dataclass

from sync_server.config import Settings
from sync_server.repository import Repository
from sync_server.services.allocations import AllocationService
from sync_server.services.audit import AuditTrail
from sync_server.services.auth import AuthService
from sync_server.services.chronology import ChronologyService
from sync_server.services.demo import DemoService
from sync_server.services.history import HistoryService
from sync_server.services.passwords import PasswordHasher
from sync_server.services.sync import SyncService


@dataclass(frozen=True, slots=True)
class ServiceContainer:
    """Every service the HTTP layer calls, sharing one repository and audit trail."""

    repository: Repository
    audit: AuditTrail
    auth: AuthService
    sync: SyncService
    chronology: ChronologyService
    history: HistoryService
    demo: DemoService
    allocations: AllocationService

    @classmethod
    def build(cls, settings: Settings, repository: Repository) -> "ServiceContainer":
        """Wire the services for these settings over repository."""
        audit = AuditTrail(repository)
        hasher = PasswordHasher(
            settings.password_hash_memory_kib, settings.password_hash_iterations
        )
        auth = AuthService(repository, hasher, audit)
        sync = SyncService(repository, audit)
        chronology = ChronologyService(repository, audit)
        history = HistoryService(repository, audit)
        demo = DemoService(repository, auth, sync, audit)
        allocations = AllocationService(repository, audit)
        return cls(repository, audit, auth, sync, chronology, history, demo, allocations)
