"""The device's HTTP client for the sync server, speaking shared.protocol.

Every failure becomes a SyncError leaf: no connection (ServerUnreachable), a refusal with the
server's reason (ServerRefused), or a broken answer (ServerFault). Being offline is normal for
this app, so callers treat ServerUnreachable as a state, not a crash.
"""

from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from mobile_app.errors import ServerFault, ServerRefused, ServerUnreachable
from shared.protocol import (
    ChronologyResponse,
    ErrorBody,
    LoginRequest,
    LoginResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)

_Answer = TypeVar("_Answer", bound=BaseModel)

DEFAULT_TIMEOUT_S = 30.0


class SyncClient:
    """Talks to one Doorstep server, with this device's token once signed in."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s, transport=transport
        )

    def __enter__(self) -> "SyncClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def login(self, username: str, password: str, device_name: str) -> LoginResponse:
        """Sign in; the server issues a token for this device."""
        body = LoginRequest(username=username, password=password, device_name=device_name)
        return self._call("POST", "/auth/login", LoginResponse, content=body.model_dump_json())

    def push(self, request: PushRequest) -> PushResponse:
        """Push a batch of versions; returns one result per item."""
        return self._call("POST", "/sync/push", PushResponse, content=request.model_dump_json())

    def pull(self, cursor: int, limit: int = 500) -> PullResponse:
        """Fetch the next page of versions after cursor."""
        params = {"cursor": cursor, "limit": limit}
        return self._call("GET", "/sync/pull", PullResponse, params=params)

    def chronology(self, child_id: str) -> ChronologyResponse:
        """Fetch a child's merged chronology from the server."""
        return self._call("GET", f"/children/{child_id}/chronology", ChronologyResponse)

    def _call(
        self,
        method: str,
        path: str,
        answer: type[_Answer],
        content: str | None = None,
        params: dict[str, int] | None = None,
    ) -> _Answer:
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            response = self._http.request(
                method, path, content=content, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                "The server could not be reached. Your records are kept and will sync later."
            ) from exc
        if response.status_code >= 500:
            raise ServerFault(
                f"The server had a problem (HTTP {response.status_code}). "
                "Your records are kept and will sync later."
            )
        if response.status_code >= 400:
            raise _refusal(response)
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerFault(
                "The server's answer could not be read. Your records are kept and will sync later."
            ) from exc


def _refusal(response: httpx.Response) -> ServerRefused:
    try:
        error = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return ServerRefused(response.status_code, "unknown", f"HTTP {response.status_code}")
    return ServerRefused(response.status_code, error.code, error.message)
