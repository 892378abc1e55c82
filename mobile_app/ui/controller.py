"""The app's glue: screens call these methods, which call services and update AppState.

Blocking work (key derivation, sign-in, sync) runs on worker threads, so the screen never
freezes. Every handler goes through `act` or `typed`: it counts as activity for auto-lock,
and any failure becomes a plain message instead of a crash on a doorstep.
"""

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from mobile_app.config import AppProfile, allowed_server_url
from mobile_app.crypto import KdfParams
from mobile_app.diagnostics import log_failure
from mobile_app.errors import (
    DeviceKeyMissing,
    MobileError,
    NotInitialised,
    NotSignedIn,
    ServerRefused,
    ServerUnreachable,
    WrongPassphrase,
)
from mobile_app.services.caseload.overview import ChildRow, device_overview
from mobile_app.services.security.account import AccountService
from mobile_app.services.security.lock import Clock, InactivityLock
from mobile_app.services.security.passphrase import passphrase_strength
from mobile_app.services.security.session import DeviceSession
from mobile_app.services.sync.issues import sync_issues
from mobile_app.services.sync.offline_window import OfflineWindow
from mobile_app.services.sync.set_aside import set_aside_issues
from mobile_app.services.visits.form_drafts import FormDraftStore
from mobile_app.store import DeviceStore
from mobile_app.ui.state import CASELOAD, SETUP, SIGN_IN, UNLOCK, AppState
from shared.clock import utc_now
from shared.models import Practitioner

# Only visit and note drafts are sealed as they are typed; the lock forgets every other form
# (plans, meetings, decisions, amendments in the history, review comments).
KEPT_ON_LOCK = "What you were writing is kept."
log = logging.getLogger(__name__)

UNEXPECTED = (
    "Something went wrong on this screen. Everything you typed is kept on this device; "
    "try again, or lock and unlock the app."
)
Handler = Callable[[Any], Any]


@dataclass(frozen=True)
class AppConfig:
    """Where the app keeps its data and how it behaves; tests swap the clock and the network."""

    data_dir: Path
    profile: AppProfile
    kdf: KdfParams | None = None
    clock: Clock = field(default=utc_now)
    transport: httpx.BaseTransport | None = None
    tick_seconds: float = 10.0
    device_name: str = "doorstep-app"


