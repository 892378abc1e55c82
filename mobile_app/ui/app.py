"""The Flet app: page set-up, the router, and `run()` behind `python -m mobile_app`."""

import os
import sys
from collections.abc import Callable

import flet as ft

from mobile_app.config import default_data_dir, load_profile
from mobile_app.errors import ConfigError
from mobile_app.services.security.lock import UnlockBackoff
from mobile_app.store import DeviceSecretStore
from mobile_app.sync_client import pinned_transport
from mobile_app.ui.controller import AppConfig
from mobile_app.ui.controls import allow_copy
from mobile_app.ui.device_keystore import device_keystore
from mobile_app.ui.flows import Flows
from mobile_app.ui.flows.export import share_sheet
from mobile_app.ui.privacy import (
    BACKGROUND_LOCK,
    RECONNECT_LOCK,
    PrivacyCover,
    cover_view,
    locks_session,
    no_transitions,
)
from mobile_app.ui.state import (
    CASELOAD,
    CHILD,
    CHRONOLOGY,
    DASHBOARD,
    DECISION,
    MEETING,
    NOTES,
    PLAN,
    RECORD_HISTORY,
    REVIEW,
    REVIEW_ITEM,
    SETUP,
    SIGN_IN,
    SIGN_OUT,
    SYNC,
    SYNC_NEEDED,
    TRENDS,
    UNLOCK,
    VISIT,
    AppState,
)
from mobile_app.ui.views.caseload import caseload_view
from mobile_app.ui.views.child_summary import child_summary_view
from mobile_app.ui.views.chronology import chronology_view
from mobile_app.ui.views.dashboard import dashboard_view
from mobile_app.ui.views.decision import decision_view
from mobile_app.ui.views.meeting import meeting_view
from mobile_app.ui.views.notes import notes_view
from mobile_app.ui.views.plan_outcomes import plan_outcomes_view
from mobile_app.ui.views.record_history import record_history_view
from mobile_app.ui.views.review_item import review_item_view
from mobile_app.ui.views.review_queue import review_queue_view
from mobile_app.ui.views.setup import setup_view
from mobile_app.ui.views.sign_in import sign_in_view
from mobile_app.ui.views.sign_out import sign_out_view
from mobile_app.ui.views.sync import sync_view
from mobile_app.ui.views.sync_needed import sync_needed_view
from mobile_app.ui.views.trends import trends_view
from mobile_app.ui.views.unlock import unlock_view
from mobile_app.ui.views.visit import visit_view

DEFAULT_PORT = 8550  # the sync server's default is 8000: the two must not collide
SCREENS: dict[str, Callable[[AppState, Flows], ft.View]] = {
    SETUP: lambda state, flows: setup_view(state, flows.session),
    SIGN_IN: lambda state, flows: sign_in_view(state, flows.session),
    SIGN_OUT: lambda state, flows: sign_out_view(state, flows.sign_out),
    UNLOCK: lambda state, flows: unlock_view(state, flows.session),
    CASELOAD: lambda state, flows: caseload_view(state, flows.caseload),
    SYNC: lambda state, flows: sync_view(state, flows.sync),
    SYNC_NEEDED: lambda state, flows: sync_needed_view(state, flows.renew),
    # A screen with a model of its own is given it: a change to the model re-renders it.
    VISIT: lambda state, flows: visit_view(state.visit, state, flows.visits),
    CHRONOLOGY: lambda state, flows: chronology_view(state.chronology, state, flows.chronology),
    RECORD_HISTORY: lambda state, flows: record_history_view(state.history, state, flows.history),
    CHILD: lambda state, flows: child_summary_view(state.summary, state, flows.summary),
    REVIEW: lambda state, flows: review_queue_view(state.review, state, flows.review),
    REVIEW_ITEM: lambda state, flows: review_item_view(state.review_item, state, flows.review),
    TRENDS: lambda state, flows: trends_view(state.trends, state, flows.review),
    DECISION: lambda state, flows: decision_view(state.decision, state, flows.decisions),
    PLAN: lambda state, flows: plan_outcomes_view(state.plan, state, flows.plans),
    MEETING: lambda state, flows: meeting_view(state.meeting, state, flows.meetings),
    NOTES: lambda state, flows: notes_view(state.notes, state, flows.notes),
    DASHBOARD: lambda state, flows: dashboard_view(state.dashboard, state, flows.review),
}


@ft.component
def router(state: AppState, flows: Flows, cover: PrivacyCover) -> list[ft.View]:
    """Show the screen for the current route (anything unknown shows the lock screen), under
    the privacy cover while the app is not in front."""
    shown = SCREENS.get(state.route, SCREENS[UNLOCK])(state, flows)
    return [shown, cover_view()] if cover.shown else [shown]


