"""Server errors: one base, a few leaves, each with a stable code and an HTTP status.

    ServerError                    500 internal_error
     ├── ConfigError               500 config_error         settings refused at start-up
     ├── InvalidJson               400 invalid_json         the body is not JSON
     ├── ValidationFailed          400 validation_failed    details {"errors": [{field, message}]}
     ├── InvalidCredentials        401 invalid_credentials  wrong username or password
     ├── NotAuthenticated          401 not_authenticated    no or unknown token
     ├── DeviceRevoked             401 device_revoked       an administrator revoked the device
     ├── Forbidden                 403 forbidden            the role may not do or see this
     ├── NotFound                  404 not_found            absent, or not the caller's to see
     ├── TooManyRequests           429 too_many_requests    sign-in refused for now (Retry-After)
     └── StorageError              500 storage_error        the database refused a write
          └── DuplicateVersion     409 duplicate_version    a version id stored twice

app.py maps every leaf to `{code, message, details}` with its status; nothing here imports
Litestar. Messages never carry submitted values, names or notes.
"""

from typing import Any, ClassVar


class ServerError(Exception):
    """Something went wrong on the server."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500

    def __init__(
        self, message: str | None = None, details: dict[str, Any] | list[Any] | None = None
    ) -> None:
        self.message = message or (self.__doc__ or self.code).strip()
        self.details: dict[str, Any] | list[Any] = details if details is not None else {}
        super().__init__(self.message)


class ConfigError(ServerError):
    """The server settings are not valid."""

    code = "config_error"


class InvalidJson(ServerError):
    """The request body is not valid JSON."""

    code = "invalid_json"
    status = 400


class ValidationFailed(ServerError):
    """The request is not valid: see details.errors."""

    code = "validation_failed"
    status = 400

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationFailed":
        """Return the error for one field, with the standard details shape."""
        return cls(f"{field}: {message}", {"errors": [{"field": field, "message": message}]})


class InvalidCredentials(ServerError):
    """The username or password is not right."""

    code = "invalid_credentials"
    status = 401


class NotAuthenticated(ServerError):
    """Sign in first: the device token is missing or unknown."""

    code = "not_authenticated"
    status = 401


class DeviceRevoked(ServerError):
    """This device's access has been revoked by an administrator."""

    code = "device_revoked"
    status = 401


class TooManyRequests(ServerError):
    """Too many sign-in attempts: wait before trying again."""

    code = "too_many_requests"
    status = 429

    def __init__(self, retry_after_seconds: int) -> None:
        self.retry_after_seconds = max(1, retry_after_seconds)
        super().__init__(details={"retry_after_seconds": self.retry_after_seconds})


class Forbidden(ServerError):
    """Your role may not do or see this."""

    code = "forbidden"
    status = 403


class NotFound(ServerError):
    """Nothing was found here."""

    code = "not_found"
    status = 404


class StorageError(ServerError):
    """The database refused the write; nothing from this request was stored."""

    code = "storage_error"


class DuplicateVersion(StorageError):
    """A version with this id is already stored."""

    code = "duplicate_version"
    status = 409
