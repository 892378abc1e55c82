"""Supervision end to end in a real browser (issue 6): a health visitor records a statutory
visit with no signal and syncs; their supervisor syncs, finds the visit's chronology entry in
the review queue and returns it with a comment; the health visitor syncs, sees the return,
amends the entry with a reason and syncs; the supervisor countersigns the amended version; and
the supervisor's history of that entry shows all of it, each decision on the version it names.

Two devices (two app processes, each with its own data folder) against one real server
process, every step through the app's accessibility tree, as in test_offline_visit.
"""

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.processes import AppProcess, keep_log
from tests.browser.test_offline_visit import first_run, record_visit, sync_now
from tests.e2e.conftest import ServerProcess

if TYPE_CHECKING:
    from tests.browser.driver import FletPage

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(240)]

SLOW_MS = 45_000
SYNC_TRIES = 3
COMMENT = "Say who else was present and what the grandmother told you."
AMENDED = "Home visit: baby seen alone, awake. Mother and maternal grandmother present; "
REASON = "Named who was present, as my supervisor asked."
COMMENT_BOX = "Your comment (needed to return or escalate)"
HV_LABEL = "Health visitor, Health visiting"
SUP_LABEL = "Supervisor, Children's social care"


def test_a_returned_visit_is_amended_countersigned_and_shown_in_its_history(
    tmp_path: Path,
    start_apps: Callable[..., list[AppProcess]],
    open_page: Callable[[AppProcess, str], Any],
) -> None:
    marker = f"check-in {uuid.uuid4().hex[:8]}"
    amended = f"{AMENDED}grandmother says feeds are missed ({marker})."
    server = ServerProcess(tmp_path / "server.db").start()
    try:
        hv_app, sup_app = start_apps(server.url, "hv", "sup")
        sup = open_page(sup_app, "sup")
        first_run(sup, "demo-sup")
        with sup.step("queue-marked-reviewed"):
            open_queue(sup)
            sup.tap("Mark all as reviewed")
            sup.see("Marked as reviewed.")
            sup.tap("Back to caseload")

        hv = open_page(hv_app, "hv")
        first_run(hv, "demo-hv")
        child = hv.first_child()
        with hv.step("offline"):
            server.stop()
            sync_now(hv)
            hv.see("Offline: your records are kept on this device", timeout=SLOW_MS)
        record_visit(hv, child, f"Core group to review the feeding plan ({marker}).")
        with hv.step("visit-synced"):
            server = ServerProcess(server.db, port=server.port).start()
            synced(hv, re.compile(r"Sync finished: Sent [1-9]\d*, received \d+"))

        with sup.step("entry-returned"):
            synced(sup, "Review queue (2)")  # the visit and its chronology entry
            open_queue(sup)
            sup.see("Visit: Statutory child protection visit on")
            item = queue_item(sup, "Home visit: ")
            sup.fill_box(item.get_by_label(COMMENT_BOX, exact=True), COMMENT)
            item.get_by_role("button", name="Return to author", exact=True).click()
            sup.see("Returned to the author.")
            sup.tap("Back to caseload")
            synced(sup, sent(1))

        with hv.step("return-seen"):
            synced(hv, "Returned to you (1)")
            hv.tap("See what to change")
            hv.see_announced(COMMENT)
            hv.tap("Back to caseload")
        with hv.step("entry-amended"):
            open_entry_history(hv, child)
            hv.see("Chronology entry: 1 version, oldest first.")
            # The author's own history shows the return, on the version it names.
            hv.see_announced(
                re.compile(rf"Version 1, [\s\S]*Returned to the author by {SUP_LABEL}, .*{COMMENT}")
            )
            hv.fill("Entry text", amended)
            hv.fill("Reason for the change", REASON)
            hv.tap("Save amendment")
            hv.see("Amendment saved.")
            hv.see("Chronology entry: 2 versions, oldest first.")
            hv.tap("Back to chronology")
            hv.button("Back to caseload").first.click()
            synced(hv, sent(1))
            hv.see(re.compile(r"\b0 records waiting to sync"))

        with sup.step("amendment-countersigned"):
            synced(sup, "Review queue (2)")  # the amended entry is back, with the visit
            open_queue(sup)
            item = queue_item(sup, f"Home visit: {AMENDED}")
            item.get_by_role("button", name="Countersign", exact=True).click()
            sup.see("Countersigned.")
            sup.tap("Back to caseload")
            synced(sup, sent(1))

        with sup.step("history-shows-every-step"):
            open_entry_history(sup, child)
            sup.see("Chronology entry: 2 versions, oldest first.")
            first = sup.see_announced(re.compile(rf"Version 1, .* by {HV_LABEL}"))
            assert re.search(rf"Returned to the author by You, .*Comment: {COMMENT}", said(first))
            assert "Countersigned" not in said(first)
            second = sup.see_announced(re.compile(rf"Version 2, .* by {HV_LABEL}"))
            assert f"Replaces the version before. Reason: {REASON}" in said(second)
            assert amended in said(second)
            assert re.search(r"Countersigned by You, \d\d \w{3} \d{4} \d\d:\d\d\.", said(second))

        for app in (hv_app, sup_app):
            assert app.failures() == [], app.log_text()
    finally:
        server.stop()
        keep_log(server.log, "server.log")


def said(node: Any) -> str:
    """What a screen reader announces for a node."""
    from tests.browser.driver import announced  # noqa: PLC0415 (needs Playwright)

    return announced(node)


def synced(app: "FletPage", until: str | re.Pattern[str]) -> None:
    """Sync from the caseload, and wait until the screen shows `until`.

    `until` must be something only this sync can bring: the line left by the previous sync
    ("Sync finished: ...") stays on screen until the next one finishes.
    """
    for _ in range(SYNC_TRIES):
        # A tap while a background sync runs is ignored, and that sync may have started
        # before the other device's records reached the server: sync again if so.
        sync_now(app)
        try:
            app.see(until, timeout=SLOW_MS // SYNC_TRIES)
            break
        except AssertionError:
            continue
    app.see(until)
    app.see("Online: the server answered")


def sent(count: int) -> re.Pattern[str]:
    """The line a sync leaves after sending `count` records."""
    return re.compile(rf"Sync finished: Sent {count}, received \d+")


def open_queue(app: "FletPage") -> None:
    """Open the supervisor's review queue from the caseload."""
    app.page.get_by_role("button", name=re.compile(r"^Review queue \(\d+\)$")).click()
    app.see(re.compile(r"\d+ records? waiting, oldest first"))


def queue_item(app: "FletPage", what: str) -> Any:
    """The one queue item whose record reads `what...`: its group holds its controls (the
    group is announced by its details; the item's title is its first text)."""
    from playwright.sync_api import expect  # noqa: PLC0415 (optional until the browser runs)

    title = re.compile(rf"^Chronology entry: {re.escape(what)}")
    item = app.page.get_by_role("group").filter(has_text=title)
    expect(item).to_have_count(1)
    return item


def open_entry_history(app: "FletPage", child: str) -> None:
    """Open the child's chronology and the history of its newest entry (the visit's)."""
    app.tap_for_child(child, "Chronology")
    app.see(re.compile(r"\b\d+ entries, newest first"))
    app.button("History and changes").first.click()
    app.see(re.compile(r"Chronology entry: \d versions?, oldest first\."))
