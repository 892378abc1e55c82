"""The models of the screens about cases: each an observable, changed only through its own
methods, so a change re-renders the screen that shows it (and nothing else)."""

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import flet as ft

from mobile_app.services.caseload.overview import ChildRow, KnownAdult
from mobile_app.services.chronology.chronology import screen_query
from mobile_app.services.chronology.history import RecordHistory
from mobile_app.services.chronology.same_event import SameEventSuggestion
from mobile_app.services.chronology.trends import ChildTrends
from mobile_app.services.planning.meetings import ChairChoice, MeetingForm
from mobile_app.services.planning.plans import PlanView
from mobile_app.services.visits.child_summary import ChildSummary
from mobile_app.services.visits.drafts import VisitDraft
from mobile_app.services.visits.visit_gaps import gaps_on
from shared.chronology import ChronologyQuery
from shared.protocol import ChronologyItem


class ScreenModel(ft.Observable):
    """A screen's model: setting a field re-renders the view given it (Flet subscribes a
    component to the observables it is passed)."""

    def _wrap_if_collection(self, name: str, value: Any) -> Any:
        # Lists and dicts stay as given: a screen changes only through its methods, and a
        # wrapped dict would re-render at every keystroke typed into it.
        return value

    def _redraw(self) -> None:
        """Re-render the screen though no field changed (the draft it shows changed inside)."""
        self.notify()  # type: ignore[no-untyped-call]  # Flet's notify is unannotated

    def _keep(self, **values: Any) -> None:
        """Keep what is being typed without re-rendering (the text box already shows it)."""
        for name, value in values.items():
            object.__setattr__(self, name, value)


@dataclass
class VisitScreen(ScreenModel):
    """The visit being recorded: its draft, the child, the family's known adults."""

    draft: VisitDraft
    child: ChildRow
    adults: list[KnownAdult]
    domain: int = 0
    problems: list[str] = field(default_factory=list)
    flagged: str = ""  # the step whose unanswered questions are marked at the question
    confirm_discard: bool = False  # asking "discard this draft?" before anything is lost

    def error(self, key: str) -> str | None:
        """What is missing at one question, once Next was tapped with it unanswered."""
        return next(iter(self.errors(key)), None)

    def errors(self, key: str) -> list[str]:
        """Everything missing at one part of the step, once Next was tapped."""
        if not self.flagged or self.flagged != self.draft.step_name:
            return []
        gaps = gaps_on(self.draft, self.child.child, self.flagged)
        return [g.text for g in gaps if g.field == key]

    def answered(self) -> None:
        """The draft changed in a way the screen shows: the last refusal no longer applies."""
        self.problems = []
        self._redraw()

    def advice_changed(self) -> None:
        """Advice worked out from the draft (an action's due date) changed: show it."""
        self._redraw()

    def flag(self, step: str) -> None:
        """Mark the step's unanswered questions at each question."""
        self.flagged = step

    def left_step(self) -> None:
        """Another step is shown: no marks, no question about discarding."""
        self.flagged = ""
        self.confirm_discard = False

    def show_domain(self, index: int) -> None:
        """Show one area of the checklist."""
        self.domain = index

    def ask_discard(self, asking: bool) -> None:
        """Ask "discard this draft?" before anything is lost (or stop asking)."""
        self.confirm_discard = asking

    def refused(self, problems: list[str]) -> None:
        """Show, in plain words, what stops the visit being finalised."""
        self.problems = problems
        self._redraw()


@dataclass
class ChronologyScreen(ScreenModel):
    """One child's timeline and its filters ("" means all)."""

    child: ChildRow
    items: list[ChronologyItem]
    agencies: list[str]
    agency: str = ""
    significance: str = ""
    event_types: list[str] = field(default_factory=list)
    suggestions: list[SameEventSuggestion] = field(default_factory=list)
    period: str = ""
    neglect_type: str = ""
    event_type: str = ""
    family: bool = False  # the whole family's entries, not only this child's

    def filters(self, today: date) -> ChronologyQuery:
        """The filters chosen on screen, as the timeline (and its PDF) applies them."""
        return screen_query(
            today,
            self.period,
            agency=self.agency,
            significance=self.significance,
            neglect_type=self.neglect_type,
            event_type=self.event_type,
        )

    def choose(
        self,
        agency: str | None = None,
        significance: str | None = None,
        period: str | None = None,
        neglect_type: str | None = None,
        event_type: str | None = None,
    ) -> None:
        """Change the filters given ("" for all); the others stay as chosen."""
        self.agency = self.agency if agency is None else agency
        self.significance = self.significance if significance is None else significance
        self.period = self.period if period is None else period
        self.neglect_type = self.neglect_type if neglect_type is None else neglect_type
        self.event_type = self.event_type if event_type is None else event_type

    def scope(self, family: bool, agencies: list[str], event_types: list[str]) -> None:
        """Show the whole family's entries or the child's, with the choices that scope offers."""
        self.family, self.agencies, self.event_types = family, agencies, event_types
        # A choice the new scope does not offer would hide everything without showing why.
        if self.agency not in agencies:
            self.agency = ""
        if self.event_type not in event_types:
            self.event_type = ""

    def show(self, items: list[ChronologyItem], suggestions: list[SameEventSuggestion]) -> None:
        """Show the entries read with the filters, and the same-event links to suggest."""
        self.items, self.suggestions = items, suggestions
        self._redraw()  # read afresh: another device's entry may differ only inside a line