def theme() -> ft.Theme:
    """High-contrast light theme with standard (not compact) touch targets."""
    return ft.Theme(
        color_scheme_seed=ft.Colors.INDIGO,
        visual_density=ft.VisualDensity.STANDARD,
        page_transitions=no_transitions(),
    )


def protect(page: ft.Page, flows: Flows, secrets: DeviceSecretStore | None = None) -> None:
    """Give the device session its keystore and unlock limits; a wipe (on any thread) locks
    the app with its message.

    Raises:
        ConfigError: the file keystore would sit inside the data folder.
    """
    config = flows.app.config
    loop = page.loop

    def wiped(message: str) -> None:
        loop.call_soon_threadsafe(flows.app.lock, message)

    flows.app.device.configure_security(
        secrets or device_keystore(page, config.data_dir),
        config.clock,
        UnlockBackoff(max_failed=config.profile.max_failed_unlocks),
        wiped,
    )


def start(page: ft.Page, config: AppConfig, secrets: DeviceSecretStore | None = None) -> Flows:
    """Set the page up and render the app; returns its flows (tests drive them).

    Raises:
        ConfigError: the device keystore cannot be used.
    """
    page.title = "Doorstep"
    page.theme_mode = ft.ThemeMode.LIGHT
    page.theme = theme()
    allow_copy(config.profile.allow_copy)
    flows = Flows(config)
    cover = PrivacyCover()
    protect(page, flows, secrets)
    flows.app.start()

    async def on_connectivity(e: ft.ConnectivityChangeEvent) -> None:
        online = any(kind != ft.ConnectivityType.NONE for kind in e.connectivity)
        await flows.sync.connectivity(online)

    async def on_lifecycle(e: ft.AppLifecycleStateChangeEvent) -> None:
        cover.follow(e.state)
        if locks_session(e.state) and flows.app.device.unlocked:
            flows.app.lock(BACKGROUND_LOCK)
        if e.state == ft.AppLifecycleState.RESUME:
            flows.app.check_idle()
            await flows.sync.run()

    # Kept on the flows: a service nobody references is unregistered after the next event.
    flows.connectivity = ft.Connectivity(on_change=on_connectivity)
    sheet, picker = ft.Share(), ft.FilePicker()
    flows.share_services = (sheet, picker)
    flows.exports.share = share_sheet(sheet, picker)
    page.on_app_lifecycle_state_change = on_lifecycle
    page.on_close = lambda _: flows.app.close()
    # The web build keeps no session across a reconnect: a tab that is closed, reloaded, or
    # left with Back locks at once, and one that comes back shows the lock screen. Flet sends
    # a returning tab the screens it kept, and drops every redraw while the tab is away, so
    # the screens are drawn afresh (locked) both when it goes and when it comes back.

    def went_away(_: object) -> None:
        lock_on_return(flows)
        page.render_views(router, flows.state, flows, cover)

    def came_back(_: object) -> None:
        lock_on_return(flows, cover)
        page.render_views(router, flows.state, flows, cover)

    page.on_disconnect = went_away
    page.on_connect = came_back
    page.render_views(router, flows.state, flows, cover)
    page.run_task(flows.app.tick_forever)
    return flows


def lock_on_return(flows: Flows, cover: PrivacyCover | None = None) -> None:
    """Lock an unlocked session whose browser tab went away or came back. A tab that came back
    is in front: its new client sends no lifecycle event that would lift the cover."""
    if flows.app.device.unlocked:
        flows.app.lock(RECONNECT_LOCK)
    if cover is not None:
        cover.shown = False


def main(page: ft.Page) -> None:
    """The entry point ft.run calls for each session."""
    try:
        profile = load_profile()
        # The profile's TLS pin guards every request the app makes (sign-in and sync).
        transport = pinned_transport(profile)
        start(page, AppConfig(data_dir=default_data_dir(), profile=profile, transport=transport))
    except ConfigError as exc:
        page.add(ft.Text(f"Doorstep cannot start: {exc}", key="startup.error"))


def web_mode() -> bool:
    """True when the app should serve its web build: forced, or Linux with no display."""
    if os.environ.get("FLET_FORCE_WEB_SERVER"):
        return True
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return sys.platform.startswith("linux") and no_display


def run() -> None:
    """Run the app: a window where there is a display, else the web build on 127.0.0.1."""
    port = int(os.environ.get("FLET_SERVER_PORT") or DEFAULT_PORT)
    host = os.environ.get("FLET_SERVER_IP") or "127.0.0.1"
    if not web_mode():
        ft.run(main, no_cdn=True)
        return
    print(f"Doorstep field app: open http://{host}:{port}", flush=True)
    ft.run(main, host=host, port=port, view=ft.AppView.WEB_BROWSER, no_cdn=True)
