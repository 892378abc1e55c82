"""The field app in a real browser: a health visitor records a home visit with no signal, syncs
it to the real server when it comes back, and a social worker on another device sees it in the
child's chronology.

Everything is real except the phone: `python -m mobile_app` serving its web build, headless
Chromium driven through Flutter's accessibility tree (so every control used here has a label a
screen reader announces), and `python -m sync_server --demo` on 127.0.0.1. A screenshot of each
step lands in test-artifacts/browser/.
"""

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mobile_app.sync_client import SyncClient
from shared.models import Child
from shared.protocol import ChronologyResponse
from tests.browser.processes import AppProcess, keep_log
from tests.e2e.conftest import DEMO_PASSWORD, PASSPHRASE, ServerProcess

if TYPE_CHECKING:
    from tests.browser.driver import FletPage

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(170)]

SLOW_MS = 45_000
FATHER = re.compile(r"father|male carer|partner", re.IGNORECASE)
NOTHING = "Nothing of concern in this area"
# A baby's voice is how they behaved; an older child's, their words.
VOICE_BOX = re.compile(r"^(How \w+ behaved and responded|\w+'s words, or their behaviour)")


def test_visit_recorded_offline_reaches_the_server_and_a_colleague(
    tmp_path: Path,
    start_apps: Callable[..., list[AppProcess]],
    open_page: Callable[[AppProcess, str], Any],
) -> None:
    marker = f"check-in {uuid.uuid4().hex[:8]}"
    next_steps = f"Core group to review the feeding plan ({marker})."
    server = ServerProcess(tmp_path / "server.db").start()
    try:
        hv_app, sw_app = start_apps(server.url, "hv", "sw")

        hv = open_page(hv_app, "hv")
        first_run(hv, "demo-hv")
        child = hv.first_child()

        with hv.step("server-stopped-offline"):
            server.stop()
            sync_now(hv)
            hv.see("Offline: your records are kept on this device", timeout=SLOW_MS)
            hv.see(re.compile(r"\b0 records waiting to sync"))

        record_visit(hv, child, next_steps)

        with hv.step("server-back-synced"):
            server = ServerProcess(server.db, port=server.port).start()
            sync_now(hv)
            hv.see("Online: the server answered", timeout=SLOW_MS)
            hv.see(re.compile(r"Sync finished: Sent [1-9]\d*, received \d+"), timeout=SLOW_MS)
            hv.see(re.compile(r"\b0 records waiting to sync"))

        entries = server_chronology(server, child).entries
        ours = [e for e in entries if marker in e.action_taken]
        assert len(ours) == 1, [e.action_taken for e in entries]
        assert ours[0].event_type == "home_visit"
        assert ours[0].source_agency == "health_visiting"
        assert ours[0].summary.startswith("Home visit")
        assert "Child seen alone." in ours[0].summary
        assert "Concerns: " in ours[0].summary

        sw = open_page(sw_app, "sw")
        first_run(sw, "demo-sw")
        with sw.step("colleague-sees-visit"):
            sw.tap_for_child(child, "Chronology")
            sw.see(re.compile(rf"\b{re.escape(child)}, "))
            sw.see(re.compile(r"\b\d+ entries, newest first"))
            sw.see_announced(f"Action: {next_steps}")
            sw.see_announced(re.compile(r"Home visit.*Child seen alone\."))

        for app in (hv_app, sw_app):
            assert app.failures() == [], app.log_text()
    finally:
        server.stop()
        keep_log(server.log, "server.log")


def sync_now(app: "FletPage") -> None:
    """Tap Sync now (the app bar's icon and the caseload's button do the same)."""
    app.button("Sync now").first.click()


def first_run(app: "FletPage", username: str) -> None:
    """Protect the device with a passphrase, sign in, and let the caseload download."""
    with app.step("set-passphrase"):
        app.see("Protect this device", timeout=SLOW_MS)
        app.fill("Choose a passphrase", PASSPHRASE)
        app.see(re.compile(r"Strength: (?!Too short)"))
        app.fill("Type the passphrase again", PASSPHRASE)
    with app.step("sign-in"):
        app.tap("Set passphrase")
        app.see("Sign in to your server", timeout=SLOW_MS)
        app.fill("Username", username)
        app.fill("Password", DEMO_PASSWORD)
    with app.step("caseload-downloaded"):
        app.tap("Sign in and download my caseload")
        app.see("My caseload", timeout=SLOW_MS)
        app.see(re.compile(r"Sync finished: Sent 0, received [1-9]\d*\."), timeout=SLOW_MS)
        app.see("Online: the server answered")


