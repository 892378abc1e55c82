"""Records and a role-aware fake server for the safeguarding screens' tests (alerts, decisions,
plan outcomes, meetings)."""

import json
from datetime import UTC, datetime

import httpx

from shared.ids import new_id
from shared.models import ChronologyEntry, Practitioner
from shared.protocol import LoginResponse, PulledVersion
from shared.vocabulary import Role
from tests.mobile_app.safeguarding_builders import injury as device_injury
from tests.mobile_app.safeguarding_builders import person as practitioner
from tests.ui.fake_server import FakeServer, pulled

# Thursday 26 November 2026, 09:00 UTC; the injury was seen the day before.
TODAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
INJURY_SEEN = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


SOCIAL_WORKER = practitioner(Role.SOCIAL_WORKER, "sw-test")
SUPERVISOR = practitioner(Role.SUPERVISOR, "sup-test")


class RoleServer(FakeServer):
    """The fake server, signing in whoever the test names."""

    def __init__(self, me: Practitioner) -> None:
        super().__init__()
        self.me = me

    def _login(self, request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["password"] != "right-password":
            return httpx.Response(401, json={"code": "invalid_credentials", "message": "No."})
        answer = LoginResponse(token="t0ken", device_id=new_id(), practitioner=self.me)
        return httpx.Response(200, text=answer.model_dump_json())


def injury(child_id: str) -> ChronologyEntry:
    """A health visitor's injury entry about the child, seen yesterday."""
    return device_injury(child_id, INJURY_SEEN)


def arrived(case_id: str, record_id: str, payload: object, seq: int, at: datetime) -> PulledVersion:
    """A version made on a device and received by the server at the same moment, `at`."""
    version = pulled(case_id, record_id, payload, seq, recorded_at=at)
    return version.model_copy(update={"device_time": at})
