"""Recording a visit: open or resume its draft, save every change, step through, finalise.

The same form amends a finalised visit for its author: opened from the visit's current
version, it needs a reason, and finalising stores a new version of the visit.
"""

from datetime import timedelta
from typing import Any, TypeVar

from mobile_app.errors import MobileError
from mobile_app.services.caseload.overview import known_adults
from mobile_app.services.security.account import AccountService
from mobile_app.services.visits.actions import ActionDraft, due_error
from mobile_app.services.visits.drafts import DraftService, ItemDraft, VisitDraft
from mobile_app.services.visits.finalise import FinaliseService, is_late_on
from mobile_app.services.visits.scaling import ScaleDraft
from mobile_app.services.visits.visit_amendment import VisitAmendments
from mobile_app.services.visits.visit_gaps import gaps_on
from mobile_app.services.wording import checklist_domains, plural
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import ScreenFlow
from mobile_app.ui.screens import VisitScreen
from shared.vocabulary import (
    AccessAttempt,
    ChecklistRating,
    ChildSighting,
    ChildStatus,
    VisitAccess,
    VisitType,
)

_DEFAULT_TYPE = {ChildStatus.CP: VisitType.STATUTORY_CP, ChildStatus.CIN: VisitType.CIN}
PEOPLE = {"others_present": "typing_present", "others_absent": "typing_absent"}
GO_ON = (
    "Some questions on this step are not answered yet (marked). Tap Next again to go on: "
    "you can come back to them before you finalise."
)
ACTION_FIELDS = ("action", "owner", "due")
Row = TypeVar("Row")


def _row(rows: list[Row], index: int) -> Row:
    if not 0 <= index < len(rows):
        raise MobileError("That line is no longer on this visit: go back and look again.")
    return rows[index]


