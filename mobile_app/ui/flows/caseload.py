"""The caseload: the families and children on this device, and the way to each screen."""

from collections.abc import Callable

from mobile_app.services.caseload.overview import Overview
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import HubFlow
from mobile_app.ui.flows.review import ReviewBadge


class CaseloadFlow(HubFlow):
    """What the caseload asks of the app: open a child's screens, sync, sign out."""

    def __init__(
        self,
        app: AppController,
        badge: Callable[[Overview | None], ReviewBadge],
    ) -> None:
        super().__init__(app)
        self._badge = badge

    def badge(self, overview: Overview | None) -> ReviewBadge:
        """What the supervision banner says: the queue's size and my returned records."""
        return self._badge(overview)