def record_visit(app: "FletPage", child: str, next_steps: str) -> None:
    """Every step of the visit, with the server down, then finalise."""
    given = child.split(maxsplit=1)[0]
    with app.step("visit-who-is-here"):
        app.tap_for_child(child, "Record a visit")
        app.at_step("Who is here")
        app.see(re.compile(rf"\b{re.escape(child)}, "))
        first, *others = app.labels(app.questions("Expected, not here"))
        app.choose(first, "Present")
        if others:
            app.choose(others[0], "Expected, not here")
        app.fill("Someone else present (for example: mother)", "Maternal grandmother")
        app.button("Add").first.click()
        app.see("Maternal grandmother")
        app.button("Remove Maternal grandmother").wait_for()
    with app.step("visit-seeing-the-child"):
        app.next_step("Seeing the child")
        app.choose(f"Did you see {given}?", "Yes")
        app.choose(f"Did you see {given} alone?", "Yes")
        if app.question("Was the baby seen awake?").count():  # asked for a child under 1
            app.choose("Was the baby seen awake?", "Yes")
        app.choose(f"Did you see where {given} sleeps?", "Yes")
    with app.step("visit-checklist"):
        app.next_step("What you observed")
        prompts = app.labels(app.questions("Some concern"))
        assert len(prompts) >= 2, prompts
        app.choose(prompts[0], "Some concern")
        app.fill(
            "What did you see? (evidence for this concern)",
            f"{given} was in a wet nappy, clothes stained with dried milk; no feed since early "
            "morning. Mother said the formula had run out.",
        )
        areas = 7  # the checklist's areas: each has a question for every age
        for area in range(2, areas + 1):
            app.tap(NOTHING)
            app.see(re.compile(rf"\bArea {area} of {areas}: "))
    with app.step("visit-child-voice"):
        app.tap(NOTHING)
        app.at_step("The child's voice")
        app.fill(
            VOICE_BOX,
            f"{given} was alert and smiled at grandmother; cried when put down "
            "and settled quickly when picked up.",
        )
    with app.step("visit-father"):
        app.next_step("Father or male carer")
        question = f"Who is {given}'s father or male carer?"
        men = app.labels(app.question(question).get_by_role("radio"))
        app.choose(question, next((m for m in men if FATHER.search(m)), men[0]))
    with app.step("visit-worries-and-next-steps"):
        app.next_step("Worries and next steps")
        app.fill(
            "What are we worried about?",
            "Feeds are missed when the formula runs out; nappy rash starting.",
        )
        app.fill(
            "What is working well?",
            "Grandmother visits daily and helps with feeds. Mother engaged well today.",
        )
        app.fill("What needs to happen next?", next_steps)
    with app.step("visit-check-and-finalise"):
        app.next_step("Check and finalise")
        app.button("Finalise visit").wait_for()
    with app.step("visit-finalised-offline"):
        app.tap("Finalise visit")
        app.see("My caseload")
        app.see(re.compile(r"Visit finalised\. [1-9]\d* records are waiting to sync\."))
        app.see("Offline: your records are kept on this device")


def server_chronology(server: ServerProcess, child: str) -> ChronologyResponse:
    """The child's chronology as the server merged it, read as demo-hv over HTTP."""
    with SyncClient(server.url) as anonymous:
        token = anonymous.login("demo-hv", DEMO_PASSWORD, "browser-test-check").token
    with SyncClient(server.url, token) as client:
        return client.chronology(child_id_on_server(client, child))


def child_id_on_server(client: SyncClient, child: str) -> str:
    """The id of the child with that name in the signed-in practitioner's caseload."""
    cursor = 0
    while True:
        page = client.pull(cursor)
        for item in page.items:
            named = item.payload
            if isinstance(named, Child) and f"{named.given_name} {named.family_name}" == child:
                return item.record_id
        assert page.has_more, f"{child} is not in the caseload on the server"
        cursor = page.next_cursor
