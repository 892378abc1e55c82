"""Supervision: the review queue with its three decisions, and the records returned to me."""

import flet as ft

from mobile_app.services.supervision.review import ReturnedItem, ReviewRow
from mobile_app.services.supervision.review_order import (
    ORDERS,
    arrange,
    kind_options,
    risk_words,
    worker_options,
)
from mobile_app.services.visits.form_drafts import KEPT_NOTICE
from mobile_app.ui.controls import (
    back_to_caseload,
    button,
    buttons,
    dropdown,
    failed_screen,
    guarded,
    heading,
    lock_action,
    note,
    screen,
    status_line,
    subheading,
)
from mobile_app.ui.flows.caseload import CaseloadFlow
from mobile_app.ui.flows.review import ReviewFlow
from mobile_app.ui.review_screens import ReviewScreen
from mobile_app.ui.state import REVIEW, AppState


def about_line(row: ReviewRow) -> str:
    """Who the record is about: the children by name, then the family."""
    who = row.children or "No child named"
    return f"{who}. {row.family}." if row.family else f"{who}."


def _outcome(text: str, key: str) -> ft.Control:
    """What I decided on this item, beside it (announced as it appears)."""
    return ft.Semantics(
        live_region=True,
        container=True,
        content=ft.Container(
            note(text, key=key, strong=True),
            bgcolor=ft.Colors.GREEN_50 if text.startswith("Countersigned") else ft.Colors.AMBER_50,
            border=ft.Border.all(1, ft.Colors.OUTLINE),
            padding=10,
            border_radius=8,
        ),
    )


def _item(row: ReviewRow, view: ReviewScreen, flow: ReviewFlow) -> ft.Control:
    vid = row.version_id
    lines: list[ft.Control] = [
        subheading(f"{row.kind}: {row.what}", key=f"review.item.{vid}"),
        note(about_line(row), key=f"review.item.{vid}.about"),
        note(f"By {row.worker}. {row.waited}.", key=f"review.item.{vid}.waited"),
    ]
    if risk := risk_words(row, view.risks):
        lines.append(note(risk, key=f"review.item.{vid}.risk", strong=True))
    lines.append(note(". ".join(row.reasons) + ".", key=f"review.item.{vid}.reasons"))
    acted = view.acted.get(vid)
    if acted is not None:
        lines.append(_outcome(acted[1], f"review.item.{vid}.done"))
        return _group(lines)
    if vid in view.kept:
        lines.append(note(KEPT_NOTICE, key=f"review.{vid}.kept", strong=True))
    read = flow.act(lambda: flow.read(vid))
    primary = row.needs_countersignature
    lines.append(buttons(button("Read and decide", f"review.{vid}.open", read, primary=primary)))
    return _group(lines)


def _returned(item: ReturnedItem, amendable: bool, flow: ReviewFlow) -> ft.Control:
    when = item.decided_at.astimezone().strftime("%d %b %Y %H:%M")
    key = f"returned.{item.version_id}"
    lines: list[ft.Control] = [
        subheading(f"{item.kind}: {item.what}", key=key),
        note(f"Returned {when}. Your supervisor asks:"),
        note(item.comment, key=f"{key}.comment", strong=True),
        note("Amend the record to answer: the amended version goes back to your supervisor."),
    ]
    if amendable:
        amend = flow.act(lambda: flow.opens.amend_visit(item.record_id))
        lines.append(buttons(button("Amend visit", f"{key}.amend", amend, primary=True)))
    elif item.entry_child_id is not None:
        child_id = item.entry_child_id

        def open_entry() -> None:
            flow.opens.chronology(child_id)
            flow.opens.record(item.record_id)

        lines.append(
            buttons(button("Open the entry", f"{key}.open", flow.act(open_entry), primary=True))
        )
    return _group(lines)


