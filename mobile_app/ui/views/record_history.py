"""One record's history: every version, oldest first, then the change a person can make.

An entry in conflict shows its competing versions; the person picks one (or writes new
text), gives a reason, and resolves it with one version that names both. Otherwise they can
amend the text, or mark the entry withdrawn or entered in error, always with a reason.
An entry made at a visit links to the visit's history; a visit is amended by its author in
the visit form.
"""

import flet as ft

from mobile_app.services.chronology.history import RecordHistory, ReviewLine, VersionLine
from mobile_app.services.visits.form_drafts import KEPT_NOTICE
from mobile_app.services.wording import label
from mobile_app.store import SyncState
from mobile_app.ui.controls import (
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
    subheading,
    text_field,
)
from mobile_app.ui.flows.history import HistoryFlow
from mobile_app.ui.screens import HistoryScreen
from mobile_app.ui.state import RECORD_HISTORY, AppState
from shared.models.review import ReviewAction
from shared.opinion_words import opinion_word_warnings
from shared.vocabulary import Lifecycle

_STATES = {
    SyncState.PENDING: "not synced yet",
    SyncState.SYNCED: "synced",
    SyncState.CONFLICT: "synced, in conflict",
    SyncState.REJECTED: "refused by the server",
}


_ACTIONS = {
    ReviewAction.COUNTERSIGN: "Countersigned",
    ReviewAction.RETURN: "Returned to the author",
    ReviewAction.ESCALATE: "Escalated",
}


def review_text(review: ReviewLine) -> str:
    """One review decision in a line: what was done, by whom, when, and the comment."""
    when = review.decided_at.astimezone().strftime("%d %b %Y %H:%M")
    action = _ACTIONS[review.action]
    if review.escalation_stage is not None:
        action += f" to stage {review.escalation_stage}"
    text = f"{action} by {review.reviewer}, {when}"
    if review.state == SyncState.PENDING:
        text += " (not synced yet)"
    return f"{text}. Comment: {review.comment}" if review.comment else f"{text}."


def version_card(line: VersionLine, number: int) -> ft.Control:
    """One version: who, when, what it replaced and why, whether it competes, its reviews."""
    key = f"history.version.{number}"
    when = line.made_at.astimezone().strftime("%d %b %Y %H:%M")
    title = f"Version {number}, {when}, by {line.author} ({_STATES[line.state]})"
    lines: list[ft.Control] = [note(title, key=key, strong=True)]
    if line.competing:
        lines.append(note("Competing version: not resolved yet.", key=f"{key}.competing"))
    if line.lifecycle != Lifecycle.CURRENT:
        lines.append(note(f"{label(line.lifecycle)}.", key=f"{key}.lifecycle", strong=True))
    if line.replaces:
        count = len(line.replaces)
        what = "the version before" if count == 1 else f"{count} competing versions"
        lines.append(note(f"Replaces {what}. Reason: {line.reason}", key=f"{key}.reason"))
    lines.append(note(line.text, key=f"{key}.text"))
    lines += [
        note(review_text(review), key=f"{key}.review.{n}", strong=True)
        for n, review in enumerate(line.reviews, start=1)
    ]
    return ft.Card(ft.Container(ft.Column(lines, spacing=4), padding=12))