@dataclass
class HistoryScreen(ScreenModel):
    """One record's versions, and the text and reason of the change being written."""

    child: ChildRow
    history: RecordHistory
    text: str = ""
    reason: str = ""
    base_id: str = ""  # the competing version a resolution starts from
    mine: bool = False  # only an entry's author amends or takes it back
    visit_id: str = ""  # the visit an entry was made from ("" for none)
    kept: bool = False  # the text and reason come from a kept draft

    def restore(self, text: str, reason: str, base_id: str | None) -> None:
        """Show a kept draft's text and reason (and its version, if it is still current)."""
        self.text, self.reason, self.kept = text, reason, True
        if base_id is not None:
            self.base_id = base_id

    def type_text(self, text: str) -> None:
        """Keep the text being written (no re-render while typing)."""
        self._keep(text=text)

    def type_reason(self, reason: str) -> None:
        """Keep the reason being written (no re-render while typing)."""
        self._keep(reason=reason)

    def start_from(self, version_id: str, text: str) -> None:
        """Start a resolution from one competing version and its text."""
        self.text, self.base_id = text, version_id


@dataclass
class SummaryScreen(ScreenModel):
    """Before the visit: one child's news since my last visit, actions and known men."""

    child: ChildRow
    summary: ChildSummary


@dataclass
class TrendsScreen(ScreenModel):
    """One child's safety scale and checklist concerns over time."""

    child: ChildRow
    trends: ChildTrends


@dataclass
class PlanScreen(ScreenModel):
    """The child's plans and outcomes, and the outcome being written by the plan's holder."""

    child: ChildRow
    plans: list[PlanView]
    plan_id: str = ""  # the plan the form's outcome belongs to ("" when no form is open)
    editing: str = ""  # the outcome being changed ("" for a new outcome)
    form: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    kept: bool = False  # the open form comes from a kept draft
    base: dict[str, str] = field(default_factory=dict)  # the outcome as it was when editing began

    def open_form(
        self,
        plan_id: str,
        editing: str = "",
        *,
        form: dict[str, str] | None = None,
        base: dict[str, str] | None = None,
        reason: str = "",
        kept: bool = False,
    ) -> None:
        """Open the outcome form: empty for a new outcome, or on the fields being changed."""
        self.plan_id, self.editing, self.reason, self.kept = plan_id, editing, reason, kept
        self.form, self.base = dict(form or {}), dict(base or {})
        self._redraw()  # opening the same form again shows it afresh

    def type(self, name: str, text: str) -> None:
        """Keep a field (or the reason) being typed (no re-render while typing)."""
        if name == "reason":
            self._keep(reason=text)
        else:
            self._keep(form={**self.form, name: text})

    def merge_newer(self, form: dict[str, str], base: dict[str, str]) -> None:
        """Show the form merged with a newer version of the outcome, now its base."""
        self.form, self.base = form, base


@dataclass
class MeetingScreen(ScreenModel):
    """A professionals-only meeting being recorded for the child's family."""

    child: ChildRow
    chairs: list[ChairChoice]
    can_record: bool
    form: MeetingForm = field(default_factory=MeetingForm)
    kept: bool = False  # the form comes from a kept draft

    def restore(self, form: MeetingForm) -> None:
        """Show the form as kept from before."""
        self.form, self.kept = form, True

    def type(self, name: str, text: str) -> None:
        """Keep a field being filled in (no re-render while typing)."""
        self._keep(form=replace(self.form, **{name: text}))
