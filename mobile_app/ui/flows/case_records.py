"""Flows of a case's safeguarding records: decisions after an incident, the plan's outcomes,
and professionals-only meetings. What is typed is sealed in the store at every keystroke (one
draft per writer, form and child), so a lock loses nothing: reopening the child's screen shows it.
"""

from dataclasses import asdict

from mobile_app.errors import MobileError
from mobile_app.services.chronology.decisions import DecisionService, PendingDecision
from mobile_app.services.planning.meetings import MeetingForm, MeetingService
from mobile_app.services.planning.plans import PlanService, outcome_form
from mobile_app.services.visits.form_drafts import (
    DecisionDraft,
    MeetingDraft,
    PlanOutcomeDraft,
)
from mobile_app.ui.controller import AppController
from mobile_app.ui.flows.base import ScreenFlow
from mobile_app.ui.review_screens import DecisionScreen
from mobile_app.ui.screens import MeetingScreen, PlanScreen
from shared.rules import DecisionOption

DECISION, PLAN, MEETING = "decision", "plan_outcome", "meeting"


def _kept_rationales(draft: DecisionDraft | None, prompts: list[PendingDecision]) -> dict[str, str]:
    """The rationales a kept draft holds; one kept before they were separate goes to the
    first decision still open."""
    if draft is None:
        return {}
    if draft.rationales or not draft.rationale:
        return dict(draft.rationales)
    first = next((p for p in prompts if not p.awaiting_countersignature), None)
    return {first.trigger_entry_id: draft.rationale} if first else {}


class DecisionFlow(ScreenFlow):
    """Shows a child's decision prompts; records a decision or a countersignature offline."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def _service(self) -> DecisionService:
        store = self._app.store
        me = self._app.me()
        config = self._app.config
        return DecisionService(store, me, config.clock, config.profile.rules)

    def open(self, child_id: str, message: str = "") -> None:
        """Show the child's pending decisions, read afresh from the device."""
        self._app.refresh()
        row = self._app.child_row(child_id)
        if row is None:
            return
        service = self._service()
        prompts = [p for p in service.pending(row.case_id) if child_id in p.child_ids]
        waiting = [d for d in service.awaiting_countersignature() if child_id in d.record.child_ids]
        drafts = self._app.form_drafts()
        draft = drafts.get(DECISION, child_id, DecisionDraft)
        if draft is not None and all(p.awaiting_countersignature for p in prompts):
            # Nothing is left to decide (decided elsewhere): the rationale has no form to go in.
            drafts.drop(DECISION, child_id)
            draft = None
        screen = DecisionScreen(
            row,
            prompts,
            waiting,
            can_decide=service.can_decide,
            can_countersign=service.can_countersign,
            rationales=_kept_rationales(draft, prompts),
            kept=draft is not None,
        )
        self._app.state.open_decision(screen)
        if message:
            self._app.state.say(message)

    def type_rationale(self, trigger_entry_id: str, text: str) -> None:
        """Keep one decision's rationale as it is written, sealed in the store (no re-render
        while typing)."""
        screen = self._app.state.decision
        if screen is not None:
            rationales = screen.type_rationale(trigger_entry_id, text)
            self._app.form_drafts().save(
                DECISION, screen.child.child_id, DecisionDraft(rationales=rationales)
            )

    def decide(self, trigger_entry_id: str, option: DecisionOption) -> None:
        """Record the decision on one prompt with the rationale typed."""
        screen = self._app.state.decision
        prompt = (
            next((p for p in screen.prompts if p.trigger_entry_id == trigger_entry_id), None)
            if screen
            else None
        )
        if screen is None or prompt is None:
            raise MobileError("That decision is no longer waiting: open the child again.")
        self._service().decide(prompt, option, screen.rationales.get(trigger_entry_id, ""))
        others = {k: v for k, v in screen.rationales.items() if k != trigger_entry_id}
        drafts = self._app.form_drafts()
        if any(text.strip() for text in others.values()):
            drafts.save(DECISION, screen.child.child_id, DecisionDraft(rationales=others))
        else:
            drafts.drop(DECISION, screen.child.child_id)
        self.open(screen.child.child_id, "Decision saved. It will sync with your records.")

    def countersign(self, decision_record_id: str) -> None:
        """Countersign a "no action" decision as a supervisor."""
        screen = self._app.state.decision
        if screen is None:
            raise MobileError("Open the child's decisions first.")
        self._service().countersign(decision_record_id)
        self.open(screen.child.child_id, "Countersigned. It will sync with your records.")