def _group(lines: list[ft.Control]) -> ft.Control:
    """One item's lines in a bordered group, its buttons announced with the record they act on.

    Not a Card: a card is one semantics node, and a box or button in it would take the card's
    words as its label.
    """
    return ft.Semantics(
        container=True,
        content=ft.Container(
            ft.Column(lines, spacing=6),
            padding=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            border_radius=12,
        ),
    )


def _filters(view: ReviewScreen, flow: ReviewFlow) -> list[ft.Control]:
    """Pick-lists for the kind of record, the worker, and the order."""
    every = [*view.rows, *(row for row, _ in view.acted.values())]
    choose, picked = flow.choose, flow.picked
    choice = view.choice
    return [
        dropdown(
            "Show",
            "review.filter.kind",
            kind_options(every),
            choice.kind,
            picked(lambda value: choose(kind=value)),
        ),
        dropdown(
            "Whose records",
            "review.filter.worker",
            worker_options(every),
            choice.worker,
            picked(lambda value: choose(worker=value)),
        ),
        dropdown(
            "Order",
            "review.filter.order",
            ORDERS,
            choice.order,
            picked(lambda value: choose(order=value)),
        ),
    ]


def _queue(view: ReviewScreen, flow: ReviewFlow) -> list[ft.Control]:
    waiting = len(view.rows)
    count = f"{waiting} record{'s' if waiting != 1 else ''} waiting"
    order = dict(ORDERS)[view.choice.order].lower()
    every = [*view.rows, *(row for row, _ in view.acted.values())]
    shown = arrange(every, view.choice, view.risks)
    out: list[ft.Control] = [
        heading("Review queue"),
        note(f"{count}, {order}.", key="review.count"),
    ]
    if every:
        out += _filters(view, flow)
    out += [_item(r, view, flow) for r in shown] or [
        note(
            "Nothing waits for your review on this device."
            if not every
            else "Nothing of this kind waits: choose another filter.",
            key="review.empty",
        )
    ]
    out.append(buttons(button("Mark all as reviewed", "review.finish", flow.act(flow.finish))))
    return out


@ft.component
@guarded(failed_screen)
def review_queue_view(review: ReviewScreen | None, state: AppState, flow: ReviewFlow) -> ft.View:
    """The queue for a supervisor, then anything returned to me, then the way back."""
    body: list[ft.Control] = [*status_line(state)]
    if review is None:
        body.append(note("Nothing to review.", key="review.none"))
    else:
        if review.supervisor:
            board = flow.act(flow.dashboard)
            body.append(buttons(button("Team dashboard", "review.dashboard", board)))
            body += _queue(review, flow)
        body.append(heading("Returned to you"))
        body += [_returned(i, i.record_id in review.amendable, flow) for i in review.returned] or [
            note("None of your records has been returned.", key="returned.empty")
        ]
    body.append(buttons(back_to_caseload(flow)))
    lock = lock_action(flow)
    return screen("screen.review", REVIEW, "Supervision", body, [lock])


def supervision_banner(state: AppState, caseload: CaseloadFlow) -> list[ft.Control]:
    """For the caseload: a supervisor's "Review queue (N)", and an author's returned records."""
    badge = caseload.badge(state.overview)
    open_review = caseload.act(caseload.opens.review)
    out: list[ft.Control] = []
    if badge.queue is not None:
        board = caseload.act(caseload.opens.dashboard)
        out.append(
            buttons(
                button(f"Review queue ({badge.queue})", "caseload.review", open_review),
                button("Team dashboard", "caseload.dashboard", board),
            )
        )
    if badge.returned:
        out.append(
            ft.Semantics(
                live_region=True,
                container=True,
                content=ft.Container(
                    ft.Column(
                        [
                            note(
                                f"Returned to you ({badge.returned}): a supervisor asks you "
                                "to amend a record.",
                                key="caseload.returned",
                                strong=True,
                            ),
                            buttons(
                                button("See what to change", "caseload.returned.open", open_review)
                            ),
                        ],
                        spacing=6,
                    ),
                    bgcolor=ft.Colors.AMBER_100,
                    padding=12,
                    border_radius=8,
                ),
            )
        )
    return out
