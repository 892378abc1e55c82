"""Server settings: one frozen object, read from DOORSTEP_* environment variables."""

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from shared.rules import RuleSettings
from sync_server.errors import ConfigError

ENV_PREFIX = "DOORSTEP_"
DEFAULT_DB_PATH = Path("data/doorstep-server.db")
SIGNIN_KEY_ENV = "DOORSTEP_SIGNIN_KEY_FILE"
TRANSFER_KEY_ENV = "DOORSTEP_TRANSFER_KEY_FILE"


def _default_signin_key_file() -> Path:
    # Outside the data folder: a copied database must not carry the key to its digests.
    found = os.environ.get(SIGNIN_KEY_ENV)
    return Path(found) if found else Path.home() / ".config" / "doorstep-server" / "signin.key"


def _default_transfer_key_file() -> Path:
    # Outside the data folder, like the sign-in key: a copied database must not sign bundles.
    found = os.environ.get(TRANSFER_KEY_ENV)
    return Path(found) if found else Path.home() / ".config" / "doorstep-server" / "transfer.key"


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

ProxyNetwork = IPv4Network | IPv6Network
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(db: str) -> bool:
    """Return True when a database setting names a PostgreSQL server, not a SQLite file."""
    return db.startswith(POSTGRES_SCHEMES)


