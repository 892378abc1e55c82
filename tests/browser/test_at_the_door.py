"""At the door, in a real browser (issue 12, points 5 and 8): "Before the visit" starts with the
address and the safety notes; locking mid-visit and unlocking returns to the same step and
checklist area; a reloaded or reopened tab shows the lock screen, never a child's record; and
signing out lets another demo user sign in on the same device.

The real server (`python -m sync_server --demo`) and the app's web build, in headless
Chromium at a phone's size; a screenshot of each step lands in test-artifacts/browser/.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.driver import CHILD_LINE, announced
from tests.browser.processes import AppProcess, keep_log
from tests.browser.test_offline_visit import first_run
from tests.e2e.conftest import PASSPHRASE, ServerProcess

if TYPE_CHECKING:
    from tests.browser.driver import FletPage

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(240)]

SLOW_MS = 45_000
SAFETY = "Safety and lone working"


def test_at_the_door_lock_reload_and_hand_over(
    tmp_path: Path,
    start_apps: Callable[..., list[AppProcess]],
    open_page: Callable[[AppProcess, str], Any],
) -> None:
    server = ServerProcess(tmp_path / "server.db").start()
    try:
        (door_app,) = start_apps(server.url, "door")
        hv = open_page(door_app, "door")
        first_run(hv, "demo-hv")
        child = before_the_visit_with_notes(hv)
        given = child.split(maxsplit=1)[0]

        with hv.step("visit-step-3-area-2"):
            hv.tap("Record a visit")
            hv.at_step("Who is here")
            hv.page.get_by_role("button", name=re.compile(r"^Step 3: What you observed")).click()
            hv.at_step("What you observed")
            hv.see(re.compile(r"\bArea 1 of \d+: "))
            hv.next_area(2, 7)
        with hv.step("locked-mid-visit"):
            hv.tap("Lock the app")
            hv.see("Doorstep is locked")
            expect(hv.text(given)).to_have_count(0)
        with hv.step("unlocked-same-step-and-area"):
            unlock(hv)
            hv.at_step("What you observed")
            hv.see(re.compile(r"\bArea 2 of 7: "))

        with hv.step("reloaded-shows-lock"):
            hv.reload()
            hv.see("Doorstep is locked", timeout=SLOW_MS)
            expect(hv.text(given)).to_have_count(0)
        with hv.step("reopened-address-shows-lock"):
            unlock(hv)
            # Flet keeps the tab's session (back at the visit) or starts a new one (at the
            # caseload), by how fast the old tab went away; either way it was locked.
            visit = hv.text(re.compile(r"\bStep 3 of 7: What you observed"))
            expect(visit.or_(hv.text("My caseload")).first).to_be_visible(timeout=SLOW_MS)
            hv.page.goto("about:blank")
            hv.open()  # Back, then the app's address typed again
            hv.see("Doorstep is locked", timeout=SLOW_MS)
            expect(hv.text(given)).to_have_count(0)

        with hv.step("sign-out-names-the-draft"):
            unlock(hv)
            # as above: back at the visit, or at the caseload
            leave = hv.button("Save and leave")
            expect(leave.or_(hv.text("My caseload")).first).to_be_visible()
            if leave.count():
                hv.tap("Save and leave")
            hv.see("My caseload")
            hv.tap("Sign out")
            hv.see("Sign out of this device")
            hv.see(re.compile(r"1 unfinished draft .* only on this device"))
        with hv.step("signed-out"):
            hv.tap("Destroy 1 draft and sign out")
            hv.see("Protect this device", timeout=SLOW_MS)
            hv.see("Signed out. Nothing of the caseload is left on this device")
        first_run(hv, "demo-sw")
        with hv.step("another-user-signed-in"):
            hv.see("My caseload")
            # demo-sw's caseload, downloaded afresh: nothing of demo-hv's draft is left
            hv.see("0 visits in progress")
            expect(hv.button("Resume visit")).to_have_count(0)
        assert failures_but_flets_race(door_app) == [], door_app.log_text()
    finally:
        server.stop()
        keep_log(server.log, "server.log")


# Flet 1.0's update scheduler can send to a tab's connection while it closes (a reload): the
# scheduler task dies with this error and its traceback. The app draws its screens afresh when
# the tab comes back, which starts the scheduler again (mobile_app/ui/app.py).
FLET_CLOSING_RACE = "AttributeError: 'NoneType' object has no attribute 'put_nowait'"
# One chained traceback, each part ending in one of these: the tab had gone away.
FLET_TAB_GONE = frozenset(
    {
        "websockets.exceptions.InvalidState: connection is closing",
        "uvicorn.protocols.utils.ClientDisconnected",
        "starlette.websockets.WebSocketDisconnect",
    }
)


def failures_but_flets_race(app: AppProcess) -> list[str]:
    """The app's failures, less the tracebacks of Flet's own race on a closing tab."""
    lines = app.log_text().splitlines()
    ours = []
    for i, line in enumerate(lines):
        if line not in app.failures():
            continue
        tail = next((t for t in lines[i + 1 :] if t and not t[0].isspace()), "")
        block = "\n".join(lines[i : lines.index(tail, i) if tail in lines[i:] else None])
        if tail == FLET_CLOSING_RACE and "__updates_scheduler" in block:
            continue
        if tail in FLET_TAB_GONE:  # the web server sending to the tab the test reloaded
            continue
        ours.append(line)
    return ours


def unlock(app: "FletPage") -> None:
    """Type the passphrase and unlock."""
    app.see("Doorstep is locked")
    app.fill("Passphrase", PASSPHRASE)
    app.tap("Unlock")


def caseload_children(app: "FletPage") -> list[str]:
    """Every child named on the caseload, in order."""
    nodes = app.page.get_by_role("group", name=CHILD_LINE)
    cards = app.page.get_by_role("banner", name=CHILD_LINE)
    expect(nodes.or_(cards).first).to_be_visible()
    names: list[str] = []
    for node in nodes.or_(cards).all():
        names += [f"{m[0]} {m[1]}" for m in CHILD_LINE.findall(announced(node))]
    return list(dict.fromkeys(names))


def before_the_visit_with_notes(app: "FletPage") -> str:
    """Open "Before the visit" for each child until one whose family has safety notes (the
    demo gives one family access and lone-working notes); returns that child's name."""
    for child in caseload_children(app):
        with app.step("before-the-visit"):
            app.tap_for_child(child, "Before the visit")
            app.see(re.compile(rf"\b{re.escape(child)}, "))
            app.see("At the door")
            if app.text(SAFETY).count():
                app.see_announced(re.compile(r"duty desk"))
                app.see("Who lives there")
                return child
            app.tap("Back to caseload")
            app.see("My caseload")
    raise AssertionError("no family on the caseload has safety notes")
