"""Every control on every screen: a stable unique key, a label a screen reader announces,
a touch target of 48 px, and no text that is cut off when the text size doubles."""

from collections import Counter
from typing import Any

import flet as ft

from mobile_app.ui.controls import TOUCH_PX
from tests.ui.builders import other_family
from tests.ui.conftest import (
    PASSPHRASE,
    Driver,
    FamilyIds,
    finalise_one,
    receive,
)
from tests.ui.fake_client import FakeClient

BUTTONS = (ft.Button, ft.FilledButton, ft.OutlinedButton, ft.TextButton)
INPUTS = (ft.TextField, ft.Dropdown)
MAX_TITLE = 12  # an app bar is one line high: longer titles are clipped at twice the text size
INTERACTIVE = (*BUTTONS, ft.IconButton, *INPUTS, ft.Radio, ft.RadioGroup, ft.Checkbox, ft.Switch)


def _announced_group(control: Any) -> bool:
    parent = control.parent
    while parent is not None:
        if isinstance(parent, ft.Semantics) and parent.label:
            return True
        parent = parent.parent
    return False


def _label(c: Any) -> str | None:
    if isinstance(c, BUTTONS):
        return c.content if isinstance(c.content, str) else c.tooltip
    if isinstance(c, ft.IconButton):
        return c.tooltip if isinstance(c.tooltip, str) else None
    if isinstance(c, (*INPUTS, ft.Radio, ft.Checkbox)):
        return c.label if isinstance(c.label, str) else None
    if isinstance(c, ft.RadioGroup):
        return "group" if _announced_group(c) else None
    return None


def _in_card(control: Any) -> bool:
    parent = control.parent
    while parent is not None:
        if isinstance(parent, ft.Card):
            return True
        parent = parent.parent
    return False


def _touch_ok(c: Any) -> bool:
    if isinstance(c, BUTTONS):
        pad = c.style.padding if c.style else None
        return pad is not None and pad.top + pad.bottom + 20 >= TOUCH_PX
    if isinstance(c, ft.IconButton):
        box = c.size_constraints
        return box is not None and box.min_height >= TOUCH_PX and box.min_width >= TOUCH_PX
    if isinstance(c, INPUTS):
        return not getattr(c, "dense", False)
    return True


def problems(fc: FakeClient) -> list[str]:
    """What on the current screen fails the accessibility rules."""
    out = []
    controls = [c for c in fc.all_controls() if not isinstance(c, ft.DropdownOption)]
    interactive = [c for c in controls if isinstance(c, INTERACTIVE)]
    for c in interactive:
        name = f"{type(c).__name__}({c.key!r})"
        if not isinstance(c.key, str) or not c.key:
            out.append(f"{name} has no key")
        if not _label(c):
            out.append(f"{name} has no label a screen reader announces")
        if not _touch_ok(c):
            out.append(f"{name} is smaller than {TOUCH_PX} px to touch")
        if isinstance(c, ft.TextField) and _in_card(c):
            # A Card is one semantics node: found in Chromium, the field took the card's words
            # as its label and the card's size as its own, so a tap landed elsewhere.
            out.append(f"{name} is inside a Card: a screen reader merges them")
    keys = Counter(c.key for c in controls if isinstance(getattr(c, "key", None), str))
    out += [f"key {k!r} is used {n} times" for k, n in keys.items() if n > 1]
    for c in controls:
        if isinstance(c, ft.Text) and (c.max_lines or c.no_wrap):
            out.append(f"text {c.value!r} is cut off at a large text size")
        has_text = isinstance(c, ft.Row) and any(isinstance(x, ft.Text) for x in c.controls)
        if has_text and not c.wrap:
            out.append(f"row with text {c.key!r} does not wrap")
        title = c.title if isinstance(c, ft.AppBar) and isinstance(c.title, ft.Text) else None
        if title is not None and len(title.value) > MAX_TITLE:
            out.append(f"app bar title {title.value!r} is too long for one line at 2x text")
        if isinstance(c, ft.Container | ft.Column | ft.Card) and c.height is not None:
            out.append(f"{type(c).__name__} has a fixed height: text would be cut off")
    return out


async def test_first_run_screens(ui: Driver) -> None:
    assert problems(ui.fc) == []
    await ui.fc.enter_text(PASSPHRASE, key="setup.passphrase")
    await ui.fc.enter_text(PASSPHRASE, key="setup.again")
    await ui.fc.tap(key="setup.submit")
    assert ui.fc.has("screen.sign_in")
    await ui.fc.tap(key="signin.submit")  # with a message on screen
    assert problems(ui.fc) == []


