"""The services wired together over one repository: built once per app."""

from dataclasses import dataclass
from datetime import timedelta

from sync_server.config import Settings
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditTrail
from sync_server.services.access.auth import AuthService, SignInLimits
from sync_server.services.access.break_glass import BreakGlassService
from sync_server.services.access.passwords import PasswordHasher
from sync_server.services.caseload.allocations import AllocationService
from sync_server.services.chronology.alerts import AlertService
from sync_server.services.chronology.chronology import ChronologyService
from sync_server.services.chronology.history import HistoryService
from sync_server.services.chronology.timeliness_report import TimelinessService
from sync_server.services.handover.exports import ExportService
from sync_server.services.handover.handover_forward import HandoverForwardService
from sync_server.services.handover.transfers import TransferService
from sync_server.services.supervision.dashboard import DashboardService
from sync_server.services.supervision.review import ReviewService
from sync_server.services.sync.sync import SyncService


@dataclass(frozen=True, slots=True)
class ServiceContainer:
    """Every service the HTTP layer calls, sharing one repository and audit trail."""

    repository: Repository
    audit: AuditTrail
    auth: AuthService
    sync: SyncService
    chronology: ChronologyService
    history: HistoryService
    allocations: AllocationService
    alerts: AlertService
    timeliness: TimelinessService
    review: ReviewService
    dashboard: DashboardService
    break_glass: BreakGlassService
    exports: ExportService
    transfers: TransferService
    forwards: HandoverForwardService

    @classmethod
    def build(cls, settings: Settings, repository: Repository) -> "ServiceContainer":
        """Wire the services for these settings over repository."""
        audit = AuditTrail(repository)
        hasher = PasswordHasher(
            settings.password_hash_memory_kib, settings.password_hash_iterations
        )
        auth = AuthService(repository, hasher, audit, limits=SignInLimits.from_settings(settings))
        sync = SyncService(
            repository,
            audit,
            clock_tolerance=timedelta(seconds=settings.clock_tolerance_seconds),
            handover_grace=timedelta(seconds=settings.handover_grace_seconds),
        )
        chronology = ChronologyService(repository, audit)
        history = HistoryService(repository, audit)
        allocations = AllocationService(repository, audit)
        alerts = AlertService(repository, audit, settings.rules)
        timeliness = TimelinessService(repository, audit, settings.rules)
        exports = ExportService(repository, chronology, alerts)
        return cls(
            repository,
            audit,
            auth,
            sync,
            chronology,
            history,
            allocations,
            alerts,
            timeliness,
            ReviewService(repository, audit),
            DashboardService(repository, audit, settings.rules),
            BreakGlassService(repository, audit, settings.break_glass_minutes),
            exports,
            TransferService(repository, exports, allocations, sync),
            HandoverForwardService(repository, auth, sync),
        )
