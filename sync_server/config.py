"""Server settings: one frozen object, read from DOORSTEP_* environment variables."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from sync_server.errors import ConfigError

ENV_PREFIX = "DOORSTEP_"
DEFAULT_DB_PATH = Path("data/doorstep-server.db")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server reads at start-up; secrets are kept out of repr."""

    db_path: Path = DEFAULT_DB_PATH
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = False
    demo_password: str | None = field(default=None, repr=False)
    # Argon2id cost: OWASP's minimum (19 MiB, 2 passes, 1 lane); tests lower it for speed.
    password_hash_memory_kib: int = 19456
    password_hash_iterations: int = 2
    max_body_bytes: int = 64 * 1024 * 1024
    log_level: str = "info"

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ConfigError("port: must be between 1 and 65535")
        if self.password_hash_memory_kib < 8:
            raise ConfigError("password_hash_memory_kib: Argon2id needs at least 8 KiB")
        if self.password_hash_iterations < 1:
            raise ConfigError("password_hash_iterations: must be at least 1")
        if self.max_body_bytes < 1024:
            raise ConfigError("max_body_bytes: must be at least 1024")
        if self.demo_password is not None and not self.demo_password:
            raise ConfigError("demo_password: must not be empty")

    def with_overrides(self, **overrides: Any) -> "Settings":
        """Return a copy with the given fields replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(ENV_PREFIX + name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{name}: must be a whole number") from exc


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(ENV_PREFIX + name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{ENV_PREFIX}{name}: must be true or false")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (DOORSTEP_DB, DOORSTEP_PORT, ...)."""
    env = os.environ if env is None else env
    defaults = Settings()
    return Settings(
        db_path=Path(env.get(ENV_PREFIX + "DB", str(defaults.db_path))),
        host=env.get(ENV_PREFIX + "HOST", defaults.host),
        port=_int(env, "PORT", defaults.port),
        demo=_bool(env, "DEMO"),
        demo_password=env.get(ENV_PREFIX + "DEMO_PASSWORD") or None,
        password_hash_memory_kib=_int(
            env, "PASSWORD_HASH_MEMORY_KIB", defaults.password_hash_memory_kib
        ),
        password_hash_iterations=_int(
            env, "PASSWORD_HASH_ITERATIONS", defaults.password_hash_iterations
        ),
        max_body_bytes=_int(env, "MAX_BODY_BYTES", defaults.max_body_bytes),
        log_level=env.get(ENV_PREFIX + "LOG_LEVEL", defaults.log_level),
    )


@cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return load_settings()