class AppController:
    """Set-up, sign-in, lock and unlock; owns the device session and the auto-lock."""

    def __init__(self, config: AppConfig, state: AppState) -> None:
        self.config = config
        self.state = state
        self.device = DeviceSession(config.data_dir, config.kdf)
        self.idle = InactivityLock(config.profile.auto_lock_minutes, config.clock)
        self.window = OfflineWindow(config.profile.offline_window_days, config.clock)
        # True while the sync-needed screen stands in for every case screen.
        self.expired = False
        self._closed = False
        # Called after a successful unlock (the flows reopen the screen the lock interrupted).
        self.after_unlock: Callable[[], Awaitable[None]] | None = None

    @property
    def store(self) -> DeviceStore:
        """The open store (raises StoreLocked when locked)."""
        return self.device.store

    def erase_unopenable(self) -> None:
        """Erase a data folder whose device key is gone: it can never be opened again. The
        wipe's own notice then shows the erased screen, with its fresh set-up."""
        self.state.keystore(missing=False)
        self.device.wipe("This device's key was missing from its keystore.")

    def start(self) -> None:
        """Show set-up on a new device, else the lock screen."""
        self.state.serve_from(str(self.config.profile.server_url).rstrip("/"))
        self.state.go(UNLOCK if self.device.is_set_up() else SETUP)

    # -- activity and auto-lock ------------------------------------------------------------

    def active(self) -> bool:
        """Count a touch; lock instead (and return False) if the app was idle too long, or
        ask for a sync instead if the device is past its offline window."""
        if self.device.unlocked and self.idle.is_due():
            self.lock(self._idle_message())
            return False
        self.idle.touch()
        return not self.check_window()

    def check_idle(self) -> None:
        """Lock the app when it has been idle for the allowed time (the timer calls this)."""
        if self.device.unlocked and self.idle.is_due():
            self.lock(self._idle_message())
        else:
            self.check_window()

    def check_window(self) -> bool:
        """Show the sync-needed screen if the device just passed its offline window."""
        if self.device.unlocked and not self.expired and self.window.is_closed():
            self.expired = True
            self.state.needs_sync()
            return True
        return False

    def reopen(self, message: str) -> None:
        """A sign-in and a sync completed past the offline window: show the caseload again."""
        self.expired = False
        self.show_caseload(message)

    def _opened(self) -> None:
        self.idle.touch()
        self.expired = False
        self.window.load(self.store)

    def _idle_message(self) -> str:
        minutes = self.config.profile.auto_lock_minutes
        return f"Locked after {minutes} minutes without use. {KEPT_ON_LOCK}"

    def lock(self, message: str = "") -> None:
        """Close the store (the data key goes with it) and show the lock screen."""
        self.device.lock()
        self.window.forget()
        self.expired = False
        self.state.locked(message)

    async def tick_forever(self) -> None:
        """Check for inactivity every few seconds, until the session closes."""
        while not self._closed:
            await asyncio.sleep(self.config.tick_seconds)
            self.check_idle()

    def close(self) -> None:
        """The session is over (tab closed, app ended): lock and stop the timer."""
        self._closed = True
        self.lock()

    def act(self, fn: Callable[..., Any]) -> Handler:
        """Wrap a button handler: activity first, then the action, failures as messages."""

        async def handler(_: Any) -> None:
            if self.active():
                self.state.quiet()  # a message about the last action does not linger
                await self._safely(fn)

        return handler

    def picked(self, fn: Callable[[str], Any]) -> Handler:
        """Wrap a choice handler: activity first, then the action with the chosen value."""

        async def handler(e: Any) -> None:
            if self.active():
                await self._safely(lambda: fn(str(e.control.value or "")))

        return handler

    def typed(self, fn: Callable[[str], Any]) -> Handler:
        """Wrap a text handler: the words are saved first, then auto-lock may apply."""

        async def handler(e: Any) -> None:
            await self._safely(lambda: fn(str(e.control.value or "")))
            self.active()

        return handler

    async def _safely(self, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
            if inspect.isawaitable(result):
                await result
        except MobileError as exc:
            self.state.say(str(exc), "problem")
        except Exception as exc:
            log_failure(log, "A screen handler", exc)
            self.state.say(UNEXPECTED, "problem")

    # -- first run, unlock, sign-in ----------------------------------------------------------

    async def set_up(self, passphrase: str, again: str) -> None:
        """Protect this device with a new passphrase, then ask for the server sign-in."""
        strength = passphrase_strength(passphrase)
        if not strength.acceptable:
            self.state.say(f"Choose a stronger passphrase. {strength.advice}")
            return
        if passphrase != again:
            self.state.say("The two passphrases are different: type the same one twice.")
            return
        self.state.forget_resume()  # a new set-up returns to nothing of the erased device
        self.state.working("Protecting this device…")
        key = await asyncio.to_thread(self.device.create_key, passphrase)
        self.device.open(key)
        self._opened()
        self.state.go(SIGN_IN)

    async def unlock(self, passphrase: str) -> None:
        """Unlock with the passphrase; a wrong one leaves a plain message and changes nothing."""
        if not passphrase:
            self.state.say("Type your passphrase to unlock.")
            return
        self.state.working("Unlocking…")
        try:
            key = await asyncio.to_thread(self.device.derive_key, passphrase)
        except WrongPassphrase as exc:
            self.state.say(str(exc))
            return
        except DeviceKeyMissing as exc:
            self.state.keystore(missing=True)
            self.state.say(str(exc))
            return
        except NotInitialised:
            self.state.go(SETUP, "This device has not been set up yet: choose a passphrase.")
            return
        self.device.open(key)
        self._opened()
        try:
            AccountService(self.store).session()
        except NotSignedIn:
            self.state.go(SIGN_IN)
            return
        if not self.check_window():
            self.show_caseload()
            if self.after_unlock is not None:
                await self.after_unlock()

    async def sign_in(self, server_url: str, username: str, password: str) -> bool:
        """Sign this device in; returns True when it worked (the caseload sync comes next)."""
        if await self.authenticate(server_url, username, password):
            self.show_caseload()
            return True
        return False

    async def authenticate(self, server_url: str, username: str, password: str) -> bool:
        """Sign in to the server, staying on this screen; False (with a message) if refused."""
        server_url = server_url.strip()
        if not allowed_server_url(server_url):
            self.state.say(
                "Type the server address, starting with https:// "
                "(http:// only for a server on this device)."
            )
            return False
        if not username.strip() or not password:
            self.state.say("Type your username and password.")
            return False
        self.state.working("Signing in…")
        name = self.config.device_name

        def sign_in(store: DeviceStore) -> object:
            return AccountService(store, self.config.transport).sign_in(
                server_url, username.strip(), password, name
            )

        try:
            await asyncio.to_thread(self.device.in_worker, sign_in)
        except ServerUnreachable:
            self.state.say(
                "The server could not be reached: check the address and your connection, "
                "then try again."
            )
            return False
        except ServerRefused as exc:
            self.state.say(f"The server refused the sign-in: {exc}")
            return False
        except MobileError as exc:  # e.g. another user's unsynced work is on this device
            self.state.say(str(exc))
            return False
        return True

    # -- caseload ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the caseload and sync figures from the store."""
        now = self.config.clock()
        overview = device_overview(self.store, now.date(), now=now, rules=self.config.profile.rules)
        issues = sync_issues(self.store) + set_aside_issues(self.store)
        self.state.show_overview(overview, issues)

    def me(self) -> Practitioner:
        """The signed-in practitioner on this device."""
        return AccountService(self.store).session().practitioner

    def form_drafts(self) -> FormDraftStore:
        """The signed-in practitioner's kept forms (what they were writing, sealed)."""
        return FormDraftStore(self.store, self.me().id)

    def child_row(self, child_id: str) -> ChildRow | None:
        """The child's caseload row; None, with a plain message, once it has left the device."""
        overview = self.state.overview
        row = overview.child(child_id) if overview else None
        if row is None:
            self.state.say("That child is no longer on this device.")
        return row

    def show_caseload(self, message: str = "", tone: str = "info") -> None:
        """Show the caseload, freshly read."""
        self.refresh()
        self.state.go(CASELOAD, message, tone)
