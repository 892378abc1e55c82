"""Actions agreed at a visit: kept as typed in the draft, checked in plain words, then built.

The due date is typed as year-month-day: it works with any keyboard, a screen reader reads it
back as typed, and there is no calendar dialog to find with one thumb.
"""

import re
from datetime import date

from pydantic import BaseModel

from mobile_app.services.working_days import add_working_days
from shared.models import VisitAction

SHORT_MAX = 200  # shared.models.base.ShortText
DUE_HELP = "Year-month-day, for example 2026-11-20"
FOLLOW_UP_ACTION = "Find out who the father or male carer is"
# The line finalising adds to next steps for an unknown father (and an amendment strips again).
FOLLOW_UP = "Follow-up: find out who the father or male carer is"
FOLLOW_UP_LINE = f"{FOLLOW_UP}."
# Child Q finding 4: an unknown father is a task with an owner, not a note: due in 5 working
# days (England's bank holidays skipped, see working_days).
FOLLOW_UP_WORKING_DAYS = 5
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ActionDraft(BaseModel):
    """One action as typed so far: what, who, and the due date as text."""

    action: str = ""
    owner: str = ""
    due: str = ""


def parse_due(text: str) -> date | None:
    """Return the date typed as yyyy-mm-dd, or None if it is not one."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def due_problem(text: str, visit_day: date) -> str | None:
    """Say what is wrong with a typed due date, or None when it is a good one."""
    text = text.strip()
    if not text:
        return "give a due date."
    if not _DATE.fullmatch(text):
        return "write the due date as year-month-day, for example 2026-11-20."
    due = parse_due(text)
    if due is None:
        return "that is not a real date: check the month and the day."
    if due < visit_day:
        return "the due date is before the visit: give a day from the visit onwards."
    return None


def due_error(text: str, visit_day: date) -> str | None:
    """The problem to show beside the due-date box: none until a whole date is typed."""
    if len(text.strip()) < len("yyyy-mm-dd"):
        return None
    problem = due_problem(text, visit_day)
    return problem[0].upper() + problem[1:] if problem else None


def _text_problem(value: str, missing: str, what: str) -> str | None:
    if not value.strip():
        return missing
    if len(value.strip()) > SHORT_MAX:
        return f"keep {what} to {SHORT_MAX} characters or fewer."
    return None


def action_problems(actions: list[ActionDraft], visit_day: date) -> list[str]:
    """Return what is missing or wrong in each action, numbered as on screen."""
    out = []
    for number, draft in enumerate(actions, start=1):
        if not (draft.action.strip() or draft.owner.strip() or draft.due.strip()):
            out.append(f"Action {number} is empty: fill it in or remove it.")
            continue
        found = [
            _text_problem(draft.action, "say what needs to happen.", "what needs to happen"),
            _text_problem(draft.owner, "say who will do it.", "who will do it"),
            due_problem(draft.due, visit_day),
        ]
        out += [f"Action {number}: {p}" for p in found if p]
    return out


def build_actions(actions: list[ActionDraft]) -> tuple[VisitAction, ...]:
    """Turn checked action drafts into the visit's actions."""
    return tuple(
        VisitAction(action=a.action.strip(), owner=a.owner.strip(), due=due)
        for a in actions
        if (due := parse_due(a.due)) is not None
    )


def follow_up_due(visit_day: date) -> date:
    """When the follow-up for an unknown father or male carer is due."""
    return add_working_days(visit_day, FOLLOW_UP_WORKING_DAYS)


def follow_up_action(owner: str, visit_day: date) -> VisitAction:
    """The follow-up an unknown father or male carer creates, owned by the practitioner."""
    return VisitAction(action=FOLLOW_UP_ACTION, owner=owner, due=follow_up_due(visit_day))
