"""The device's HTTP client for the sync server, speaking shared.protocol.

Every failure becomes a SyncError leaf: no connection (ServerUnreachable), a refusal with the
server's reason (ServerRefused), a withdrawn device (DeviceRevoked), a server whose key is not
the pinned one (ServerNotTrusted), or a broken answer (ServerFault). Being offline is normal
for this app, so callers treat ServerUnreachable as a state, not a crash.

Dropped idle connections: the client lets an idle pooled connection go well before the server
does (shared.connection); should a reused connection still turn out closed, an idempotent call
(push, pull, reads) is sent once more on a fresh connection before anything is reported. A push
is idempotent: a version the server already stored is answered `duplicate`.

TLS pinning: with a pin, the pinned key is the trust anchor (a partnership may run its server
on a private CA or a self-signed certificate). The check runs inside the TLS handshake, before
httpx writes a single byte of the request, so a wrong server never sees a token or a record.
"""

import hashlib
import hmac
import ssl
import time
from datetime import datetime
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from mobile_app.config import AppProfile, pin_digest
from mobile_app.crypto import spki_sha256
from mobile_app.errors import (
    DeviceRevoked,
    ServerFault,
    ServerNotTrusted,
    ServerRefused,
    ServerUnreachable,
)
from mobile_app.pull_page import PulledPage, read_pull_page
from shared.connection import CLIENT_KEEPALIVE_S
from shared.device_wipe import WipeConfirmation, WipeConfirmed
from shared.handover import HandoverForwardRequest
from shared.protocol import (
    ChronologyResponse,
    ErrorBody,
    LoginRequest,
    LoginResponse,
    PushItemResult,
    PushRequest,
    PushResponse,
    server_time,
)
from shared.supervision.dashboard import TeamDashboardResponse

_Answer = TypeVar("_Answer", bound=BaseModel)
Params = dict[str, int] | httpx.QueryParams


DEFAULT_TIMEOUT_S = 30.0
REVOKED_CODE = "device_revoked"
# What a request sent into a connection the server had already closed fails with.
_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
UNREADABLE = "The server's answer could not be read. Your records are kept and will sync later."
NOT_TRUSTED = (
    "The server did not prove it is your organisation's server (its key is not the pinned "
    "one), so nothing was sent. Your records are kept on this device; tell your IT team."
)


class _PinnedSocket(ssl.SSLSocket):
    """A TLS socket that refuses the connection unless the server's key hash is the pin."""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        context = self.context
        assert isinstance(context, PinnedContext)
        der = self.getpeercert(binary_form=True)
        if der is None or not hmac.compare_digest(spki_sha256(der), context.pin):
            self.close()
            raise ServerNotTrusted(NOT_TRUSTED)


class PinnedContext(ssl.SSLContext):
    """A TLS client context whose only trust anchor is one SubjectPublicKeyInfo hash."""

    pin: bytes


def pinned_context(pin: bytes) -> PinnedContext:
    """Return a TLS 1.2+ client context that accepts only a server whose SPKI SHA-256 is pin.

    Raises:
        ValueError: the pin is not a SHA-256 digest.
    """
    if len(pin) != hashlib.sha256().digest_size:
        raise ValueError("a TLS pin is a SHA-256 digest")
    context = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # The pin replaces the CA check: the chain is not verified, the key is.
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.sslsocket_class = _PinnedSocket
    context.pin = pin
    return context