class PlanFlow(ScreenFlow):
    """Shows a child's plan outcomes; the plan's lead social worker adds or changes one."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def _service(self) -> PlanService:
        store = self._app.store
        return PlanService(store, self._app.me())

    def open(self, child_id: str, message: str = "") -> None:
        """Show the plans naming the child, read afresh, with no form open."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        screen = PlanScreen(row, self._service().for_child(child_id))
        draft = self._app.form_drafts().get(PLAN, child_id, PlanOutcomeDraft)
        if draft is not None and any(p.plan_id == draft.plan_id for p in screen.plans):
            screen.open_form(
                draft.plan_id,
                draft.editing,
                form=draft.fields,
                base=draft.base,
                reason=draft.reason,
                kept=True,
            )
        self._app.state.open_plan(screen)
        if message:
            self._app.state.say(message)

    def _screen(self) -> PlanScreen:
        screen = self._app.state.plan
        if screen is None:
            raise MobileError("Open the child's plan first.")
        return screen

    def new(self, plan_id: str) -> None:
        """Open an empty outcome form for the plan."""
        screen = self._screen()
        screen.open_form(plan_id)

    def edit(self, plan_id: str, outcome_id: str) -> None:
        """Open the form on an outcome's current fields, to change them."""
        screen = self._screen()
        plan = next(v for v in screen.plans if v.plan_id == plan_id)
        line = next(o for o in plan.outcomes if o.record_id == outcome_id)
        screen.open_form(
            plan_id, outcome_id, form=outcome_form(line.outcome), base=outcome_form(line.outcome)
        )

    def type(self, name: str, text: str) -> None:
        """Keep a field being typed (no re-render while typing)."""
        screen = self._screen()
        if not screen.plan_id:
            raise MobileError("No outcome is being written: choose a plan's outcome first.")
        screen.type(name, text)
        self._keep(screen)

    def _keep(self, screen: PlanScreen) -> None:
        draft = PlanOutcomeDraft(
            plan_id=screen.plan_id,
            editing=screen.editing,
            fields=screen.form,
            reason=screen.reason,
            base=screen.base,
        )
        self._app.form_drafts().save(PLAN, screen.child.child_id, draft)

    def save(self) -> None:
        """Save the outcome (new, or a new version with the reason), then show the plan."""
        screen = self._screen()
        service = self._service()
        if screen.editing:
            self._refuse_if_changed_meanwhile(screen)
            service.amend_outcome(screen.editing, screen.form, screen.reason)
        else:
            service.add_outcome(screen.plan_id, screen.form)
        self._app.form_drafts().drop(PLAN, screen.child.child_id)
        self.open(screen.child.child_id, "Outcome saved. It will sync with your records.")

    def _refuse_if_changed_meanwhile(self, screen: PlanScreen) -> None:
        # No last writer wins: a change begun on an older version must not undo a newer one.
        now = [o for p in self._service().for_child(screen.child.child_id) for o in p.outcomes]
        current = next((o for o in now if o.record_id == screen.editing), None)
        if current is None or not screen.base or outcome_form(current.outcome) == screen.base:
            return
        newer = outcome_form(current.outcome)
        # Three-way: what I changed stays mine; what I left alone takes the newer value.
        merged = {
            name: mine if mine != screen.base.get(name) else newer.get(name, mine)
            for name, mine in {**newer, **screen.form}.items()
        }
        screen.merge_newer(merged, newer)
        self._keep(screen)
        raise MobileError(
            "This outcome changed after you began (on another device, or by a chair): your "
            "changes are kept and the rest now shows the newer version. Check it, then save again."
        )

    def discard(self) -> None:
        """Throw away the outcome being written and its kept draft."""
        screen = self._screen()
        self._app.form_drafts().drop(PLAN, screen.child.child_id)
        self.open(screen.child.child_id, "Outcome discarded.")


class MeetingFlow(ScreenFlow):
    """Records a professionals-only meeting for a child's family (reason and chair required)."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def _service(self) -> MeetingService:
        store = self._app.store
        me = self._app.me()
        return MeetingService(store, me, self._app.config.clock)

    def open(self, child_id: str) -> None:
        """Show the form for the child's family: empty, or as kept from before."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        service = self._service()
        screen = MeetingScreen(row, service.chairs(row.case_id), service.can_record)
        draft = self._app.form_drafts().get(MEETING, child_id, MeetingDraft)
        if draft is not None and service.can_record:
            screen.restore(MeetingForm(**draft.model_dump()))
        self._app.state.open_meeting(screen)

    def type(self, name: str, text: str) -> None:
        """Keep a field being filled in, sealed in the store (no re-render while typing)."""
        screen = self._app.state.meeting
        if screen is None:
            return
        if name not in MeetingDraft.model_fields:
            raise MobileError("That field is not on the meeting form: open the form again.")
        screen.type(name, text)
        draft = MeetingDraft(**asdict(screen.form))
        self._app.form_drafts().save(MEETING, screen.child.child_id, draft)

    def record(self) -> None:
        """Record the meeting for the child, then show the child's summary."""
        screen = self._app.state.meeting
        if screen is None:
            raise MobileError("Open the meeting form from the child's screen.")
        child = screen.child
        self._service().record(child.case_id, (child.child_id,), screen.form)
        self._app.form_drafts().drop(MEETING, child.child_id)
        self._app.state.close_meeting()
        self._app.show_caseload("Meeting recorded. It will sync with your records.")

    def discard(self) -> None:
        """Throw away the meeting being written and its kept draft, and show the caseload."""
        screen = self._app.state.meeting
        if screen is None:
            raise MobileError("Open the meeting form from the child's screen.")
        self._app.form_drafts().drop(MEETING, screen.child.child_id)
        self._app.state.close_meeting()
        self._app.show_caseload("Meeting discarded.")
