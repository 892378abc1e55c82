"""`python -m sync_server [--db PATH|URL] [--host H] [--port N] [--demo]` runs the sync server.

`--db postgresql://USER@HOST/DB` (or DOORSTEP_DATABASE_URL) runs it on PostgreSQL 15+ instead
of the SQLite file; any number of server processes may share that database, and `--workers N`
starts N of them on one port.

`--tls-cert FILE --tls-key FILE` serves HTTPS (both or neither). Behind a reverse proxy,
`--trusted-proxy ADDRESS_OR_NETWORK` (repeatable; or DOORSTEP_TRUSTED_PROXIES, comma-separated)
lets sign-in limits read the client's address from the proxy's X-Forwarded-For.

Administrator commands (allocate, deallocate, revoke-device, revoke-user, list-devices,
verify-audit) are in sync_server/admin_cli.py: `python -m sync_server revoke-device --help`;
transfers between authorities (transfer-key, export-transfer, import-transfer) in
sync_server/authority_cli.py; add-practitioner, open-case and import-caseload in
sync_server/people_cli.py.
"""

import argparse
import asyncio
import gc
import logging
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import uvicorn
from litestar import Litestar

from shared.connection import SERVER_KEEPALIVE_S
from sync_server.admin_cli import ADMIN_COMMANDS, admin_command
from sync_server.app import create_app
from sync_server.config import Settings, load_settings, parse_trusted_proxies
from sync_server.errors import ConfigError, ServerError
from sync_server.repository import open_repository

READY_POLL_SECONDS = 0.05
GC_YOUNG_THRESHOLD = 50_000


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sync_server", description=__doc__)
    parser.add_argument(
        "--db",
        help="SQLite file, or postgresql://USER@HOST/DB (default: $DOORSTEP_DATABASE_URL, "
        "else $DOORSTEP_DB or data/doorstep-server.db)",
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--demo", action="store_true", help="seed synthetic demo data once")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (PostgreSQL only; default 1)"
    )
    parser.add_argument("--tls-cert", type=Path, help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", type=Path, help="PEM private key of --tls-cert")
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS_OR_NETWORK",
        help="a reverse proxy whose X-Forwarded-For names the client (repeatable)",
    )
    return parser.parse_args(argv)


def _settings(args: argparse.Namespace) -> tuple[Settings, str | None]:
    settings = (
        load_settings()
        .with_database(args.db)
        .with_overrides(
            host=args.host,
            port=args.port,
            demo=True if args.demo else None,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            trusted_proxies=parse_trusted_proxies(args.trusted_proxy)
            if args.trusted_proxy
            else None,
        )
    )
    for name, path in (("tls_cert", settings.tls_cert), ("tls_key", settings.tls_key)):
        if path is not None and not path.is_file():
            raise ConfigError(f"{name}: there is no file at this path")
    generated = None
    if settings.demo and settings.demo_password is None:
        generated = secrets.token_urlsafe(12)
        settings = settings.with_overrides(demo_password=generated)
    return settings, generated


async def _serve(server: uvicorn.Server, ready_line: str) -> None:
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():
        await asyncio.sleep(READY_POLL_SECONDS)
    if server.started:
        print(ready_line, flush=True)
    await task


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "loop": "uvloop",
        "http": "httptools",
        "access_log": False,  # request lines could carry ids of children; keep them out of logs
        # uvicorn would rewrite the client address from X-Forwarded-For sent via 127.0.0.1;
        # only the trusted_proxies setting decides that
        # (sync_server/services/access/client_address.py)
        "proxy_headers": False,
        "log_level": settings.log_level,
        "ssl_certfile": settings.tls_cert,
        "ssl_keyfile": settings.tls_key,
        # Longer than a device's keep-alive (shared.connection): the device always drops an
        # idle connection first, so it never sends a push into one this side just closed.
        "timeout_keep_alive": SERVER_KEEPALIVE_S,
    }


def _worker_environment(settings: Settings) -> dict[str, str]:
    """The settings a worker process reads from its environment: the command line's too."""
    assert settings.database_url is not None
    proxies = ",".join(str(network) for network in settings.trusted_proxies)
    # The parent seeded the demo data (and printed its password) already.
    return {"DOORSTEP_DATABASE_URL": settings.database_url, "DOORSTEP_DEMO": "0",
            "DOORSTEP_TRUSTED_PROXIES": proxies}  # fmt: skip


def _tune_gc() -> None:
    # A push allocates models by the thousand and keeps them to the end of the request: let
    # the cyclic GC run less often, and never rescan the start-up objects (they live forever).
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)


def worker_app() -> Litestar:
    """Build one worker process's app (`--workers N`), its collector tuned as one process's is."""
    app = create_app()
    _tune_gc()
    return app


def _serve_workers(settings: Settings, workers: int, ready: str) -> int:
    """Run `workers` server processes on one port, each building the app from the environment.

    The parent has migrated and seeded the database; the workers share it (PostgreSQL), so
    whichever one a request reaches answers it alike (docs/architecture.md, Concurrency).
    """
    os.environ.update(_worker_environment(settings))
    print(f"{ready}, {workers} worker processes", flush=True)
    uvicorn.run(
        "sync_server.__main__:worker_app",
        factory=True,
        workers=workers,
        **_uvicorn_options(settings),
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the server until interrupted (or run an administrator command); return the status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ADMIN_COMMANDS:
        return admin_command(argv)
    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings, generated = _settings(args)
        if args.workers < 1:
            raise ConfigError("workers: must be at least 1")
        if args.workers > 1 and settings.database_url is None:
            raise ConfigError("workers: several server processes need PostgreSQL (--db URL)")
        repository = open_repository(settings.db_path, settings.database_url)
        app = create_app(settings, repository)
    except ServerError as exc:
        print(f"doorstep: {exc.message}", file=sys.stderr)
        return 2
    demo = app.state.get("demo")
    if generated and demo is not None and demo.created:
        print(f"Demo password (every demo-* user): {generated}", flush=True)
    elif generated:
        print("Demo data already present; its password is unchanged.", flush=True)
    scheme = "https" if settings.https else "http"
    address = f"{scheme}://{settings.host}:{settings.port}"
    ready = f"Doorstep sync server on {address} (db: {settings.database_label})"
    if args.workers > 1:
        repository.close()  # each worker opens its own pool
        return _serve_workers(settings, args.workers, ready)
    server = uvicorn.Server(uvicorn.Config(app, workers=1, **_uvicorn_options(settings)))
    _tune_gc()
    with asyncio.Runner(loop_factory=server.config.get_loop_factory()) as runner:
        runner.run(_serve(server, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
