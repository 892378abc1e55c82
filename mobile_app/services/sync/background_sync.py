"""One sync run on a worker thread, with the outcome in plain words for the screen.

Being offline is a state, not an error: ServerUnreachable becomes an "offline" outcome.
Whatever happens, drafts and the outbox stay in the store; a failed sync only means "later" -
except when the server says the organisation withdrew this device: then its keys and data are
destroyed at once (DeviceSession.wipe), the server is told so (services.withdrawal, one try)
and the outcome says both.
"""

from dataclasses import dataclass
from typing import Literal

import httpx

from mobile_app.errors import (
    DeviceRevoked,
    NotSignedIn,
    ServerRefused,
    ServerUnreachable,
    StoreError,
    SyncError,
)
from mobile_app.services.security.account import AccountService
from mobile_app.services.security.session import DeviceSession
from mobile_app.services.security.wipe import WITHDRAWN
from mobile_app.services.security.withdrawal import (
    CONFIRM_TIMEOUT_S,
    NOT_TOLD,
    TOLD,
    Withdrawal,
    confirm_wipe,
    note_withdrawal,
)
from mobile_app.services.sync.sync import DEFAULT_HOLD_AFTER, Progress, SyncReport, SyncService
from mobile_app.services.wording import plural
from mobile_app.store import DeviceStore
from mobile_app.sync_client import DEFAULT_TIMEOUT_S, SyncClient

KEPT = "Your records are kept on this device and will sync later."


@dataclass(frozen=True)
class SyncOutcome:
    """What a sync run came to: done, offline, or failed with a plain message."""

    state: Literal["done", "offline", "failed"]
    message: str
    report: SyncReport | None = None
    needs_sign_in: bool = False


def _done_message(report: SyncReport) -> str:
    words = [f"Sent {report.pushed}", f"received {report.pulled}"]
    if report.conflicts:
        words.append(f"{len(report.conflicts)} in conflict")
    if report.rejected:
        words.append(f"{len(report.rejected)} refused")
    message = "Sync finished: " + ", ".join(words) + "."
    message += set_aside_words(report)
    if report.drafts_discarded:
        n = report.drafts_discarded
        message += (
            f" {n} unfinished draft{'s' if n != 1 else ''} about records you can no longer "
            f"see {'were' if n != 1 else 'was'} removed: you no longer have access to them."
        )
    return message


def set_aside_words(report: SyncReport) -> str:
    """What this sync set aside or could not send, in plain words ("" when nothing)."""
    words = ""
    if report.set_aside:
        n = len(report.set_aside)
        words += (
            f" {plural(n, 'record', 'records')} on this device could not be opened and "
            f"{'was' if n == 1 else 'were'} set aside; everything else synced. See “Set aside "
            "on this device” for whether the server has a copy and what to do."
        )
    if report.not_sent:
        n = len(report.not_sent)
        words += (
            f" {plural(n, 'record was', 'records were')} not sent: the server had a problem "
            "with it. It is kept here and will be tried again at the next sync."
        )
    if report.held:
        n = len(report.held)
        words += (
            f" {plural(n, 'record', 'records')} set aside: the server failed on "
            f"{'it' if n == 1 else 'them'} every time. Kept on this device; you can try "
            "sending again later."
        )
    return words


class BackgroundSync:
    """Runs SyncService on the calling (worker) thread with its own store connection."""

    def __init__(
        self,
        device: DeviceSession,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        hold_after: int = DEFAULT_HOLD_AFTER,
    ) -> None:
        self._device = device
        self._transport = transport
        self._timeout_s = timeout_s
        self._hold_after = hold_after

    def run(self, progress: Progress | None = None) -> SyncOutcome:
        """Sync once; never raises for the server's or the network's failures."""
        try:
            return self._outcome(progress)
        except _Withdrawn as withdrawn:
            # Only now is the worker's connection closed: the files can go with the keys.
            message = self._device.wipe(WITHDRAWN)
            timeout_s = min(self._timeout_s, CONFIRM_TIMEOUT_S)
            told = confirm_wipe(withdrawn.withdrawal, self._transport, timeout_s)
            return SyncOutcome("failed", f"{message} {TOLD if told else NOT_TOLD}")

    def _outcome(self, progress: Progress | None) -> SyncOutcome:
        # _Withdrawn is no SyncError: it passes these handlers on to run(), which erases.
        try:
            report = self._device.in_worker(lambda store: self._sync(store, progress))
        except ServerUnreachable as exc:
            return SyncOutcome("offline", str(exc))
        except NotSignedIn:
            return SyncOutcome(
                "failed", "This device is not signed in: sign in to sync.", needs_sign_in=True
            )
        except ServerRefused as exc:
            if exc.status in (401, 403):
                return SyncOutcome(
                    "failed",
                    f"The server did not accept this device's sign-in: sign in again. {KEPT}",
                    needs_sign_in=True,
                )
            return SyncOutcome("failed", f"The server refused the sync: {exc} {KEPT}")
        except (SyncError, StoreError) as exc:
            return SyncOutcome("failed", str(exc) if KEPT in str(exc) else f"{exc} {KEPT}")
        return SyncOutcome("done", _done_message(report), report)

    def _sync(self, store: DeviceStore, progress: Progress | None) -> SyncReport:
        session = AccountService(store).session()
        with SyncClient(
            session.server_url, session.token, self._timeout_s, self._transport
        ) as client:
            try:
                return SyncService(store, client, hold_after=self._hold_after).sync(progress)
            except DeviceRevoked as exc:
                raise _Withdrawn(note_withdrawal(store)) from exc


class _Withdrawn(Exception):
    """The server withdrew this device; carries what confirming its wipe will need."""

    def __init__(self, withdrawal: Withdrawal | None) -> None:
        super().__init__("withdrawn")
        self.withdrawal = withdrawal
