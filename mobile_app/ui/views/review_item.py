"""One queued record read in full (issue 12): every part of it, read-only, then its versions,
then the supervisor's decision: Countersign, Return or Escalate, each with one reason.

The decision sits below the record on purpose: a supervisor signs what they have read.
"""

import flet as ft

from mobile_app.services.supervision.review_detail import DetailSection
from mobile_app.services.visits.form_drafts import KEPT_NOTICE
from mobile_app.ui.controls import (
    button,
    buttons,
    choice,
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
from mobile_app.ui.flows.review import ReviewFlow
from mobile_app.ui.review_screens import ReviewItemScreen
from mobile_app.ui.state import REVIEW_ITEM, AppState
from mobile_app.ui.views.record_history import version_card
from mobile_app.ui.views.review_queue import about_line

TITLE = "Review"
STAGES = tuple((str(n), str(n)) for n in range(1, 5))
REASON = "Your reason (needed to return or escalate)"


def _section(n: int, section: DetailSection) -> ft.Control:
    key = f"review.detail.{n}"
    lines: list[ft.Control] = [subheading(section.title, key=key)]
    lines += [note(text, key=f"{key}.{m}") for m, text in enumerate(section.lines)]
    return ft.Column(lines, spacing=4)


def _decide(item: ReviewItemScreen, review: ReviewFlow) -> list[ft.Control]:
    row, vid = item.row, item.row.version_id
    form = review.form(vid)
    act = review.act
    worker = row.worker
    out: list[ft.Control] = [heading("Your decision")]
    if review.kept(vid):
        out.append(note(KEPT_NOTICE, key=f"review.{vid}.kept", strong=True))
    out += [
        text_field(
            REASON,
            f"review.{vid}.comment",
            form.comment,
            review.typed(lambda value: review.type(vid, "comment", value)),
            multiline=True,
            helper="Optional when you countersign.",
            error=item.problem if item.problem_at == "comment" else None,
        ),
        buttons(
            button(
                "Countersign",
                f"review.{vid}.countersign",
                act(lambda: review.countersign(vid)),
                primary=True,
            ),
            button(
                f"Return to {worker}" if not worker.startswith("A ") else "Return to the author",
                f"review.{vid}.return",
                act(lambda: review.return_to_author(vid)),
            ),
        ),
        choice(
            "Escalate to stage",
            f"review.{vid}.stage",
            STAGES,
            form.stage or None,
            review.picked(lambda value: review.type(vid, "stage", value)),
            option_width=72,
        ),
    ]
    if item.problem and item.problem_at == "stage":
        out.append(note(item.problem, key=f"review.{vid}.stage.problem", strong=True))
    out.append(
        buttons(button("Escalate", f"review.{vid}.escalate", act(lambda: review.escalate(vid))))
    )
    return out


@ft.component
@guarded(failed_screen)
def review_item_view(item: ReviewItemScreen | None, state: AppState, review: ReviewFlow) -> ft.View:
    """The record in full, its versions, then the decision and the way back to the queue."""
    back = button("Back to the queue", "review.back", review.act(review.back))
    if item is None:
        body: list[ft.Control] = [note("No record is open.", key="review.detail.none"), back]
        return screen("screen.review_item", REVIEW_ITEM, TITLE, body)
    row = item.row
    body = [
        *status_line(state),
        buttons(back),
        heading(f"{row.kind}: {row.what}", key="review.detail.title"),
        note(about_line(row), key="review.detail.about"),
        note(f"By {row.worker}. {row.waited}.", key="review.detail.waited"),
    ]
    if item.risk:
        body.append(note(item.risk, key="review.detail.risk", strong=True))
    body.append(note(". ".join(row.reasons) + ".", key="review.detail.reasons"))
    body += [_section(n, s) for n, s in enumerate(item.detail.sections)]
    versions = item.detail.history.versions
    count = f"{len(versions)} version{'s' if len(versions) != 1 else ''}, oldest first."
    body += [heading("History"), note(count, key="review.detail.versions")]
    body += [version_card(line, n) for n, line in enumerate(versions, start=1)]
    body += [
        buttons(
            *(
                button(
                    f"Trends for {name}",
                    f"review.detail.trends.{child_id}",
                    review.act(lambda child_id=child_id: review.trends(child_id)),
                )
                for child_id, name in zip(row.child_ids, row.child_names, strict=True)
            )
        ),
        *_decide(item, review),
        buttons(back),
    ]
    return screen("screen.review_item", REVIEW_ITEM, TITLE, body, [lock_action(review)])