def pinned_transport(profile: AppProfile) -> httpx.BaseTransport | None:
    """Return a transport that enforces the profile's TLS pin, or None when there is none."""
    if not profile.tls_pin or profile.server_url.scheme != "https":
        return None
    return httpx.HTTPTransport(verify=pinned_context(pin_digest(profile.tls_pin)))


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
        # keepalive_expiry below the server's timeout_keep_alive: the client drops an idle
        # connection before the server does, so it never sends into one the server closed.
        limits = httpx.Limits(keepalive_expiry=CLIENT_KEEPALIVE_S)
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout_s,
            transport=transport,
            limits=limits,
        )
        # The server's clock from its latest answer, and time.monotonic() when it came (V1).
        self.server_clock: tuple[datetime, float] | None = None
        self._pooled = False  # the last answer left its connection open for reuse

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
        body_json = body.model_dump_json()
        return self._call("POST", "/auth/login", LoginResponse, content=body_json, retry=False)

    def push(self, request: PushRequest) -> PushResponse:
        """Push a batch of versions; returns one result per item."""
        return self._call("POST", "/sync/push", PushResponse, content=request.model_dump_json())

    def forward(self, request: HandoverForwardRequest) -> PushItemResult:
        """Send a kept version with a supervisor's countersignature (issue 13); not retried:
        it carries a password, and the server answers a second copy as a duplicate anyway."""
        body = request.model_dump_json()
        return self._call("POST", "/sync/forward", PushItemResult, content=body, retry=False)

    def pull(self, cursor: int, limit: int = 500) -> PulledPage:
        """Fetch the next page of versions after cursor, every item validated (pull_page)."""
        return self.read_pull(self.pull_body(cursor, limit))

    def pull_body(self, cursor: int, limit: int = 500) -> bytes:
        """Download the next page after cursor, not yet read (see services.pages_ahead)."""
        params = {"cursor": cursor, "limit": limit}
        return self._exchange("GET", "/sync/pull", None, params, retry=True).content

    @staticmethod
    def read_pull(body: bytes) -> PulledPage:
        """Read a downloaded pull page; one that is not valid throughout is a ServerFault."""
        try:
            return read_pull_page(body)
        except ValueError as exc:  # a ValidationError, bad JSON or bad UTF-8: nothing stored
            raise ServerFault(UNREADABLE) from exc

    def chronology(self, child_id: str) -> ChronologyResponse:
        """Fetch a child's merged chronology from the server."""
        return self._call("GET", f"/children/{child_id}/chronology", ChronologyResponse)

    def dashboard(self) -> TeamDashboardResponse:
        """Fetch the team dashboard (supervisors only; others are refused with 403)."""
        return self._call("GET", "/review/dashboard", TeamDashboardResponse)

    def confirm_wipe(self, device_id: str, lost: WipeConfirmation) -> WipeConfirmed:
        """Tell the server this (withdrawn) device destroyed its keys and data, and how much
        unsynced work went with them; the revoked token is accepted for this call only."""
        return self._call(
            "POST",
            f"/devices/{device_id}/wipe-confirmation",
            WipeConfirmed,
            content=lost.model_dump_json(),
            retry=False,
        )

    def pdf(self, path: str, params: list[tuple[str, str]] | None = None) -> bytes:
        """Fetch a PDF the server makes (a chronology or a transfer pack; it audits each)."""
        query = httpx.QueryParams(tuple(params or ()))
        response = self._exchange("GET", path, None, query, retry=True)
        if not response.content.startswith(b"%PDF-"):
            raise ServerFault("The server's answer was not a PDF. Try again later.")
        return response.content

    def _call(
        self,
        method: str,
        path: str,
        answer: type[_Answer],
        content: str | None = None,
        params: Params | None = None,
        *,
        retry: bool = True,
    ) -> _Answer:
        response = self._exchange(method, path, content, params, retry=retry)
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerFault(UNREADABLE) from exc

    def _exchange(
        self,
        method: str,
        path: str,
        content: str | None,
        params: Params | None,
        *,
        retry: bool,
    ) -> httpx.Response:
        """Send one request (once more on a fresh connection where that is safe) and turn a
        failure into the app's errors; returns a successful answer."""
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            try:
                response = self._send(method, path, content, params, headers)
            except _STALE_CONNECTION:
                if not (retry and self._pooled):
                    raise
                # A reused connection the server had closed: the pool has dropped it, so this
                # goes on a fresh one. Only idempotent calls come here (see the module doc).
                self._pooled = False
                response = self._send(method, path, content, params, headers)
        except httpx.TransportError as exc:
            self._pooled = False
            raise ServerUnreachable(
                "The server could not be reached. Your records are kept and will sync later."
            ) from exc
        told = server_time(response.headers)
        if told is not None:
            self.server_clock = (told, time.monotonic())
        if response.status_code >= 500:
            raise ServerFault(
                f"The server had a problem (HTTP {response.status_code}). "
                "Your records are kept and will sync later."
            )
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def _send(
        self,
        method: str,
        path: str,
        content: str | None,
        params: Params | None,
        headers: dict[str, str] | None,
    ) -> httpx.Response:
        response = self._http.request(method, path, content=content, params=params, headers=headers)
        closing = "close" in (
            response.headers.get("connection", "").lower(),
            response.request.headers.get("connection", "").lower(),
        )
        self._pooled = not closing
        return response


def _refusal(response: httpx.Response) -> ServerRefused | DeviceRevoked:
    try:
        error = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return ServerRefused(response.status_code, "unknown", f"HTTP {response.status_code}")
    if response.status_code == httpx.codes.UNAUTHORIZED and error.code == REVOKED_CODE:
        return DeviceRevoked("This device was withdrawn by your organisation.")
    return ServerRefused(response.status_code, error.code, error.message)
