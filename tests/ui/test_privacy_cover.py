"""Screen privacy (docs/domain.md, Governance): a plain cover while the app is not in front, the
lock once it goes into the background, and no selecting or copying of record text unless the profile
allows it. Lifecycle events are sent as the Flutter client sends them."""

import dataclasses
import gc
import weakref
from collections.abc import AsyncIterator

import flet as ft
import pytest

from mobile_app.ui.controller import AppConfig
from mobile_app.ui.controls import allow_copy, text_field
from mobile_app.ui.privacy import BACKGROUND_LOCK
from tests.ui.conftest import Driver, FamilyIds, launch

CASE_WORDS = ("Quarmby", "Poppy", "Alfie", "Kieran", "Banbury", "Weavers")


async def lifecycle(driver: Driver, state: str) -> None:
    await driver.fc.fire(driver.fc.page, "app_lifecycle_state_change", {"state": state})


def top_view(driver: Driver) -> ft.View:
    """The view on top of the navigator: the last one the router rendered."""
    # render_views puts the router component in page.views; its output (_b) is the view list,
    # whose items may themselves be screen components wrapping their View.
    shown: object = driver.fc.page.views
    while not isinstance(shown, ft.View):
        body = shown._b  # type: ignore[attr-defined]
        shown = body[-1] if isinstance(body, list) else body
    return shown


def words_in(control: ft.BaseControl) -> list[str]:
    """Every piece of text inside one control (the cover), found by walking its children."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, ft.BaseControl) and id(value) not in seen:
            seen.add(id(value))
            for field in dataclasses.fields(value):
                if not field.name.startswith("_"):
                    walk(getattr(value, field.name, None))

    walk(control)
    return found


def names_a_case(texts: list[str]) -> bool:
    return any(word in text for text in texts for word in CASE_WORDS)


@pytest.mark.parametrize("state", ["inactive", "hide", "pause"])
async def test_leaving_the_front_puts_a_cover_with_no_childs_details_on_top(
    app: Driver, state: str
) -> None:
    assert names_a_case(app.fc.texts())  # the caseload shows the family before
    await lifecycle(app, state)
    cover = top_view(app)
    assert cover.key == "screen.cover"
    assert "Doorstep" in words_in(cover)  # the walk reaches the cover's text
    assert not names_a_case(words_in(cover))
    assert cover.can_pop is False  # the back gesture cannot lift it


async def test_a_call_or_system_dialog_covers_then_returns_to_the_same_screen_unlocked(
    app: Driver, seeded: FamilyIds
) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    assert app.fc.has("screen.visit")
    await lifecycle(app, "inactive")
    assert top_view(app).key == "screen.cover"
    assert app.flows.app.device.unlocked  # losing focus alone does not lock
    await lifecycle(app, "resume")
    assert not app.fc.has("screen.cover")
    assert top_view(app).key == "screen.visit"
    assert app.state.visit is not None


@pytest.mark.parametrize("state", ["hide", "pause"])
async def test_going_into_the_background_locks_and_coming_back_shows_the_unlock_screen(
    app: Driver, seeded: FamilyIds, state: str
) -> None:
    assert app.state.overview is not None
    old_overview = weakref.ref(app.state.overview)
    await lifecycle(app, "inactive")
    await lifecycle(app, state)
    assert not app.flows.app.device.unlocked
    assert app.state.overview is None  # the cases are forgotten, not merely hidden
    gc.collect()
    assert old_overview() is None, "something still holds the children's names after the lock"
    assert top_view(app).key == "screen.cover"
    await lifecycle(app, "show")
    assert top_view(app).key == "screen.cover"  # shown is not yet in use
    await lifecycle(app, "resume")
    assert top_view(app).key == "screen.unlock"
    assert app.fc.value("message") == BACKGROUND_LOCK
    assert not names_a_case(app.fc.texts())
    await app.unlock()
    assert app.fc.has("screen.caseload")
    assert app.fc.value(f"child.{seeded.baby_id}").startswith("Poppy Quarmby")


async def test_a_new_device_in_the_background_stays_on_set_up(ui: Driver) -> None:
    """Regression: the background lock must not send a device with no passphrase yet to the
    unlock screen, where nothing could open it."""
    assert ui.fc.has("screen.setup")
    await lifecycle(ui, "hide")
    await lifecycle(ui, "resume")
    assert top_view(ui).key == "screen.setup"


def test_phones_change_screens_without_a_sliding_transition(app: Driver) -> None:
    theme = app.fc.page.theme
    assert theme is not None
    transitions = theme.page_transitions
    assert transitions.android == ft.PageTransitionTheme.NONE
    assert transitions.ios == ft.PageTransitionTheme.NONE


# -- copying out --------------------------------------------------------------------------------


async def test_record_text_boxes_offer_no_selection_and_the_keyboard_does_not_learn(
    app: Driver, seeded: FamilyIds
) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.visit")
    boxes = app.fc.find(type_=ft.TextField)
    assert boxes, "the visit screen has text boxes"
    for box in boxes:
        assert box.enable_interactive_selection is False, box.key
        assert box.enable_ime_personalized_learning is False, box.key


async def test_no_record_text_on_screen_is_selectable(app: Driver, seeded: FamilyIds) -> None:
    await app.fc.tap(key=f"child.{seeded.baby_id}.chronology")
    assert app.fc.has("screen.chronology")
    shown = app.fc.find(type_=ft.Text)
    assert names_a_case([t.value for t in shown if isinstance(t.value, str)])
    assert not [t.key for t in shown if t.selectable]


async def test_the_passphrase_box_stays_hidden_and_keeps_its_caret(locked: Driver) -> None:
    box = locked.fc.one(key="unlock.passphrase")
    assert box.password is True
    assert box.enable_interactive_selection is True


def test_a_box_that_holds_no_childs_details_keeps_selection() -> None:
    """Without interactive selection Flutter also stops a tap moving the caret, and a selection
    replacing a pre-filled server address: only record text pays that price."""
    plain = text_field("Server address", "signin.server", "", print, child_data=False)
    record = text_field("What needs to happen next?", "visit.next", "", print)
    assert isinstance(plain, ft.TextField)
    assert isinstance(record, ft.TextField)
    assert plain.enable_interactive_selection is True
    assert record.enable_interactive_selection is False


@pytest.fixture
async def copy_allowed(seeded: FamilyIds, config: AppConfig) -> AsyncIterator[Driver]:
    profile = config.profile.model_copy(update={"allow_copy": True})
    driver = await launch(dataclasses.replace(config, profile=profile))
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()
    allow_copy(False)  # the policy is process-wide: leave it as the shipped profile has it


async def test_a_profile_that_allows_copying_gives_text_boxes_selection(
    copy_allowed: Driver, seeded: FamilyIds
) -> None:
    await copy_allowed.unlock()
    await copy_allowed.fc.tap(key=f"child.{seeded.baby_id}.visit")
    boxes = copy_allowed.fc.find(type_=ft.TextField)
    assert boxes
    assert all(box.enable_interactive_selection for box in boxes)


async def test_the_sign_in_boxes_keep_selection_and_the_caret(ui: Driver) -> None:
    await ui.fc.enter_text("amber-kettle-orchard-7", key="setup.passphrase")
    await ui.fc.enter_text("amber-kettle-orchard-7", key="setup.again")
    await ui.fc.tap(key="setup.submit")
    await ui.fc.wait_for(lambda: ui.fc.has("screen.sign_in"))
    for key in ("signin.server", "signin.username"):
        assert ui.fc.one(key=key).enable_interactive_selection is True, key
