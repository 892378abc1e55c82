"""The field app's deployment profile (flet.toml) and where its data lives."""

import base64
import binascii
import ipaddress
import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from mobile_app.errors import ConfigError
from shared.rules.settings import WINDOW_ERROR, WINDOW_RULE, RuleSettings

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "flet.toml"


class AppProfile(BaseModel):
    """Settings a partnership deploys the app with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = Field(min_length=1, max_length=200)
    server_url: HttpUrl
    auto_lock_minutes: int = Field(ge=1, le=5)
    offline_window_days: int = Field(ge=1, le=90)
    tls_pin: str = ""
    max_failed_unlocks: int = Field(default=10, ge=3, le=50)
    # A record the server fails on (5xx) this many syncs running is set aside (held back)
    # so the rest of the outbox goes on; the practitioner can try it again later.
    push_tries_before_set_aside: int = Field(default=5, ge=2, le=50)
    # docs/domain.md (Governance) forbids copying records out; a partnership may allow it for typed
    # text.
    allow_copy: bool = False
    # The thresholds of alerts A1-A12 on this device ([doorstep.rules]); spec defaults.
    rules: RuleSettings = Field(default_factory=RuleSettings)

    @field_validator("tls_pin")
    @classmethod
    def _pin_is_a_sha256(cls, pin: str) -> str:
        if pin and len(pin_digest(pin)) != 32:
            raise ValueError("must be the base64 SHA-256 of the server's public key")
        return pin


def pin_digest(pin: str) -> bytes:
    """Decode a base64 SPKI pin to its digest bytes (empty bytes when it is not base64)."""
    try:
        return base64.b64decode(pin, validate=True)
    except (binascii.Error, ValueError):
        return b""


def allowed_server_url(url: str) -> bool:
    """https anywhere; plain http only to this machine (a practitioner's records are sent)."""
    if url.startswith("https://"):
        return True
    if not url.startswith("http://"):
        return False
    host = urlsplit(url).hostname
    return is_loopback(host)


def is_loopback(host: str | None) -> bool:
    """True for localhost and loopback addresses, the only hosts plain http may reach."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_profile(path: Path | None = None) -> AppProfile:
    """Read and validate the [doorstep] table of flet.toml, its [doorstep.rules] included.

    Raises:
        ConfigError: the file is missing, unreadable, or a setting is invalid.
    """
    path = path or Path(os.environ.get("DOORSTEP_PROFILE", DEFAULT_PROFILE))
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("doorstep")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the app profile {path}: {exc}") from exc
    if not isinstance(table, dict):
        raise ConfigError(f"{path} has no [doorstep] table")
    try:
        profile = AppProfile.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        message = first["msg"]
        if first["type"] == WINDOW_ERROR:  # RuleSettings names the window in its context
            loc, message = [*loc, str(first.get("ctx", {}).get("key", ""))], WINDOW_RULE
        field = ".".join(loc) or "doorstep"
        raise ConfigError(f"{path}: setting '{field}': {message}") from exc
    if not allowed_server_url(str(profile.server_url)):
        raise ConfigError(
            f"{path}: setting 'server_url': plain http is allowed only for this machine "
            "(localhost); use https"
        )
    return profile


def default_keystore_dir() -> Path:
    """Return where the file keystore keeps device secrets: DOORSTEP_KEYSTORE, else the user's
    config folder. Never the data folder: keys are not stored beside the data they protect."""
    chosen = os.environ.get("DOORSTEP_KEYSTORE")
    if chosen:
        return Path(chosen)
    config_home = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config_home) / "doorstep" / "keystore"


def default_data_dir() -> Path:
    """Return where the app keeps its files: DOORSTEP_DATA, else Flet's app storage, else
    ./data/device."""
    storage = os.environ.get("DOORSTEP_DATA") or os.environ.get("FLET_APP_STORAGE_DATA")
    return Path(storage) if storage else Path.cwd() / "data" / "device"
