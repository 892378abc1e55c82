"""Supervision: the review queue with its three decisions, and the records returned to me."""

import flet as ft

from mobile_app.services.form_drafts import KEPT_NOTICE
from mobile_app.services.review import ReturnedItem, ReviewRow
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
    text_field,
)
from mobile_app.ui.flows import Flows
from mobile_app.ui.state import REVIEW, AppState, ReviewScreen

STAGES = [("", "Choose a stage"), *((str(n), f"Stage {n}") for n in range(1, 5))]


def _item(row: ReviewRow, kept: bool, flows: Flows) -> ft.Control:
    app, review, vid = flows.app, flows.review, row.version_id
    act, form = app.act, review.form(vid)
    lines: list[ft.Control] = [
        subheading(f"{row.kind}: {row.what}", key=f"review.item.{vid}"),
        note(f"About: {row.children or 'no child named'}"),
        note(row.waited, key=f"review.item.{vid}.waited", strong=row.needs_countersignature),
        note(". ".join(row.reasons) + ".", key=f"review.item.{vid}.reasons"),
    ]
    if kept:
        lines.append(note(KEPT_NOTICE, key=f"review.{vid}.kept", strong=True))
    lines += [
        text_field(
            "Your comment (needed to return or escalate)",
            f"review.{vid}.comment",
            form.comment,
            app.typed(lambda value: review.type(vid, "comment", value)),
            multiline=True,
        ),
        dropdown(
            "Escalate to",
            f"review.{vid}.stage",
            STAGES,
            form.stage,
            app.picked(lambda value: review.type(vid, "stage", value)),
        ),
        buttons(
            button(
                "Countersign",
                f"review.{vid}.countersign",
                act(lambda: review.countersign(vid)),
                primary=row.needs_countersignature,
            ),
            button(
                "Return to author",
                f"review.{vid}.return",
                act(lambda: review.return_to_author(vid)),
            ),
            button("Escalate", f"review.{vid}.escalate", act(lambda: review.escalate(vid))),
        ),
        buttons(
            *(
                button(
                    "Trends" if len(row.child_ids) == 1 else f"Trends, child {n}",
                    f"review.{vid}.trends.{child_id}",
                    act(lambda child_id=child_id: review.trends(child_id)),
                )
                for n, child_id in enumerate(row.child_ids, start=1)
            )
        ),
    ]
    return _group(lines)


def _returned(item: ReturnedItem, amendable: bool, flows: Flows) -> ft.Control:
    when = item.decided_at.astimezone().strftime("%d %b %Y %H:%M")
    key = f"returned.{item.version_id}"
    lines: list[ft.Control] = [
        subheading(f"{item.kind}: {item.what}", key=key),
        note(f"Returned {when}. Your supervisor asks:"),
        note(item.comment, key=f"{key}.comment", strong=True),
        note("Amend the record to answer: the amended version goes back to your supervisor."),
    ]
    if amendable:
        amend = flows.app.act(lambda: flows.visits.amend(item.record_id))
        lines.append(buttons(button("Amend visit", f"{key}.amend", amend, primary=True)))
    elif item.entry_child_id is not None:
        child_id = item.entry_child_id

        def open_entry() -> None:
            flows.chronology.open(child_id)
            flows.history.open(item.record_id)

        lines.append(
            buttons(
                button("Open the entry", f"{key}.open", flows.app.act(open_entry), primary=True)
            )
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


def _queue(view: ReviewScreen, flows: Flows) -> list[ft.Control]:
    app, rows = flows.app, view.rows
    count = f"{len(rows)} record{'s' if len(rows) != 1 else ''} waiting, oldest first"
    out: list[ft.Control] = [heading("Review queue"), note(count, key="review.count")]
    out += [_item(r, r.version_id in view.kept, flows) for r in rows] or [
        note("Nothing waits for your review on this device.", key="review.empty")
    ]
    out.append(
        buttons(button("Mark all as reviewed", "review.finish", app.act(flows.review.finish)))
    )
    return out


@ft.component
@guarded(failed_screen)
def review_queue_view(state: AppState, flows: Flows) -> ft.View:
    """The queue for a supervisor, then anything returned to me, then the way back."""
    app = flows.app
    review = state.review
    body: list[ft.Control] = [*status_line(state)]
    if review is None:
        body.append(note("Nothing to review.", key="review.none"))
    else:
        if review.supervisor:
            board = app.act(flows.review.dashboard)
            body.append(buttons(button("Team dashboard", "review.dashboard", board)))
            body += _queue(review, flows)
        body.append(heading("Returned to you"))
        body += [_returned(i, i.record_id in review.amendable, flows) for i in review.returned] or [
            note("None of your records has been returned.", key="returned.empty")
        ]
    body.append(buttons(back_to_caseload(app)))
    lock = lock_action(app)
    return screen("screen.review", REVIEW, "Supervision", body, [lock])


def supervision_banner(state: AppState, flows: Flows) -> list[ft.Control]:
    """For the caseload: a supervisor's "Review queue (N)", and an author's returned records."""
    badge = flows.review.badge(state.overview)
    open_review = flows.app.act(flows.review.open)
    out: list[ft.Control] = []
    if badge.queue is not None:
        board = flows.app.act(flows.review.dashboard)
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
