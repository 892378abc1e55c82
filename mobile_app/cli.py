"""The headless device: `python -m mobile_app.cli --data DIR <command>`.

It runs the same services as the Flet app. Secrets never come from the command line: the
passphrase from DOORSTEP_PASSPHRASE or a prompt, the password from DOORSTEP_PASSWORD or a prompt.
The device secret lives in the file keystore (DOORSTEP_KEYSTORE, never inside --data).
"""

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobile_app.errors import (
    ConfigError,
    DeviceRevoked,
    MobileError,
    RecordTampered,
    ServerUnreachable,
)

if TYPE_CHECKING:
    from mobile_app.services.security.session import DeviceSession
    from mobile_app.services.sync.issues import SyncIssue
    from mobile_app.services.sync.sync import SyncReport
    from mobile_app.store import DeviceStore, StoredVersion

# Each command imports what it uses inside itself: `--help` and `status` must not pay for the
# HTTP client, the sync engine or the record services they never touch (start-up time).

DEVICE_NAME = "doorstep-cli"


def _secret(env_name: str, prompt: str) -> str:
    value = os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise ConfigError(f"Set {env_name} or run in a terminal to be asked for it.")
    return getpass.getpass(prompt)


def _session(args: argparse.Namespace) -> "DeviceSession":
    from mobile_app.services.security.lock import UnlockBackoff
    from mobile_app.services.security.session import DeviceSession

    return DeviceSession(args.data, backoff=UnlockBackoff(args.profile.max_failed_unlocks))


def _unlock(args: argparse.Namespace) -> "DeviceStore":
    """Open the store, counting wrong passphrases like the app does (waits, then erasure)."""
    session = _session(args)
    return session.open(session.derive_key(_secret("DOORSTEP_PASSPHRASE", "Passphrase: ")))


def cmd_init(args: argparse.Namespace) -> int:
    """Set up a new encrypted store on this device."""
    from mobile_app.store import DeviceStore

    DeviceStore.create(args.data, _secret("DOORSTEP_PASSPHRASE", "Choose a passphrase: ")).close()
    print(f"Device set up in {args.data}. Next: login SERVER_URL USERNAME")
    return 0


def cmd_login(args: argparse.Namespace) -> int:
    """Sign this device in to a server."""
    from mobile_app.services.security.account import AccountService
    from mobile_app.sync_client import pinned_transport

    store = _unlock(args)
    try:
        password = _secret("DOORSTEP_PASSWORD", f"Password for {args.username}: ")
        account = AccountService(store, pinned_transport(args.profile))
        me = account.sign_in(args.server_url, args.username, password, DEVICE_NAME)
    finally:
        store.close()
    print(f"Signed in as {me.username} ({me.role}, {me.agency}). Next: sync")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Record synthetic visits offline for this user's caseload."""
    from mobile_app.services.demo import record_demo_visits
    from mobile_app.services.records import RecordService
    from mobile_app.services.security.account import AccountService
    from mobile_app.services.visits.visits import VisitService

    store = _unlock(args)
    try:
        me = AccountService(store).session().practitioner
        records = RecordService(store)
        done = record_demo_visits(records, VisitService(records, me), args.visits, args.seed)
        print(
            f"Recorded {len(done)} visits offline ({sum(len(v.versions) for v in done)} "
            f"versions); {store.outbox.count()} waiting to sync."
        )
    finally:
        store.close()
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Push the outbox and pull what is new."""
    from mobile_app.services.security.account import AccountService
    from mobile_app.services.security.wipe import WITHDRAWN
    from mobile_app.services.security.withdrawal import (
        NOT_TOLD,
        TOLD,
        confirm_wipe,
        note_withdrawal,
    )
    from mobile_app.services.sync.issues import sync_issues
    from mobile_app.services.sync.sync import SyncService
    from mobile_app.sync_client import pinned_transport

    store = _unlock(args)
    try:
        with AccountService(store, pinned_transport(args.profile)).client() as client:
            hold_after = args.profile.push_tries_before_set_aside
            report = SyncService(store, client, hold_after=hold_after).sync()
        now_refused = {*report.rejected, *report.conflicts}
        issues = [i for i in sync_issues(store) if i.version_id in now_refused]
    except ServerUnreachable as exc:
        print(f"Offline: {exc}", file=sys.stderr)
        return 3
    except DeviceRevoked:
        withdrawal = note_withdrawal(store)  # the session is sealed in the store: read it first
        store.close()
        print(_session(args).wipe(WITHDRAWN), file=sys.stderr)
        told = confirm_wipe(withdrawal, pinned_transport(args.profile))
        print(TOLD if told else NOT_TOLD, file=sys.stderr)
        return 4
    finally:
        store.close()
    _print_report(report, issues)
    return 0


def _print_report(report: "SyncReport", issues: "Sequence[SyncIssue]") -> None:
    """Print what a sync did, problems to stderr."""
    from mobile_app.services.sync.background_sync import set_aside_words

    print(
        f"Pushed {report.pushed} (accepted {report.accepted}, already there "
        f"{report.duplicates}, conflicts {len(report.conflicts)}, rejected "
        f"{len(report.rejected)}); pulled {report.pulled}."
    )
    for issue in issues:  # in the words the app's sync screen uses
        print(
            f"  {issue.title}\n    {issue.detail}\n    What to do: {issue.advice}", file=sys.stderr
        )
    if words := set_aside_words(report).strip():
        print(f"  {words}", file=sys.stderr)
    for version_id in report.set_aside:
        print(f"  set aside (could not be opened): {version_id}", file=sys.stderr)
    for version_id in report.not_sent:
        print(f"  not sent (server problem), tried again next sync: {version_id}", file=sys.stderr)
    for version_id in report.held:
        print(f"  set aside (server kept failing), see status: {version_id}", file=sys.stderr)
    for case_id in report.left_scope:
        print(f"  left your caseload (removed from this device): {case_id}", file=sys.stderr)
    for record_id in report.withdrawn:
        print(f"  no longer yours to see (removed from this device): {record_id}", file=sys.stderr)
    if report.drafts_discarded:
        print(
            f"  unfinished drafts removed (you no longer have access): {report.drafts_discarded}",
            file=sys.stderr,
        )
    if report.read_rules_changed:
        print("  what you may see changed: this device fetched your records again", file=sys.stderr)


def _rows(issues: "Sequence[SyncIssue]") -> list[dict[str, Any]]:
    """Issues as the CLI prints them: in the words of the app's sync screen."""
    return [
        {
            "version_id": issue.version_id,
            "state": issue.status,
            "title": issue.title,
            "detail": issue.detail,
            "what_to_do": issue.advice,
        }
        for issue in issues
    ]


