"""Flows of a case's safeguarding records: decisions after an incident, the plan's outcomes,
and professionals-only meetings."""

from dataclasses import replace

from mobile_app.errors import MobileError
from mobile_app.services.decisions import DECIDERS, DecisionService
from mobile_app.services.meetings import MeetingService
from mobile_app.services.plans import PlanService, outcome_form
from mobile_app.ui.controller import AppController
from mobile_app.ui.state import DecisionScreen, MeetingScreen, PlanScreen
from shared.rules import DecisionOption
from shared.vocabulary import Role


class DecisionFlow:
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
        role = self._app.me().role
        prompts = [p for p in service.pending(row.case_id) if child_id in p.child_ids]
        waiting = [d for d in service.awaiting_countersignature() if child_id in d.record.child_ids]
        screen = DecisionScreen(
            row,
            prompts,
            waiting,
            can_decide=role in DECIDERS,
            can_countersign=role == Role.SUPERVISOR,
        )
        self._app.state.open_decision(screen)
        if message:
            self._app.state.say(message)

    def type_rationale(self, text: str) -> None:
        """Keep the rationale being written (no re-render while typing)."""
        if self._app.state.decision is not None:
            self._app.state.decision.rationale = text

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
        self._service().decide(prompt, option, screen.rationale)
        self.open(screen.child.child_id, "Decision saved. It will sync with your records.")

    def countersign(self, decision_record_id: str) -> None:
        """Countersign a "no action" decision as a supervisor."""
        screen = self._app.state.decision
        if screen is None:
            raise MobileError("Open the child's decisions first.")
        self._service().countersign(decision_record_id)
        self.open(screen.child.child_id, "Countersigned. It will sync with your records.")


class PlanFlow:
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
        self._app.state.open_plan(PlanScreen(row, self._service().for_child(child_id)))
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
        screen.plan_id, screen.editing, screen.form, screen.reason = plan_id, "", {}, ""
        self._app.state.changed()

    def edit(self, plan_id: str, outcome_id: str) -> None:
        """Open the form on an outcome's current fields, to change them."""
        screen = self._screen()
        plan = next(v for v in screen.plans if v.plan_id == plan_id)
        line = next(o for o in plan.outcomes if o.record_id == outcome_id)
        screen.plan_id, screen.editing = plan_id, outcome_id
        screen.form, screen.reason = outcome_form(line.outcome), ""
        self._app.state.changed()

    def type(self, name: str, text: str) -> None:
        """Keep a field being typed (no re-render while typing)."""
        screen = self._screen()
        if name == "reason":
            screen.reason = text
        else:
            screen.form[name] = text

    def save(self) -> None:
        """Save the outcome (new, or a new version with the reason), then show the plan."""
        screen = self._screen()
        service = self._service()
        if screen.editing:
            service.amend_outcome(screen.editing, screen.form, screen.reason)
        else:
            service.add_outcome(screen.plan_id, screen.form)
        self.open(screen.child.child_id, "Outcome saved. It will sync with your records.")


class MeetingFlow:
    """Records a professionals-only meeting for a child's family (reason and chair required)."""

    def __init__(self, app: AppController) -> None:
        self._app = app

    def _service(self) -> MeetingService:
        store = self._app.store
        me = self._app.me()
        return MeetingService(store, me, self._app.config.clock)

    def open(self, child_id: str) -> None:
        """Show an empty form for the child's family."""
        row = self._app.child_row(child_id)
        if row is None:
            return
        service = self._service()
        screen = MeetingScreen(row, service.chairs(row.case_id), service.can_record)
        self._app.state.open_meeting(screen)

    def type(self, name: str, text: str) -> None:
        """Keep a field being filled in (no re-render while typing)."""
        screen = self._app.state.meeting
        if screen is not None:
            screen.form = replace(screen.form, **{name: text})

    def record(self) -> None:
        """Record the meeting for the child, then show the child's summary."""
        screen = self._app.state.meeting
        if screen is None:
            raise MobileError("Open the meeting form from the child's screen.")
        child = screen.child
        self._service().record(child.case_id, (child.child_id,), screen.form)
        self._app.state.meeting = None
        self._app.show_caseload("Meeting recorded. It will sync with your records.")
