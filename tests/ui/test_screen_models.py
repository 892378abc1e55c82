"""Each screen's model is its own observable: a change through its methods re-renders the
screen that shows it (the app state is not touched), and what is typed is kept without one."""

from tests.ui.conftest import Driver, FamilyIds


async def test_a_change_to_the_visit_alone_re_renders_the_visit(
    app: Driver, seeded: FamilyIds
) -> None:
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.6")
    assert not fc.has("visit.discard.ask")
    before = app.state.__version__
    app.flows.visits.ask_discard(True)  # not through a button: nothing else changes
    await fc.settle()
    assert "cannot be brought back" in fc.value("visit.discard.ask")
    assert app.state.__version__ == before, "only the visit's own model changed"


async def test_typing_is_kept_quietly_and_a_choice_re_renders(
    app: Driver, seeded: FamilyIds
) -> None:
    flows = app.flows
    flows.chronology.open(seeded.baby_id)
    assert app.state.chronology is not None
    flows.history.open(app.state.chronology.items[0].record_id)
    screen = app.state.history
    assert screen is not None
    changes: list[str | None] = []

    def heard(_: object, name: str | None) -> None:
        changes.append(name)

    screen.subscribe(heard)
    flows.history.type_text("Home cold; no food seen.")
    flows.history.type_reason("Typo in the summary.")
    assert (screen.text, screen.reason) == ("Home cold; no food seen.", "Typo in the summary.")
    assert changes == [], "a re-render while typing would fight the text box"
    flows.history.pick(screen.history.heads[0].version_id)
    assert "text" in changes, "starting from a version shows its text"
