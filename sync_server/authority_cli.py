"""Administrator commands for transfers between authorities' servers, every one audited.

    python -m sync_server transfer-key [--db PATH]       print this server's public key line
    python -m sync_server export-transfer [--db PATH] CASE_ID --to AUTHORITY --by USERNAME
        --out FILE                                       send a case: write its signed bundle
    python -m sync_server import-transfer [--db PATH] FILE --to USERNAME
                                                         receive a case from a trusted authority

Settings: DOORSTEP_AUTHORITY_NAME (this authority's name, as others' trust lists spell it),
DOORSTEP_TRANSFER_KEY_FILE (the signing key, outside the database's folder) and
DOORSTEP_TRUSTED_AUTHORITIES_FILE (TOML: `[authorities]` name = "ed25519:<public key>").
"""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sync_server.config import Settings, load_settings
from sync_server.errors import ConfigError
from sync_server.repository import Repository
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.container import ServiceContainer
from sync_server.services.handover.authority_export import (
    CONSOLE_DEVICE,
    AuthorityExport,
    ExportRequest,
)
from sync_server.services.handover.authority_import import AuthorityImport
from sync_server.services.handover.authority_keys import (
    fingerprint,
    load_trust_list,
    public_key_line,
    signing_key,
)

Command = Callable[[Repository, argparse.Namespace], int]
MAX_BUNDLE_BYTES = 2 * 1024**3
AUTHORITY_COMMANDS = ("transfer-key", "export-transfer", "import-transfer")


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings().with_database(args.db)
    if not settings.authority_name:
        raise ConfigError(
            "authority_name: set DOORSTEP_AUTHORITY_NAME to this authority's name, "
            "as the other authorities' trust lists spell it"
        )
    return settings


def _transfer_key(repository: Repository, args: argparse.Namespace) -> int:
    settings = _settings(args)
    line = public_key_line(signing_key(settings.transfer_key_file).public_key())
    AuditTrail(repository).record(AuditAction.TRANSFER_KEY_SHOWN, None, CONSOLE_DEVICE)
    print(f'{settings.authority_name} = "{line}"')
    print(f"fingerprint: {fingerprint(line)}  (read it out to the receiving authority)")
    return 0


def _export(repository: Repository, args: argparse.Namespace) -> int:
    settings = _settings(args)
    services = ServiceContainer.build(settings, repository)
    key = signing_key(settings.transfer_key_file)
    export = AuthorityExport(
        repository, services.exports, services.allocations, key, settings.authority_name or ""
    )
    try:
        sent = export.export(ExportRequest(args.case_id, args.to, args.by, args.out))
    except OSError as exc:
        print(f"doorstep: out: cannot write the bundle there ({exc.strerror})", file=sys.stderr)
        return 2
    print(f"Case {sent.case_id} sent to {sent.to_authority}: {sent.version_count} versions "
          f"in {args.out} (bundle {sent.bundle_id}).")  # fmt: skip
    print("The case is closed here: its allocations have ended and no more entries are taken.")
    return 0


def _import(repository: Repository, args: argparse.Namespace) -> int:
    settings = _settings(args)
    trusted = load_trust_list(settings.trusted_authorities_file)
    path: Path = args.file
    if not path.is_file() or path.stat().st_size > MAX_BUNDLE_BYTES:
        print("doorstep: file: there is no bundle file of a readable size here", file=sys.stderr)
        return 2
    services = ServiceContainer.build(settings, repository)
    importer = AuthorityImport(
        repository, services.allocations, trusted, settings.authority_name or ""
    )
    result = importer.import_bundle(path.read_bytes(), args.to)
    bundle = result.bundle
    if result.repeated:
        print(f"Bundle {bundle.bundle_id} was imported on {bundle.received_at}: nothing stored.")
        return 0
    print(f"Case {bundle.case_id} received from {bundle.from_authority}: "
          f"{bundle.versions_stored} versions stored, allocated to {args.to}.")  # fmt: skip
    return 0


def add_authority_commands(
    command: Callable[[str, Command, str], argparse.ArgumentParser],
) -> None:
    """Add the commands to the administrator's parser (sync_server/admin_cli.py)."""
    command("transfer-key", _transfer_key, "print this server's public key for transfers")
    export = command("export-transfer", _export, "send a case to another authority's server")
    export.add_argument("case_id")
    export.add_argument("--to", required=True, metavar="AUTHORITY", help="receiving authority")
    export.add_argument(
        "--by", required=True, metavar="USERNAME", help="the practitioner handing over"
    )
    export.add_argument("--out", required=True, type=Path, help="the bundle file to write")
    receive = command("import-transfer", _import, "receive a case from a trusted authority")
    receive.add_argument("file", type=Path)
    receive.add_argument(
        "--to", required=True, metavar="USERNAME", help="who the case is allocated to here"
    )