async def test_lock_and_main_screens(locked: Driver, seeded: FamilyIds) -> None:
    fc = locked.fc
    await locked.unlock("wrong-passphrase")
    assert problems(fc) == []
    await locked.unlock()
    finalise_one(locked, seeded)
    await fc.tap(key="caseload.sync")
    assert problems(fc) == []
    await fc.tap(key="caseload.sync_screen")
    assert problems(fc) == []
    await fc.tap(key="nav.caseload")
    await fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert problems(fc) == []


async def test_every_visit_step_with_every_question_showing(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.enter_text("mother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    await fc.enter_text("father", key="visit.absent.new")
    await fc.tap(key="visit.absent.add")
    assert problems(fc) == []
    await fc.tap(key="visit.goto.1")
    await fc.choose("yes", key="visit.child_seen")
    await fc.choose("no", key="visit.seen_alone")
    assert fc.has("visit.not_alone_reason")
    await fc.tap(key="visit.next")  # marks what is unanswered, at the question
    assert fc.has("visit.not_alone_reason.error")
    assert problems(fc) == []
    await fc.tap(key="visit.next")
    await fc.choose("some_concern", key="check.PHY.FOOD_INTAKE")
    assert problems(fc) == []
    for step in ("3", "5"):
        await fc.tap(key=f"visit.goto.{step}")
        assert problems(fc) == []
    for answer in (f"adult:{seeded.father_id}", "new", "not_known"):
        await fc.tap(key="visit.goto.4")
        await fc.choose(answer, key="visit.father")
        assert problems(fc) == []
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")
    assert fc.has("visit.problem.0")
    assert problems(fc) == []


async def test_the_checker_catches_what_it_should() -> None:
    """Regression guard: the rules above must be able to fail."""
    fc = FakeClient()
    bad = [
        ft.Row([ft.Text("cut off", max_lines=1), ft.IconButton(icon=ft.Icons.ADD)]),
        ft.Button("Go", key="twice"),
        ft.TextField(key="twice"),
        ft.Container(ft.Text("boxed"), height=40),
        ft.Card(ft.TextField(label="In a card", key="carded")),
    ]

    def main(page: ft.Page) -> None:
        page.appbar = ft.AppBar(title=ft.Text("Visit: Poppy Quarmby"))
        page.add(*bad)

    await fc.run_main(main)
    found = problems(fc)
    fc.close()
    assert "text 'cut off' is cut off at a large text size" in found
    assert "IconButton(None) has no key" in found
    assert "IconButton(None) has no label a screen reader announces" in found
    assert "IconButton(None) is smaller than 48 px to touch" in found
    assert "Button('twice') is smaller than 48 px to touch" in found
    assert "TextField('twice') has no label a screen reader announces" in found
    assert "key 'twice' is used 2 times" in found
    assert "row with text None does not wrap" in found
    assert "Container has a fixed height: text would be cut off" in found
    assert "TextField('carded') is inside a Card: a screen reader merges them" in found
    assert "app bar title 'Visit: Poppy Quarmby' is too long for one line at 2x text" in found


async def test_safety_scale_and_actions_with_every_control_showing(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.4")
    await fc.choose("not_known", key="visit.father")
    await fc.tap(key="visit.goto.5")
    for _ in range(2):
        await fc.tap(key="visit.scale.add")
        await fc.tap(key="visit.action.add")
    await fc.choose("other", key="visit.scale.1.by")
    await fc.choose("5", key="visit.scale.0.value")
    await fc.enter_text("2026-13-45", key="visit.action.0.due")
    assert fc.one(key="visit.action.0.due").error
    assert fc.has("visit.action.follow_up")
    assert problems(fc) == []
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")
    assert fc.has("visit.problem.0")
    assert problems(fc) == []


async def test_review_warning_and_the_caseload_flags(app: Driver, seeded: FamilyIds) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.6")
    assert fc.has("visit.warning.0")
    assert problems(fc) == []
    await fc.tap(key="visit.leave")
    await receive(app, other_family(with_mother=False)[2])
    assert [k for k in (c.key for c in fc.all_controls()) if str(k).endswith(".no_father")]
    assert problems(fc) == []