def _change_controls(view: HistoryScreen, flow: HistoryFlow) -> list[ft.Control]:
    history = view.history
    kept: list[ft.Control] = []
    if view.kept:
        discard = flow.act(flow.discard)
        kept = [
            note(KEPT_NOTICE, key="history.kept", strong=True),
            buttons(button("Discard your change", "history.discard", discard)),
        ]
    text = text_field(
        "Resolved text" if history.in_conflict else "Entry text",
        "history.text",
        view.text,
        flow.typed(flow.type_text),
        multiline=True,
    )
    # V6: a soft warning, never a block: say what was seen or heard, and who said it.
    opinions = [
        note(warning, key=f"history.opinion.{n}")
        for n, warning in enumerate(opinion_word_warnings(view.text))
    ]
    reason = text_field(
        "Reason for the change",
        "history.reason",
        view.reason,
        flow.typed(flow.type_reason),
        multiline=True,
        helper="Required. It is kept with the record's history.",
    )
    if history.in_conflict:
        picks = [
            button(
                f"Use version {number}'s text",
                f"history.pick.{number}",
                flow.act(lambda v=line.version_id: flow.pick(v)),
            )
            for number, line in enumerate(history.versions, start=1)
            if line.competing
        ]
        return [
            subheading("Resolve the conflict", key="history.resolve.heading"),
            note("Pick one version's text, or write the text both should become."),
            buttons(*picks),
            *kept,
            text,
            *opinions,
            reason,
            buttons(
                button(
                    "Resolve conflict",
                    "history.resolve",
                    flow.act(flow.resolve),
                    primary=True,
                )
            ),
        ]
    if not view.mine:
        return [
            note(
                "Only the person who wrote this entry can change it. Add to it instead: "
                "a review, or a new entry.",
                key="history.not_yours",
            )
        ]
    return [
        subheading("Change this entry", key="history.change.heading"),
        *kept,
        text,
        *opinions,
        reason,
        buttons(
            button("Save amendment", "history.amend", flow.act(flow.amend), primary=True),
            button(
                "Mark withdrawn",
                "history.withdraw",
                flow.act(lambda: flow.take_back(Lifecycle.WITHDRAWN)),
            ),
            button(
                "Mark entered in error",
                "history.in_error",
                flow.act(lambda: flow.take_back(Lifecycle.ENTERED_IN_ERROR)),
            ),
        ),
    ]


def _visit_controls(view: HistoryScreen, flow: HistoryFlow) -> list[ft.Control]:
    """A visit is changed in the visit form, by the practitioner who recorded it."""
    if view.history.in_conflict:
        return [note("This visit has competing versions: sync, then look again.")]
    if not view.mine:
        return [
            note(
                "Only the practitioner who recorded this visit can amend it. Add to it "
                "instead: a review, or a new entry.",
                key="history.not_yours",
            )
        ]
    record_id = view.history.record_id
    amend = flow.act(lambda: flow.opens.amend_visit(record_id))
    return [
        note(
            "Amending opens the visit form as it was finalised; your reason is kept with "
            "the new version. Its chronology entry is amended on its own."
        ),
        buttons(button("Amend visit", "history.amend_visit", amend, primary=True)),
    ]


def _summary(history: RecordHistory) -> str:
    count = len(history.versions)
    kind = label(history.record_type)
    if history.in_conflict:
        return f"{kind}: {count} versions, {len(history.heads)} competing."
    return f"{kind}: {count} version{'s' if count != 1 else ''}, oldest first."


@ft.component
@guarded(failed_screen)
def record_history_view(view: HistoryScreen | None, state: AppState, flow: HistoryFlow) -> ft.View:
    """The versions, oldest first, then the change to make."""
    back = buttons(button("Back to chronology", "nav.chronology", flow.act(flow.back)))
    if view is None:
        body: list[ft.Control] = [note("No record chosen.", key="history.empty"), back]
        return screen("screen.history", RECORD_HISTORY, "History", body)
    history = view.history
    body = [
        heading(f"{view.child.name}: history", key="history.child"),
        *status_line(state),
        note(_summary(history), key="history.summary"),
        *(version_card(line, n) for n, line in enumerate(history.versions, start=1)),
    ]
    if history.record_type == "chronology_entry":
        if view.visit_id:
            to_visit = flow.act(lambda: flow.open(view.visit_id))
            body.append(buttons(button("The visit's history", "history.visit", to_visit)))
        body += _change_controls(view, flow)
    elif history.record_type == "visit":
        body += _visit_controls(view, flow)
    body.append(back)
    return screen("screen.history", RECORD_HISTORY, "History", body)
