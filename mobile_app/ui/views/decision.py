"""Decision prompts after a serious entry on a CP case (A6, Child Q finding 2)."""

from functools import partial

import flet as ft

from mobile_app.services.chronology.decisions import DecisionEntry, PendingDecision
from mobile_app.services.visits.form_drafts import KEPT_NOTICE
from mobile_app.services.wording import label
from mobile_app.ui.controls import (
    back_to_caseload,
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    note,
    screen,
    status_line,
    text_field,
)
from mobile_app.ui.flows.case_records import DecisionFlow
from mobile_app.ui.review_screens import DecisionScreen
from mobile_app.ui.state import DECISION, AppState

TITLE = "Decisions"
OPTION_WORDS = {
    "request_strategy_discussion": "Request a strategy discussion",
    "refer_to_csc": "Refer to children's social care",
    "visit_within_24h": "Visit within 24 hours",
    "convene_core_group": "Convene the core group",
    "escalate": "Escalate",
    "no_action": "No action (needs a supervisor's countersignature)",
}


def _prompt(
    i: int, prompt: PendingDecision, view: DecisionScreen, decisions: DecisionFlow
) -> ft.Control:
    act = decisions.act
    rows: list[ft.Control] = [
        note(
            f"{label(prompt.event_type)} entry of {prompt.event_day:%a %d %b %Y}",
            key=f"decision.{i}.entry",
            strong=True,
        ),
        note(prompt.message, key=f"decision.{i}.message", strong=prompt.overdue),
    ]
    if prompt.awaiting_countersignature:
        rows.append(
            note(
                '"No action" recorded: pending until a supervisor countersigns it.',
                key=f"decision.{i}.pending_countersignature",
                strong=True,
            )
        )
    elif view.can_decide:
        rows.append(
            text_field(
                "Rationale (required): why this decision",
                f"decision.{i}.rationale",
                view.rationales.get(prompt.trigger_entry_id, ""),
                decisions.typed(partial(decisions.type_rationale, prompt.trigger_entry_id)),
                multiline=True,
            )
        )
        rows.append(
            buttons(
                *(
                    button(
                        OPTION_WORDS.get(option.value, label(option)),
                        f"decision.{i}.{option.value}",
                        act(lambda o=option: decisions.decide(prompt.trigger_entry_id, o)),
                        primary=n == 0,
                    )
                    for n, option in enumerate(prompt.options)
                )
            )
        )
    else:
        rows.append(
            note(
                "A social worker or supervisor records this decision.",
                key=f"decision.{i}.read_only",
            )
        )
    # A bordered box, not an ft.Card: a Card is one semantics node, and would take the
    # rationale box's label and size as its own.
    return ft.Container(
        ft.Column(rows, spacing=8),
        padding=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE),
        border_radius=8,
    )


def _waiting(i: int, item: DecisionEntry, decisions: DecisionFlow) -> ft.Control:
    record = item.record
    rows: list[ft.Control] = [
        note(f"No action decided on {record.decided_at:%d %b %Y}", key=f"decision.waiting.{i}"),
        note(f"Rationale: {record.rationale}"),
        buttons(
            button(
                "Countersign",
                f"decision.waiting.{i}.countersign",
                decisions.act(lambda: decisions.countersign(item.record_id)),
                primary=True,
            )
        ),
    ]
    return ft.Card(ft.Container(ft.Column(rows, spacing=6), padding=12))


@ft.component
@guarded(failed_screen)
def decision_view(view: DecisionScreen | None, state: AppState, decisions: DecisionFlow) -> ft.View:
    """The child's pending decisions: options with a strategy discussion first, the rationale,
    and (for a supervisor) the "no action" decisions to countersign."""
    back = back_to_caseload(decisions)
    if view is None:
        return screen("screen.decision", DECISION, TITLE, [note("No child chosen."), back])
    body: list[ft.Control] = [
        heading(view.child.name, key="decision.child"),
        *status_line(state),
    ]
    if view.kept and view.can_decide:
        body.append(note(KEPT_NOTICE, key="decision.kept", strong=True))
    body += [_prompt(i, p, view, decisions) for i, p in enumerate(view.prompts)] or [
        note("No decision is waiting for this child.", key="decision.none")
    ]
    if view.can_countersign and view.waiting:
        body.append(heading("Waiting for your countersignature"))
        body += [_waiting(i, item, decisions) for i, item in enumerate(view.waiting)]
    body.append(buttons(back))
    return screen("screen.decision", DECISION, TITLE, body)
