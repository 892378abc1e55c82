"""The sync status every main screen shows: online or offline, pending, drafts, last sync."""

from datetime import datetime

import flet as ft

from mobile_app.services.caseload.overview import last_sync_text
from mobile_app.services.wording import plural
from mobile_app.ui.controls import note
from mobile_app.ui.state import AppState

_ONLINE = {
    True: (ft.Icons.CLOUD_DONE, ft.Colors.GREEN_800, "Online: the server answered"),
    False: (ft.Icons.CLOUD_OFF, ft.Colors.RED_900, "Offline: your records are kept on this device"),
    None: (ft.Icons.CLOUD_QUEUE, ft.Colors.BLUE_GREY_800, "Not synced yet since unlocking"),
}


def online_line(state: AppState) -> ft.Control:
    """The online / offline indicator: an icon and words, never colour alone."""
    icon, colour, words = _ONLINE[state.online]
    return ft.Row(
        [ft.Icon(icon, color=colour), ft.Text(words, key="status.online", color=colour)],
        wrap=True,
    )


def progress_lines(state: AppState) -> list[ft.Control]:
    """A progress bar with counts while a sync runs, else how the last one ended."""
    sync = state.sync
    if sync.running:
        value = sync.done / sync.total if sync.total and sync.phase == "Sending" else None
        if sync.phase == "Sending":
            counts = f"Sending {sync.done} of {sync.total}"
        elif sync.phase == "Receiving":
            counts = f"Receiving: {plural(sync.done, 'new record', 'new records')}"
        else:
            counts = "Starting sync…"
        return [
            ft.ProgressBar(value=value, key="sync.progress", semantics_label="Sync progress"),
            note(counts, key="sync.counts"),
        ]
    return [note(sync.message, key="sync.message")] if sync.message else []


def status_panel(state: AppState, now: datetime) -> ft.Control:
    """Online state, what waits to sync, drafts and last sync time, in one card."""
    overview = state.overview
    lines: list[ft.Control] = [online_line(state)]
    if overview is not None:
        lines += [
            note(
                plural(overview.pending, "record waiting to sync", "records waiting to sync"),
                key="status.pending",
            ),
            note(
                plural(overview.drafts, "visit in progress", "visits in progress"),
                key="status.drafts",
            ),
            note(last_sync_text(overview.last_sync_at, now), key="status.last_sync"),
        ]
        if overview.clock_warning:
            lines.append(note(overview.clock_warning, key="status.clock", strong=True))
        if overview.issues:
            lines.append(
                note(
                    plural(overview.issues, "sync problem needs", "sync problems need")
                    + " your attention: open Sync.",
                    key="status.issues",
                    strong=True,
                )
            )
    lines += progress_lines(state)
    return ft.Card(ft.Container(ft.Column(lines, spacing=6), padding=12))
