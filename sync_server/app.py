"""The Litestar application: routes, dependencies, the one error map, OpenAPI."""

import logging
from typing import Any

from litestar import Litestar, MediaType, Request, Response
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ExceptionHandlersMap, Message, Scope

from shared.clock import iso, utc_now
from shared.protocol import SERVER_TIME_HEADER, ErrorBody
from sync_server.config import Settings, get_settings
from sync_server.controllers import ROUTE_HANDLERS, provide_caller
from sync_server.controllers.offload import Offload
from sync_server.controllers.openapi import VariadicTupleSchema
from sync_server.demo import seed_demo
from sync_server.errors import (
    ConfigError,
    DeviceRevoked,
    NotAuthenticated,
    ServerError,
    TooManyRequests,
)
from sync_server.repository import Repository, open_repository
from sync_server.services import ServiceContainer

logger = logging.getLogger("doorstep.server")

_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
_HTTP_MESSAGES = {
    404: "Nothing was found here.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
}


def _error(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    body = ErrorBody(code=code, message=message, details=details or {})
    return Response(
        body.model_dump_json().encode(),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _server_error(_: Request[Any, Any, Any], exc: ServerError) -> Response[bytes]:
    if exc.status >= 500:
        logger.error("%s (%s)", type(exc).__name__, exc.code)
    headers: dict[str, str] = {}
    if isinstance(exc, NotAuthenticated | DeviceRevoked):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    return _error(exc.status, exc.code, exc.message, exc.details, headers or None)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        # Litestar's own checks (query parameters): keep the names, drop what was sent.
        extra = exc.extra if isinstance(exc.extra, list) else []
        errors = [
            {"field": str(e.get("key", "request")), "message": str(e.get("message", "invalid"))}
            for e in extra
            if isinstance(e, dict)
        ]
        message = f"{errors[0]['field']}: {errors[0]['message']}" if errors else "invalid request"
        return _error(400, "validation_failed", message, {"errors": errors})
    if status >= 500:
        return _unexpected(request, exc)
    code = _HTTP_CODES.get(status, "http_error")
    return _error(status, code, _HTTP_MESSAGES.get(status, "The request was refused."))


def _route_of(request: Request[Any, Any, Any]) -> str:
    # The template (/children/{child_id}/chronology), never the path with a child's id in it.
    return str(request.scope.get("path_template") or "unmatched route")


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # Type and route template only: the message, body or path (a child's id) could identify.
    logger.error("unexpected %s on %s %s", type(exc).__name__, request.method, _route_of(request))
    return _error(500, "internal_error", "Something went wrong on the server; nothing was lost.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ServerError: _server_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}


# Every answer is JSON for an app, never a page: nothing to sniff, frame, cache or load.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
HSTS = "max-age=31536000; includeSubDomains"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Add the security headers to the start of every HTTP answer (HSTS only over HTTPS)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS


async def add_server_time(message: Message, scope: Scope) -> None:
    """Tell the server's clock on every HTTP answer, errors included (rule V1): a device
    corrects its own clock by it before stamping what it records."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)[SERVER_TIME_HEADER] = iso(utc_now())


def _provide(value: object) -> Provide:
    def provider() -> object:
        return value

    return Provide(provider, use_cache=True, sync_to_thread=False)


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Doorstep sync server",
        version="0.1.0",
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="opaque")
            }
        ),
    )


def create_app(settings: Settings | None = None, repository: Repository | None = None) -> Litestar:
    """Build the app over repository (default: settings' database); seed demo data if asked.

    Raises:
        ConfigError: demo seeding was asked for without a demo password.
    """
    settings = settings or get_settings()
    if settings.demo and not settings.demo_password:
        raise ConfigError("demo_password: set DOORSTEP_DEMO_PASSWORD to seed demo data")
    repository = repository or open_repository(settings.db_path, settings.database_url)
    try:
        services = ServiceContainer.build(settings, repository)
        password = settings.demo_password if settings.demo else None
        demo = seed_demo(services, password) if password else None
    except BaseException:
        repository.close()
        raise
    return Litestar(
        route_handlers=ROUTE_HANDLERS,
        dependencies={
            # never cached: Provide(use_cache=True) would reuse one caller for every request
            "caller": Provide(provide_caller),
            "auth": _provide(services.auth),
            "sync": _provide(services.sync),
            # Push and pull in worker threads where the repository serves several callers.
            "offload": _provide(Offload.for_callers(repository.concurrent_callers)),
            "chronology": _provide(services.chronology),
            "history": _provide(services.history),
            "alerts": _provide(services.alerts),
            "timeliness": _provide(services.timeliness),
            "review": _provide(services.review),
            "dashboard": _provide(services.dashboard),
            "break_glass": _provide(services.break_glass),
            "exports": _provide(services.exports),
            "transfers": _provide(services.transfers),
            "forwards": _provide(services.forwards),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[add_security_headers, add_server_time],
        openapi_config=_openapi(),
        plugins=[VariadicTupleSchema()],
        on_shutdown=[repository.close],
        request_max_body_size=settings.max_body_bytes,
        state=State({"services": services, "demo": demo, "settings": settings}),
        debug=False,
    )