def _set_aside(store: "DeviceStore") -> list[dict[str, Any]]:
    """What is set aside on this device, each with whether the server has a copy and what
    to do (the sync screen's list)."""
    from mobile_app.services.sync.set_aside import set_aside_issues

    return _rows(set_aside_issues(store))


def _refused(store: "DeviceStore") -> list[dict[str, Any]]:
    """What the server refused or put in conflict, in the words of the app's sync screen."""
    from mobile_app.services.sync.issues import sync_issues

    return _rows(sync_issues(store))


def cmd_status(args: argparse.Namespace) -> int:
    """Show who this device is signed in as, what waits to sync and what is set aside."""
    from mobile_app.services.caseload.status import device_status

    store = _unlock(args)
    try:
        status = device_status(store).as_dict()
        aside = _set_aside(store)
        refused = _refused(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps({**status, "set_aside_records": aside, "sync_issues": refused}, indent=2))
        return 0
    print("\n".join(f"{k}: {v}" for k, v in status.items()))
    for item in [*refused, *aside]:
        print(f"\n{item['title']}\n  {item['detail']}\n  What to do: {item['what_to_do']}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Fetch the server's copies of damaged records again at the next sync."""
    from mobile_app.services.sync.set_aside import restore_server_copies

    store = _unlock(args)
    try:
        asked = restore_server_copies(store)
    finally:
        store.close()
    print(f"{asked} damaged record(s) will be fetched from the server at the next sync.")
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    """Send records the server kept failing on again at the next sync."""
    from mobile_app.services.sync.set_aside import retry_held

    store = _unlock(args)
    try:
        released = retry_held(store)
    finally:
        store.close()
    print(f"{released} record(s) will be sent again at the next sync.")
    return 0


def cmd_forward(args: argparse.Namespace) -> int:
    """Forward a record refused after a transfer, with your supervisor's countersignature."""
    from mobile_app.services.handover.forward import forward_refused
    from mobile_app.services.security.account import AccountService
    from mobile_app.sync_client import pinned_transport

    password = _secret("DOORSTEP_SUPERVISOR_PASSWORD", "Supervisor's password: ")
    store = _unlock(args)
    try:
        with AccountService(store, pinned_transport(args.profile)).client() as client:
            done = forward_refused(store, client, args.version_id, args.supervisor, password)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(done.message, file=sys.stdout if done.accepted else sys.stderr)
    return 0 if done.accepted else 1


def _listing(
    item: "StoredVersion | RecordTampered", issues: "dict[str, SyncIssue]"
) -> dict[str, Any] | None:
    if isinstance(item, RecordTampered):
        return None  # set aside as it was read: listed with the set-aside records
    row = {"state": item.state.value, **item.version.model_dump(mode="json")}
    issue = issues.get(item.version.version_id)
    if issue is not None:  # the server refused it, or it is in conflict: say why
        row |= {"why": issue.detail, "what_to_do": issue.advice}
    return row


def cmd_list(args: argparse.Namespace) -> int:
    """Print this device's records, decrypted, then what is set aside and what to do."""
    store = _unlock(args)
    try:
        from mobile_app.services.sync.issues import sync_issues

        issues = {i.version_id: i for i in sync_issues(store)}
        listing = [
            row for item in store.records.read_all(args.type) if (row := _listing(item, issues))
        ]
        listing += _set_aside(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps(listing, indent=2))
    else:
        for row in listing:
            kind = row["payload"]["record_type"] if "payload" in row else row["title"]
            print(kind, row["version_id"], row["state"])
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    parser = argparse.ArgumentParser(prog="python -m mobile_app.cli", description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="device data folder")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=(handler.__doc__ or "").strip())
        p.set_defaults(handler=handler)
        return p

    add("init", cmd_init)
    login = add("login", cmd_login)
    login.add_argument("server_url")
    login.add_argument("username")
    demo = add("demo", cmd_demo)
    demo.add_argument("--visits", type=int, default=5)
    demo.add_argument("--seed", type=int, default=None)
    add("sync", cmd_sync)
    add("status", cmd_status).add_argument("--json", action="store_true")
    add("restore", cmd_restore)
    add("retry", cmd_retry)
    forward = add("forward", cmd_forward)
    forward.add_argument("version_id")
    forward.add_argument("supervisor", help="your supervisor's username")
    listing = add("list", cmd_list)
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--type", default=None, help="only this record type")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one device command; errors are printed in plain words, never as tracebacks."""
    args = build_parser().parse_args(argv)
    from mobile_app.config import default_data_dir, load_profile  # not needed for --help

    try:
        args.profile = load_profile()
        args.data = args.data or default_data_dir()
        return int(args.handler(args))
    except MobileError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
