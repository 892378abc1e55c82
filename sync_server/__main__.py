"""`python -m sync_server [--db PATH|URL] [--host H] [--port N] [--demo]` runs the sync server.

`--db postgresql://USER@HOST/DB` (or DOORSTEP_DATABASE_URL) runs it on PostgreSQL 15+ instead
of the SQLite file; any number of server processes may share that database.

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
import secrets
import sys
from pathlib import Path

import uvicorn

from shared.connection import SERVER_KEEPALIVE_S
from sync_server.admin_cli import ADMIN_COMMANDS, admin_command
from sync_server.app import create_app
from sync_server.config import Settings, load_settings, parse_trusted_proxies
from sync_server.errors import ConfigError, ServerError

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


def main(argv: list[str] | None = None) -> int:
    """Run the server until interrupted (or run an administrator command); return the status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ADMIN_COMMANDS:
        return admin_command(argv)
    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings, generated = _settings(args)
        app = create_app(settings)
    except ServerError as exc:
        print(f"doorstep: {exc.message}", file=sys.stderr)
        return 2
    demo = app.state.get("demo")
    if generated and demo is not None and demo.created:
        print(f"Demo password (every demo-* user): {generated}", flush=True)
    elif generated:
        print("Demo data already present; its password is unchanged.", flush=True)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        workers=1,
        access_log=False,  # request lines could carry ids of children; keep them out of logs
        # uvicorn would rewrite the client address from X-Forwarded-For sent via 127.0.0.1;
        # only the trusted_proxies setting decides that (sync_server/services/client_address.py)
        proxy_headers=False,
        log_level=settings.log_level,
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
        # Longer than a device's keep-alive (shared.connection): the device always drops an
        # idle connection first, so it never sends a push into one this side just closed.
        timeout_keep_alive=SERVER_KEEPALIVE_S,
    )
    server = uvicorn.Server(config)
    # A push allocates models by the thousand and keeps them to the end of the request: let
    # the cyclic GC run less often, and never rescan the start-up objects (they live forever).
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)
    scheme = "https" if settings.https else "http"
    address = f"{scheme}://{settings.host}:{settings.port}"
    ready = f"Doorstep sync server on {address} (db: {settings.database_label})"
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(_serve(server, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