class VisitFlow(ScreenFlow):
    """Every change to the visit form lands in the encrypted store before anything else."""

    def __init__(self, app: AppController) -> None:
        self._app = app
        self._state = app.state

    @property
    def screen(self) -> VisitScreen:
        """The visit on screen."""
        if self._state.visit is None:
            raise MobileError("No visit is open: pick a child on the caseload.")
        return self._state.visit

    @property
    def draft(self) -> VisitDraft:
        """The draft on screen."""
        return self.screen.draft

    def is_late(self, draft: VisitDraft) -> bool:
        """Whether the visit shown is being recorded more than 24 hours after it began (the
        draft is the one the screen shows: a screen drawn as it closes has no visit open)."""
        return is_late_on(self._app.store, draft, self._app.config.clock())

    def open(self, child_id: str) -> None:
        """Resume the child's visit draft, or start one."""
        overview = self._state.overview
        row = overview.child(child_id) if overview else None
        if row is None:
            raise MobileError("That child is no longer on this device: sync, then try again.")
        drafts = DraftService(self._app.store)
        draft = drafts.for_child(child_id) or drafts.start(
            row.case_id,
            child_id,
            _DEFAULT_TYPE.get(row.child.status, VisitType.TARGETED),
            self._app.config.clock(),
        )
        adults = known_adults(self._app.store, row.case_id)
        self._state.open_visit(VisitScreen(draft, row, adults))

    def amend(self, record_id: str) -> None:
        """Reopen a finalised visit of mine in the form, to amend it (resumed if started)."""
        opened = VisitAmendments(self._app.store, self._app.me()).open(record_id)
        row = self._app.child_row(opened.draft.child_id)
        if row is None:
            return
        adults = known_adults(self._app.store, row.case_id)
        self._state.open_visit(VisitScreen(opened.draft, row, adults))
        if opened.notice:
            self._state.say(opened.notice)

    def _save(self) -> None:
        DraftService(self._app.store).save(self.draft)

    def edit(self, **changes: Any) -> None:
        """Change typed fields and save (no re-render: the text box already shows them)."""
        for name, value in changes.items():
            setattr(self.draft, name, value)
        self._save()

    def choose(self, **changes: Any) -> None:
        """Change answers that alter what the screen shows, save, and re-render."""
        self.edit(**changes)
        self.screen.answered()

    def attendance(self, adult_id: str, value: str | None) -> None:
        """Mark a known adult as present, expected but absent, or neither."""
        if value == "present":
            self.draft.known_adults[adult_id] = "present"
        elif value == "absent":
            self.draft.known_adults[adult_id] = "absent"
        else:
            self.draft.known_adults.pop(adult_id, None)
        self.choose()

    def add_person(self, which: str) -> None:
        """Add the person typed for the present (or expected but absent) list."""
        typing = PEOPLE[which]
        description = str(getattr(self.draft, typing)).strip()
        if not description:
            raise MobileError("Describe the person first, for example: mother, or mum's partner.")
        getattr(self.draft, which).append(description)
        self.choose(**{typing: ""})

    def remove_person(self, which: str, index: int) -> None:
        """Remove someone from the present or absent list."""
        people: list[str] = getattr(self.draft, which)
        if 0 <= index < len(people):
            people.pop(index)
        self.choose()

    def rate(self, key: str, rating: str) -> None:
        """Rate a checklist item."""
        item = self.draft.checklist.setdefault(key, ItemDraft())
        item.rating = rating or None
        self.choose()

    def evidence(self, key: str, text: str) -> None:
        """Record what was seen for a checklist item."""
        self.draft.checklist.setdefault(key, ItemDraft()).evidence = text
        self._save()

    def father(self, answer: str) -> None:
        """Answer the father question: a known man (by his record), someone new, or not known."""
        if answer.startswith("adult:"):
            self.choose(father="known", father_adult_id=answer.removeprefix("adult:"))
            return
        self.choose(father=answer, father_adult_id=None)

    def add_rating(self) -> None:
        """Add a 0-10 safety rating to fill in."""
        self.draft.scaling.append(ScaleDraft())
        self.choose()

    def rated_by(self, index: int, who: str) -> None:
        """Change who gave a rating."""
        _row(self.draft.scaling, index).rated_by = who
        self.choose()

    def safety_value(self, index: int, value: str) -> None:
        """Record the number, 0 to 10, a rating gave."""
        number = int(value)
        if not 0 <= number <= 10:
            raise MobileError("A safety rating is a number from 0 to 10.")
        _row(self.draft.scaling, index).value = number
        self.choose()

    def rater(self, index: int, text: str) -> None:
        """Record who gave a rating, when they are not on the list."""
        _row(self.draft.scaling, index).rated_by_other = text
        self._save()

    def remove_rating(self, index: int) -> None:
        """Take a rating off the visit."""
        _row(self.draft.scaling, index)
        self.draft.scaling.pop(index)
        self.choose()

    def add_action(self) -> None:
        """Add an action to fill in: what, who, and by when."""
        self.draft.actions.append(ActionDraft())
        self.choose()

    def action(self, index: int, name: str, text: str) -> None:
        """Keep what is typed for an action; re-render only when the due-date advice changes."""
        if name not in ACTION_FIELDS:
            raise MobileError(f"An action has no {name}.")
        row = _row(self.draft.actions, index)
        day = self.draft.started_at.date()
        before = due_error(row.due, day)
        setattr(row, name, text)
        self._save()
        if name == "due" and due_error(row.due, day) != before:
            self.screen.advice_changed()

    def remove_action(self, index: int) -> None:
        """Take an action off the visit."""
        _row(self.draft.actions, index)
        self.draft.actions.pop(index)
        self.choose()

    def go_step(self, step: int) -> None:
        """Show another step of the visit (the draft remembers where you were)."""
        self.screen.left_step()
        self.choose(step=max(0, min(step, len(self.draft.steps) - 1)))

    def _areas(self) -> int:
        return len(checklist_domains(self.screen.child.child, self.draft.started_at))

    def next(self) -> None:
        """Go on: the next checklist area, else the next step. Unanswered questions on this
        step are marked at the question first; a second Next goes on regardless."""
        screen, name = self.screen, self.draft.step_name
        if name == "checklist" and screen.domain < self._areas() - 1:
            self.go_area(screen.domain + 1)
            return
        if screen.flagged != name and gaps_on(self.draft, screen.child.child, name):
            screen.flag(name)
            self._state.say(GO_ON)
            return
        self.go_step(self.draft.step + 1)

    def back(self) -> None:
        """Go back: the previous checklist area, else the previous step."""
        if self.draft.step_name == "checklist" and self.screen.domain > 0:
            self.go_area(self.screen.domain - 1)
            return
        before = self.draft.step - 1
        if 0 <= before < len(self.draft.steps) and self.draft.steps[before] == "checklist":
            self.screen.show_domain(self._areas() - 1)  # back into the checklist: its last area
        self.go_step(before)

    def go_area(self, index: int) -> None:
        """Show one area of the checklist, from its top."""
        self.screen.show_domain(max(0, min(index, self._areas() - 1)))

    def nothing_of_concern(self) -> None:
        """Answer every unanswered item of the area on screen with its no-concern answer."""
        domains = checklist_domains(self.screen.child.child, self.draft.started_at)
        _, items = domains[min(self.screen.domain, len(domains) - 1)]
        for item in items:
            answer = self.draft.checklist.setdefault(item.key, ItemDraft())
            if answer.rating is None:
                answer.rating = ChecklistRating.MEETS_NEEDS.value
        self._save()
        # Said of the whole area: go on, as Next would; Back shows the answers to change.
        self.next()

    def no_access(self, on: bool) -> None:
        """Switch to the short path for a visit without access, or back to the full form."""
        self.screen.flag("")
        self.choose(access=VisitAccess.NO_ANSWER if on else VisitAccess.GAINED, step=0)

    def access(self, value: str) -> None:
        """Nobody answered, or the family refused entry."""
        self.choose(access=VisitAccess(value))

    def attempt(self, attempt: str, tried: bool) -> None:
        """Tick or untick something tried to get in."""
        chosen = [a for a in self.draft.access_attempts if a != attempt]
        if tried:
            chosen.append(AccessAttempt(attempt))
        self.choose(access_attempts=sorted(chosen, key=list(AccessAttempt).index))

    def sighting(self, value: str) -> None:
        """Whether the child was seen through a window, or not at all."""
        self.choose(child_sighting=ChildSighting(value))

    def add_next_step(self, text: str) -> None:
        """Add a common next step to what is typed (one tap instead of typing it)."""
        lines = [line for line in self.draft.next_steps.splitlines() if line.strip()]
        if text not in lines:
            lines.append(text)
        self.choose(next_steps="\n".join(lines))

    def due_in(self, index: int, days: int) -> None:
        """Set an action's due date a number of days after the visit."""
        row = _row(self.draft.actions, index)
        row.due = (self.draft.started_at.date() + timedelta(days=days)).isoformat()
        self.choose()

    def due_on(self, index: int, value: str) -> None:
        """Set an action's due date from the calendar."""
        _row(self.draft.actions, index).due = value[:10]
        self.choose()

    def ask_discard(self, asking: bool) -> None:
        """Ask before discarding the draft (or stop asking)."""
        self.screen.ask_discard(asking)

    def discard(self) -> None:
        """Delete this draft visit from the device, once confirmed."""
        amending = self.draft.is_amendment
        DraftService(self._app.store).delete(self.draft.draft_id)
        self._state.close_visit()
        what = "Amendment discarded" if amending else "Draft visit discarded"
        self._app.show_caseload(f"{what}: nothing from it was kept or sent.", "done")

    def leave(self) -> None:
        """Back to the caseload; the draft stays on the device to resume."""
        amending = self.draft.is_amendment
        self._state.close_visit()
        if amending:
            self._app.show_caseload(
                "Amendment saved as a draft: resume it with Amend visit, from the visit's "
                "history or the records returned to you."
            )
            return
        self._app.show_caseload("Visit saved as a draft: resume it from the caseload.", "done")

    def finalise(self) -> None:
        """Finalise the visit, or show what is missing in plain words."""
        store = self._app.store
        me = AccountService(store).session().practitioner
        result = FinaliseService(store, me, self._app.config.clock()).finalise(
            self.draft, self.screen.child.child
        )
        if result.problems:
            self.screen.refused(result.problems)
            return
        amended = self.draft.is_amendment
        self._state.close_visit()
        count = store.outbox.count()
        waiting = f"{plural(count, 'record is', 'records are')} waiting to sync."
        if not amended:
            self._app.show_caseload(f"Visit finalised. {waiting}", "done")
            return
        message = f"Visit amended: the new version goes back to your supervisor. {waiting}"
        if result.entry_ids:
            # The entry is its own record: changing it is the author's separate choice.
            message += (
                " Its chronology entry was not changed: to change it too, open the child's "
                "chronology and choose History and changes on that entry."
            )
        self._app.show_caseload(message, "done")
