"""Supervision as pure logic (issue 6): the review queue and the team dashboard.

Nothing here reads a clock, a file or the network, so a supervisor's device and the server
compute the same queue and the same figures from the same records.
"""

from shared.supervision.dashboard import (
    DashboardSettings,
    DeviceSyncInput,
    DraftInput,
    Figure,
    FigureItem,
    FigureKey,
    PaperworkFigure,
    TeamDashboard,
    team_dashboard,
)
from shared.supervision.queue import (
    COUNTERSIGN_REASONS,
    QueueItem,
    QueueReason,
    ReviewedRecord,
    TeamHead,
    countersign_reason,
    countersignature,
    decisions_on,
    review_queue,
    reviewed_record,
)

__all__ = [
    "COUNTERSIGN_REASONS",
    "DashboardSettings",
    "DeviceSyncInput",
    "DraftInput",
    "Figure",
    "FigureItem",
    "FigureKey",
    "PaperworkFigure",
    "QueueItem",
    "QueueReason",
    "ReviewedRecord",
    "TeamDashboard",
    "TeamHead",
    "countersign_reason",
    "countersignature",
    "decisions_on",
    "review_queue",
    "reviewed_record",
    "team_dashboard",
]
