"""`python -m sync_server [--db PATH] [--host H] [--port N] [--demo]` runs the sync server.

`python -m sync_server allocate|deallocate [--db PATH] USERNAME CASE_ID` changes who a case is
allocated to (re-allocation, closure), audited; the user's devices follow on their next sync.
"""

import argparse
import asyncio
import gc
import logging
import secrets
import sys
from pathlib import Path

import uvicorn

from sync_server.app import create_app
from sync_server.config import Settings, load_settings
from sync_server.errors import ServerError
from sync_server.repository import open_sqlite_repository
from sync_server.services import AllocationService, AuditTrail

READY_POLL_SECONDS = 0.05
GC_YOUNG_THRESHOLD = 50_000


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sync_server", description=__doc__)
    parser.add_argument("--db", type=Path, help="SQLite file (default: $DOORSTEP_DB or "
                        "data/doorstep-server.db)")  # fmt: skip
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument("--demo", action="store_true", help="seed synthetic demo data once")
    return parser.parse_args(argv)


def _settings(args: argparse.Namespace) -> tuple[Settings, str | None]:
    settings = load_settings().with_overrides(
        db_path=args.db, host=args.host, port=args.port, demo=True if args.demo else None
    )
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


ALLOCATION_COMMANDS = ("allocate", "deallocate")


def allocation_command(argv: list[str]) -> int:
    """Run `allocate` or `deallocate` against the database; return the exit status."""
    parser = argparse.ArgumentParser(prog=f"python -m sync_server {argv[0]}")
    parser.add_argument("--db", type=Path, help="SQLite file (default: as the server)")
    parser.add_argument("username")
    parser.add_argument("case_id")
    args = parser.parse_args(argv[1:])
    try:
        settings = load_settings().with_overrides(db_path=args.db)
        repository = open_sqlite_repository(settings.db_path)
        try:
            service = AllocationService(repository, AuditTrail(repository))
            change = service.allocate if argv[0] == "allocate" else service.deallocate
            changed = change(args.username, args.case_id)
        finally:
            repository.close()
    except ServerError as exc:
        print(f"doorstep: {exc.message}", file=sys.stderr)
        return 2
    state = "allocated to" if argv[0] == "allocate" else "no longer allocated to"
    print(f"Case {args.case_id} {state} {args.username}{'' if changed else ' (unchanged)'}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the server until interrupted (or run an allocation command); return the status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ALLOCATION_COMMANDS:
        return allocation_command(argv)
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
        print(f"Demo password (demo-hv, demo-sw, demo-sup, demo-hv2): {generated}", flush=True)
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
        log_level=settings.log_level,
    )
    server = uvicorn.Server(config)
    # A push allocates models by the thousand and keeps them to the end of the request: let
    # the cyclic GC run less often, and never rescan the start-up objects (they live forever).
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)
    ready = (
        f"Doorstep sync server on http://{settings.host}:{settings.port} (db: {settings.db_path})"
    )
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(_serve(server, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