def parse_trusted_proxies(entries: Iterable[str]) -> tuple[ProxyNetwork, ...]:
    """Return the networks of the reverse proxies to trust: each entry an address or network.

    Raises:
        ConfigError: an entry is neither (the message names the setting, not the entry).
    """
    networks: list[ProxyNetwork] = []
    for entry in entries:
        try:
            networks.append(ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ConfigError(
                "trusted_proxies: each entry must be an IP address or network, "
                "such as 10.0.0.5 or 10.0.0.0/24"
            ) from exc
    return tuple(networks)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server reads at start-up; secrets are kept out of repr."""

    db_path: Path = DEFAULT_DB_PATH
    # PostgreSQL instead of the SQLite file (--db postgresql://... or DOORSTEP_DATABASE_URL);
    # out of repr and logs: it may hold a password.
    database_url: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    demo: bool = False
    demo_password: str | None = field(default=None, repr=False)
    # Argon2id cost: OWASP's minimum (19 MiB, 2 passes, 1 lane); tests lower it for speed.
    password_hash_memory_kib: int = 19456
    password_hash_iterations: int = 2
    max_body_bytes: int = 64 * 1024 * 1024
    log_level: str = "info"
    # Sign-in limits: failures counted per username and per client address in a window;
    # consecutive failures of one username lock it for lockout_seconds.
    signin_window_seconds: int = 300
    signin_max_failures_per_username: int = 5
    signin_max_failures_per_address: int = 20
    signin_lockout_after: int = 10
    signin_lockout_seconds: int = 900
    # Keys the digests under which usernames and addresses are counted (never stored in clear).
    signin_key_file: Path = field(default_factory=_default_signin_key_file)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Reverse proxies whose X-Forwarded-For names the client (sign-in limits per address);
    # empty: the header is never read, every request is from its direct peer.
    trusted_proxies: tuple[ProxyNetwork, ...] = ()
    # Break-glass (docs/domain.md, Roles): how long a grant to read a case outside one's scope
    # lasts.
    break_glass_minutes: int = 60
    # Rule V1: how far past its receipt a pushed event time may be (device clocks drift).
    clock_tolerance_seconds: int = 300
    # Issue 13: how long after a transfer the previous team's records made before it arrive.
    handover_grace_seconds: int = 30 * 86400
    # Alert thresholds (docs/domain.md, Alerts): the spec's defaults, or the rules table of a TOML
    # file (DOORSTEP_RULES_FILE: the app's flet.toml, so devices and server use the same values).
    rules: RuleSettings = field(default_factory=RuleSettings)
    # Transfers between authorities (sync_server/services/authority_transfer.py): this
    # server's authority name, the Ed25519 key its bundles are signed with, and the file
    # naming the authorities whose bundles it accepts (name = "ed25519:<public key>").
    authority_name: str | None = None
    transfer_key_file: Path = field(default_factory=_default_transfer_key_file)
    trusted_authorities_file: Path | None = None

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
        self._check_signin_limits()
        if self.break_glass_minutes < 1:
            raise ConfigError("break_glass_minutes: must be at least 1")
        if not 0 <= self.clock_tolerance_seconds <= 86400:
            raise ConfigError("clock_tolerance_seconds: must be between 0 and 86400")
        if not 0 <= self.handover_grace_seconds <= 366 * 86400:
            raise ConfigError("handover_grace_seconds: must be between 0 and 31622400 (366 days)")
        if self.signin_key_file.resolve().parent == self.db_path.resolve().parent:
            raise ConfigError("signin_key_file: keep it outside the database's folder")
        if self.transfer_key_file.resolve().is_relative_to(self.db_path.resolve().parent):
            raise ConfigError("transfer_key_file: keep it outside the database's folder")
        if self.database_url is not None and not is_postgres_url(self.database_url):
            raise ConfigError("database_url: must be a postgresql:// URL")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ConfigError(
                "tls_cert, tls_key: give both the certificate and its key, or neither"
            )

    def _check_signin_limits(self) -> None:
        for name in (
            "signin_window_seconds",
            "signin_max_failures_per_username",
            "signin_max_failures_per_address",
            "signin_lockout_after",
            "signin_lockout_seconds",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}: must be at least 1")

    @property
    def https(self) -> bool:
        """True when the server is to serve HTTPS."""
        return self.tls_cert is not None

    @property
    def database_label(self) -> str:
        """The database as logs may name it: the SQLite file, or the URL without its password."""
        if self.database_url is None:
            return str(self.db_path)
        url = urlsplit(self.database_url)
        host = url.hostname or "localhost"
        where = f"{url.username}@{host}" if url.username else host
        return f"{url.scheme}://{where}{f':{url.port}' if url.port else ''}{url.path}"

    def with_database(self, db: str | None) -> "Settings":
        """Return a copy using the --db given: a postgresql:// URL, else a SQLite file path."""
        if db is None:
            return self
        if is_postgres_url(db):
            return replace(self, database_url=db)
        return replace(self, db_path=Path(db), database_url=None)

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


def _path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(ENV_PREFIX + name)
    return Path(raw) if raw else None


def _list(env: Mapping[str, str], name: str) -> list[str]:
    """A comma- or space-separated list (empty when unset)."""
    return env.get(ENV_PREFIX + name, "").replace(",", " ").split()


def rules_from_file(path: Path) -> RuleSettings:
    """Read alert thresholds from a TOML file's [doorstep.rules] (flet.toml) or [rules] table;
    a file with neither gives the spec's defaults.

    Raises:
        ConfigError: the file cannot be read, or a threshold is unknown or out of range; the
            message names the setting, never its value.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"rules_file: cannot read it as TOML ({type(exc).__name__})") from None
    doorstep = data.get("doorstep")
    table = doorstep.get("rules") if isinstance(doorstep, dict) else None
    table = data.get("rules", {}) if table is None else table
    try:
        return RuleSettings.model_validate(table)
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        # a misordered window names its key in the message itself
        message = f"rules.{where}: {first['msg']}" if where else f"rules.{first['msg']}"
        raise ConfigError(message) from None


def _rules(env: Mapping[str, str], default: RuleSettings) -> RuleSettings:
    path = _path(env, "RULES_FILE")
    return rules_from_file(path) if path else default


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (DOORSTEP_DB, DOORSTEP_PORT, ...).

    Raises:
        ConfigError: a setting is malformed; the message names it, never its value.
    """
    env = os.environ if env is None else env
    defaults = Settings()
    return Settings(
        db_path=Path(env.get(ENV_PREFIX + "DB", str(defaults.db_path))),
        database_url=env.get(ENV_PREFIX + "DATABASE_URL") or None,
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
        signin_window_seconds=_int(env, "SIGNIN_WINDOW_SECONDS", defaults.signin_window_seconds),
        signin_max_failures_per_username=_int(
            env, "SIGNIN_MAX_FAILURES_PER_USERNAME", defaults.signin_max_failures_per_username
        ),
        signin_max_failures_per_address=_int(
            env, "SIGNIN_MAX_FAILURES_PER_ADDRESS", defaults.signin_max_failures_per_address
        ),
        signin_lockout_after=_int(env, "SIGNIN_LOCKOUT_AFTER", defaults.signin_lockout_after),
        signin_lockout_seconds=_int(env, "SIGNIN_LOCKOUT_SECONDS", defaults.signin_lockout_seconds),
        tls_cert=_path(env, "TLS_CERT"),
        tls_key=_path(env, "TLS_KEY"),
        trusted_proxies=parse_trusted_proxies(_list(env, "TRUSTED_PROXIES")),
        break_glass_minutes=_int(env, "BREAK_GLASS_MINUTES", defaults.break_glass_minutes),
        clock_tolerance_seconds=_int(
            env, "CLOCK_TOLERANCE_SECONDS", defaults.clock_tolerance_seconds
        ),
        handover_grace_seconds=_int(env, "HANDOVER_GRACE_SECONDS", defaults.handover_grace_seconds),
        rules=_rules(env, defaults.rules),
        authority_name=env.get(ENV_PREFIX + "AUTHORITY_NAME") or None,
        trusted_authorities_file=_path(env, "TRUSTED_AUTHORITIES_FILE"),
    )


@cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return load_settings()
