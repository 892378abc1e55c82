"""A Doorstep server stand-in behind httpx.MockTransport: healthy, down, or misbehaving."""

import json
import threading
from datetime import UTC, datetime

import httpx

from shared.ids import new_id
from shared.models import Practitioner
from shared.protocol import (
    ItemStatus,
    LoginResponse,
    PulledVersion,
    PullResponse,
    PushItemResult,
    PushRequest,
    PushResponse,
)
from shared.vocabulary import Agency, Role

PRACTITIONER = Practitioner(
    id=new_id(),
    username="hv-test",
    display_name="Test Visitor",
    role=Role.HEALTH_VISITOR,
    agency=Agency.HEALTH_VISITING,
    team="North",
)


class FakeServer:
    """Answers like the real server, or fails the way networks and servers do."""

    def __init__(self) -> None:
        self.mode = "up"  # up | down | timeout | 500 | garbage | refuse_login | revoked
        self.push_status = ItemStatus.ACCEPTED
        self.pullable: list[PulledVersion] = []
        self.pushed: list[str] = []
        self.push_gate: threading.Event | None = None  # when set, a push waits for it
        self.pull_gate: threading.Event | None = None  # when set, a pull waits for it
        self.seq = 100
        # GET /review/dashboard answers this JSON; None answers 403 as to a non-supervisor.
        self.dashboard: str | None = None
        self.dashboard_gate: threading.Event | None = None  # when set, the answer waits for it
        self.exports: list[tuple[str, list[tuple[str, str]]]] = []  # PDFs asked for, with filters

    def transport(self) -> httpx.MockTransport:
        """The transport to hand to SyncClient."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request according to the mode."""
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.mode == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        broken = {
            "500": httpx.Response(500, text="Internal Server Error"),
            "garbage": httpx.Response(200, text="{not json"),
        }
        if self.mode in broken:
            return broken[self.mode]
        if self.mode == "revoked" and request.url.path != "/auth/login":
            error = {"code": "unauthorised", "message": "This device's sign-in was withdrawn."}
            return httpx.Response(401, json=error)
        routes = {
            "/auth/login": self._login,
            "/sync/push": self._push,
            "/sync/pull": self._pull,
            "/review/dashboard": self._dashboard,
        }
        route = routes.get(request.url.path)
        if route is None and request.url.path.endswith(".pdf"):
            route = self._pdf
        if route is None:
            return httpx.Response(404, json={"code": "not_found", "message": "No such path."})
        return route(request)

    def _pdf(self, request: httpx.Request) -> httpx.Response:
        """A PDF export: remembered with its filters, answered with a tiny PDF."""
        self.exports.append((request.url.path, sorted(request.url.params.multi_items())))
        return httpx.Response(
            200, content=b"%PDF-1.4 synthetic", headers={"content-type": "application/pdf"}
        )

    def _login(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if self.mode == "refuse_login" or body["password"] != "right-password":
            error = {"code": "invalid_credentials", "message": "Wrong username or password."}
            return httpx.Response(401, json=error)
        answer = LoginResponse(token="t0ken", device_id=new_id(), practitioner=PRACTITIONER)
        return httpx.Response(200, text=answer.model_dump_json())

    def _push(self, request: httpx.Request) -> httpx.Response:
        if self.push_gate is not None:
            assert self.push_gate.wait(10), "the test never released the push"
        items = PushRequest.model_validate_json(request.content).items
        results = []
        for item in items:
            self.seq += 1
            self.pushed.append(item.version_id)
            status = self.push_status
            results.append(
                PushItemResult(
                    version_id=item.version_id,
                    status=status,
                    server_seq=self.seq,
                    field="payload.summary" if status == ItemStatus.REJECTED else None,
                    message="Summary is not allowed." if status == ItemStatus.REJECTED else None,
                )
            )
        return httpx.Response(200, text=PushResponse(results=results).model_dump_json())

    def _pull(self, request: httpx.Request) -> httpx.Response:
        if self.pull_gate is not None:
            assert self.pull_gate.wait(10), "the test never released the pull"
        cursor = int(request.url.params["cursor"])
        items = [v for v in self.pullable if v.server_seq > cursor]
        next_cursor = max([cursor, *(v.server_seq for v in items)])
        page = PullResponse(items=items, next_cursor=next_cursor, has_more=False)
        return httpx.Response(200, text=page.model_dump_json())

    def _dashboard(self, request: httpx.Request) -> httpx.Response:
        if self.dashboard_gate is not None:
            assert self.dashboard_gate.wait(10), "the test never released the dashboard"
        if self.dashboard is None:
            error = {"code": "forbidden", "message": "Only a team supervisor sees the dashboard."}
            return httpx.Response(403, json=error)
        return httpx.Response(200, text=self.dashboard)


def pulled(
    case_id: str, record_id: str, payload: object, seq: int, **extra: object
) -> PulledVersion:
    """A version as the server would send it (author, agency and receipt time can be given)."""
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    return PulledVersion.model_validate(
        {
            "version_id": new_id(),
            "record_id": record_id,
            "case_id": case_id,
            "device_time": now,
            "payload": payload,
            "server_seq": seq,
            "author_id": extra.get("author_id", new_id()),
            "author_agency": extra.get("agency", Agency.CSC),
            "recorded_at": extra.get("recorded_at", now),
        }
    )
