"""A child's chronology on this device: newest first, filtered; conflicts and taken-back
entries flagged; same-event links shown, and suggested where two agencies' entries match."""

from collections.abc import Callable

import flet as ft

from mobile_app.services.chronology.chronology import PERIODS
from mobile_app.services.chronology.same_event import SameEventSuggestion
from mobile_app.services.wording import label, plural
from mobile_app.ui.controls import (
    Handler,
    back_to_caseload,
    button,
    buttons,
    dropdown,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
    subheading,
)
from mobile_app.ui.flows.chronology import ChronologyFlow
from mobile_app.ui.screens import ChronologyScreen
from mobile_app.ui.state import CHRONOLOGY, AppState
from shared.protocol import ChronologyItem
from shared.vocabulary import DatePrecision, Lifecycle, NeglectType, Significance

ALL = "all"


def _when(item: ChronologyItem) -> str:
    moment = item.event_datetime.astimezone()
    if item.event_date_precision == DatePrecision.DATE_ONLY:
        return moment.strftime("%d %b %Y")
    if item.event_date_precision == DatePrecision.APPROX:
        return moment.strftime("About %d %b %Y")
    return moment.strftime("%d %b %Y %H:%M")


def _flags(item: ChronologyItem, key: str) -> list[ft.Control]:
    out: list[ft.Control] = []
    if item.in_conflict:
        out.append(
            note(
                "In conflict: two versions were made apart and both are kept. "
                "Open the history to resolve it.",
                key=f"{key}.conflict",
                strong=True,
            )
        )
    if item.lifecycle != Lifecycle.CURRENT:
        out.append(
            note(
                f"{label(item.lifecycle)}: {item.amend_reason}", key=f"{key}.lifecycle", strong=True
            )
        )
    elif item.version_count > 1 and not item.in_conflict:
        out.append(note(f"Amended ({item.version_count} versions): {item.amend_reason}"))
    return out


def entry_card(
    item: ChronologyItem,
    prefix: str = "chron.entry",
    on_history: Handler | None = None,
    linked: list[str] | None = None,
    about: str = "",
) -> ft.Control:
    """One chronology entry as a card; its key is prefix.<record id> (with .<version id>
    for each side of a conflict)."""
    key = f"{prefix}.{item.record_id}"
    if item.in_conflict:
        key = f"{key}.{item.version_id}"
    waiting = "" if item.synced else " (not synced yet)"
    author = f" By {item.author_name}." if item.author_name else ""
    lines: list[ft.Control] = [
        note(f"{_when(item)}: {label(item.event_type)}{waiting}", key=key, strong=True),
        *_flags(item, key),
        note(f"{label(item.source_agency)}. Significance: {label(item.significance)}.{author}"),
        note(item.summary),
    ]
    if about:
        lines.insert(2, note(f"About: {about}.", key=f"{key}.about"))
    action = item.action_taken or item.no_action_reason
    if action:
        lines.append(note(f"Action: {action}"))
    if linked:
        lines.append(note(f"Same event as: {'; '.join(linked)}.", key=f"{key}.same_event"))
    if on_history is not None:
        lines.append(buttons(button("History and changes", f"{key}.history", on_history)))
    return ft.Card(ft.Container(ft.Column(lines, spacing=4), padding=12))


def _describe(items: list[ChronologyItem]) -> dict[str, str]:
    """A short name for each entry, for naming it beside another: agency and date."""
    return {
        i.record_id: f"{label(i.source_agency)} entry of {i.event_datetime.astimezone():%d %b}"
        for i in items
    }


def suggestion_card(
    suggestion: SameEventSuggestion, names: dict[str, str], on_link: Handler
) -> ft.Control:
    """A pair of entries that may record one event, with a button to link them."""
    first, second = suggestion.entry_record_ids
    key = f"chron.suggest.{first}.{second}"
    what = f"{label(suggestion.event_type)} on {suggestion.event_date:%d %b %Y}"
    who = " and ".join(names.get(i, "an entry not shown") for i in (first, second))
    return ft.Card(
        ft.Container(
            ft.Column(
                [
                    note(f"{what}: {who}. Are these the same event?", key=key),
                    buttons(button("Link as the same event", f"{key}.link", on_link)),
                ],
                spacing=4,
            ),
            padding=12,
        )
    )


