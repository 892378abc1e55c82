"""The field app's deployment profile (flet.toml) and where its data lives."""

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from mobile_app.errors import ConfigError

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "flet.toml"


class AppProfile(BaseModel):
    """Settings a partnership deploys the app with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = Field(min_length=1, max_length=200)
    server_url: HttpUrl
    auto_lock_minutes: int = Field(ge=1, le=5)
    offline_window_days: int = Field(ge=1, le=90)
    tls_pin: str = ""


def load_profile(path: Path | None = None) -> AppProfile:
    """Read and validate the [doorstep] table of flet.toml.

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
        return AppProfile.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "doorstep"
        raise ConfigError(f"{path}: setting '{field}': {first['msg']}") from exc


def default_data_dir() -> Path:
    """Return where the app keeps its files: DOORSTEP_DATA, else Flet's app storage, else
    ./data/device."""
    storage = os.environ.get("DOORSTEP_DATA") or os.environ.get("FLET_APP_STORAGE_DATA")
    return Path(storage) if storage else Path.cwd() / "data" / "device"
