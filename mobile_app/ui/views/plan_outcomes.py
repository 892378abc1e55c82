"""A child's CP plans and their outcomes (finding 1): read by all, changed by the plan's holder."""

from collections.abc import Callable

import flet as ft

from mobile_app.services.planning.plans import OutcomeLine, PlanView
from mobile_app.services.visits.form_drafts import KEPT_NOTICE
from mobile_app.services.wording import label, plan_status_words
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
    subheading,
    text_field,
)
from mobile_app.ui.flows.case_records import PlanFlow
from mobile_app.ui.screens import PlanScreen
from mobile_app.ui.state import PLAN, AppState

TITLE = "The plan"  # an plans bar title stays one line at twice the text size
FORM_LABELS = (
    ("danger_statement", "Danger statement: who is worried, about what, if nothing changes"),
    ("safety_goal", "Safety goal"),
    ("consequence_if_not_achieved", "What happens to the child if this is not achieved"),
    ("measure", "How everyone will know the goal is met"),
    ("owner", "Who owns this outcome"),
    ("due", "Due date (YYYY-MM-DD)"),
    ("progress_rating", "Progress, 0 to 10 (optional)"),
)


def _outcome(plan: PlanView, i: int, line: OutcomeLine, plans: PlanFlow) -> ft.Control:
    o = line.outcome
    key = f"plan.{plan.plan_id}.outcome.{i}"
    rows: list[ft.Control] = [
        note(f"Goal: {o.safety_goal}", key=key, strong=True),
        note(f"Danger: {o.danger_statement}"),
        note(f"If not achieved: {o.consequence_if_not_achieved}", key=f"{key}.consequence"),
        note(f"Measure: {o.measure}"),
        note(f"Owner: {o.owner}. Due {o.due:%a %d %b %Y}."),
    ]
    if o.progress_rating is not None:
        rows.append(note(f"Progress: {o.progress_rating} out of 10"))
    if plan.can_edit:
        rows.append(
            buttons(
                button(
                    "Change this outcome",
                    f"{key}.edit",
                    plans.act(lambda: plans.edit(plan.plan_id, line.record_id)),
                )
            )
        )
    return ft.Card(ft.Container(ft.Column(rows, spacing=4), padding=12))


def _keeper(plans: PlanFlow, name: str) -> Callable[[str], None]:
    return lambda value: plans.type(name, value)


def _form(view: PlanScreen, plans: PlanFlow) -> list[ft.Control]:
    typed = plans.typed
    rows: list[ft.Control] = [
        subheading("Change the outcome" if view.editing else "New outcome", key="plan.form")
    ]
    if view.kept:
        rows.append(note(KEPT_NOTICE, key="plan.form.kept", strong=True))
    rows += [
        text_field(
            text,
            f"plan.form.{name}",
            view.form.get(name, ""),
            typed(_keeper(plans, name)),
            multiline=name not in {"owner", "due", "progress_rating"},
        )
        for name, text in FORM_LABELS
    ]
    if view.editing:
        rows.append(
            text_field(
                "Why it is changing",
                "plan.form.reason",
                view.reason,
                typed(lambda value: plans.type("reason", value)),
            )
        )
    rows.append(
        buttons(
            button("Save outcome", "plan.form.save", plans.act(plans.save), primary=True),
            button("Discard", "plan.form.discard", plans.act(plans.discard)),
        )
    )
    return rows


def _plan(view: PlanScreen, plan: PlanView, plans: PlanFlow) -> list[ft.Control]:
    p = plan.plan
    categories = ", ".join(label(c) for c in p.categories)
    rows: list[ft.Control] = [
        heading(f"Plan from {p.icpc_date:%d %b %Y}: {categories}", key=f"plan.{plan.plan_id}"),
        note(
            f"{plan_status_words(p)}. Statutory visits at least every "
            f"{p.visit_frequency_days} days."
        ),
    ]
    if p.contingency_plan:
        rows.append(note(f"Contingency: {p.contingency_plan}"))
    rows += [_outcome(plan, i, line, plans) for i, line in enumerate(plan.outcomes)] or [
        note("No outcomes recorded for this plan.", key=f"plan.{plan.plan_id}.none")
    ]
    if plan.can_edit and view.plan_id != plan.plan_id:
        rows.append(
            buttons(
                button(
                    "Add an outcome",
                    f"plan.{plan.plan_id}.add",
                    plans.act(lambda: plans.new(plan.plan_id)),
                )
            )
        )
    if not plan.can_edit:
        rows.append(
            note(
                "Read only: the social worker who holds the plan changes its outcomes.",
                key=f"plan.{plan.plan_id}.read_only",
            )
        )
    if view.plan_id == plan.plan_id:
        rows += _form(view, plans)
    return rows


@ft.component
@guarded(failed_screen)
def plan_outcomes_view(view: PlanScreen | None, state: AppState, plans: PlanFlow) -> ft.View:
    """Each plan naming the child, its outcomes with the consequence if missed, and the form."""
    back = back_to_caseload(plans)
    if view is None:
        return screen("screen.plan", PLAN, TITLE, [note("No child chosen."), back])
    body: list[ft.Control] = [heading(view.child.name, key="plan.child"), *status_line(state)]
    for plan in view.plans:
        body += _plan(view, plan, plans)
    if not view.plans:
        body.append(
            note("No child protection plan on this device for this child.", key="plan.none")
        )
    body.append(buttons(back))
    return screen("screen.plan", PLAN, TITLE, body)