def _filters(chron: ChronologyScreen, choose: Callable[[str], Handler]) -> list[ft.Control]:
    agencies = [(ALL, "All agencies"), *((a, label(a)) for a in chron.agencies)]
    significances = [(ALL, "Any significance"), *((s.value, label(s)) for s in Significance)]
    periods = [(ALL, "All time"), *((code, text) for code, (text, _) in PERIODS.items())]
    neglect = [(ALL, "Any neglect type"), *((n.value, label(n)) for n in NeglectType)]
    events = [(ALL, "Any event type"), *((e, label(e)) for e in chron.event_types)]
    return [
        dropdown("Agency", "chron.agency", agencies, chron.agency or ALL, choose("agency")),
        dropdown(
            "Significance",
            "chron.significance",
            significances,
            chron.significance or ALL,
            choose("significance"),
        ),
        dropdown("Period", "chron.period", periods, chron.period or ALL, choose("period")),
        dropdown(
            "Neglect type",
            "chron.neglect_type",
            neglect,
            chron.neglect_type or ALL,
            choose("neglect_type"),
        ),
        dropdown(
            "Event type", "chron.event_type", events, chron.event_type or ALL, choose("event_type")
        ),
    ]


@ft.component
@guarded(failed_screen)
def chronology_view(
    chron: ChronologyScreen | None, state: AppState, flow: ChronologyFlow
) -> ft.View:
    """Filters, the entries, then the suggested same-event links."""
    if chron is None:
        body: list[ft.Control] = [note("No child chosen.", key="chron.empty")]
        return screen("screen.chronology", CHRONOLOGY, "Chronology", body)

    def choose(name: str) -> Handler:
        def pick(value: str) -> None:
            flow.filter(**{name: "" if value == ALL else value})

        return flow.picked(pick)

    def history(record_id: str) -> Handler:
        return flow.act(lambda: flow.opens.record(record_id))

    def link(first: str, second: str) -> Handler:
        return flow.act(lambda: flow.link(first, second))

    def about(item: ChronologyItem) -> str:
        if not chron.family or state.overview is None:
            return ""
        rows = (state.overview.child(child_id) for child_id in item.child_ids)
        return ", ".join(row.name for row in rows if row is not None)

    scope = (
        button("Only this child", "chron.scope", flow.act(lambda: flow.show_family(False)))
        if chron.family
        else button("Whole family", "chron.scope", flow.act(lambda: flow.show_family(True)))
    )
    names = _describe(chron.items)
    whose = "The family's entries" if chron.family else f"{chron.child.name}'s entries"
    body = [
        heading(f"{chron.child.name}, {chron.child.age}", key="chron.child"),
        *status_line(state),
        buttons(scope),
        note(whose, key="chron.scope.title"),
        *_filters(chron, choose),
        note(f"{plural(len(chron.items), 'entry', 'entries')}, newest first", key="chron.count"),
    ]
    body += [
        entry_card(
            i,
            on_history=history(i.record_id),
            linked=[names.get(r, "an entry not shown here") for r in i.same_event],
            about=about(i),
        )
        for i in chron.items
    ] or [note("No entries match on this device.", key="chron.empty")]
    if chron.suggestions:
        body.append(subheading("Possibly the same event", key="chron.suggestions"))
        body += [suggestion_card(s, names, link(*s.entry_record_ids)) for s in chron.suggestions]
    body.append(subheading("Share", key="chron.share"))
    body.append(
        note(
            "The server makes the PDF with the filters above and keeps a record that you "
            "asked for it.",
            key="chron.share.note",
        )
    )
    body.append(
        buttons(
            button("Chronology as a PDF", "chron.pdf", flow.act(flow.pdf)),
            button(
                "Transfer pack (PDF)",
                "chron.transfer_pack",
                flow.act(
                    lambda: flow.transfer_pack(chron.child.child.family_name, chron.child.case_id)
                ),
            ),
        )
    )
    body.append(buttons(back_to_caseload(flow)))
    return screen("screen.chronology", CHRONOLOGY, "Chronology", body)
