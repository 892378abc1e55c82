"""Child protection plans and their outcomes on the device
(docs/domain.md, Plans; finding 1, rule V4).

Everyone with the case reads the plan and its outcomes. Only a social worker who holds the
plan (its `lead_practitioner_id`, in any current version here) or a conference chair of the case
adds or changes an outcome: the permissions table the server's push rules also read
(services/offers.py). The V4 messages are the model's own, naming the field that is missing.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.chronology.rule_records import DeviceRecord, current_records
from mobile_app.services.offers import offered
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.sync.form_errors import form_error_text
from mobile_app.store import DeviceStore
from shared.models import CPPlan, PlanOutcome, Practitioner
from shared.protocol import RecordVersion
from shared.rules.permissions import Act

# The fields a practitioner fills in for an outcome, in the order the form asks for them.
OUTCOME_FIELDS = (
    "danger_statement",
    "safety_goal",
    "consequence_if_not_achieved",
    "measure",
    "owner",
    "due",
    "progress_rating",
)


class PlanRefused(MobileError):
    """This plan outcome cannot be saved as asked; the message says why."""


@dataclass(frozen=True)
class OutcomeLine:
    """One outcome of a plan and its record id."""

    record_id: str
    outcome: PlanOutcome


@dataclass(frozen=True)
class PlanView:
    """A plan naming the child, its outcomes, and whether I may change them."""

    plan_id: str
    case_id: str
    plan: CPPlan
    outcomes: tuple[OutcomeLine, ...]
    can_edit: bool


def _problems(exc: ValidationError) -> PlanRefused:
    return PlanRefused(form_error_text(exc))


def outcome_form(outcome: PlanOutcome) -> dict[str, str]:
    """Return an outcome's fields as the form shows them."""
    values = outcome.model_dump(mode="json", include=set(OUTCOME_FIELDS))
    return {name: "" if values[name] is None else str(values[name]) for name in OUTCOME_FIELDS}


def _build(plan_id: str, form: dict[str, str]) -> PlanOutcome:
    fields: dict[str, Any] = {name: form.get(name, "") for name in OUTCOME_FIELDS}
    fields["progress_rating"] = fields["progress_rating"].strip() or None
    fields["due"] = fields["due"].strip() or None
    try:
        return PlanOutcome.model_validate({"plan_id": plan_id, **fields})
    except ValidationError as exc:
        raise _problems(exc) from exc


class PlanService:
    """Read plans and outcomes; add or change an outcome as the plan's lead social worker or a
    conference chair."""

    def __init__(self, store: DeviceStore, me: Practitioner) -> None:
        self._store = store
        self._me = me

    def _holds(self, plan_id: str, records: list[DeviceRecord], act: Act = Act.CHANGE) -> bool:
        # The server counts a lead named by any current version (both sides of a conflict).
        leads = {
            r.payload.lead_practitioner_id
            for r in records
            if r.record_id == plan_id and isinstance(r.payload, CPPlan)
        }
        return offered(self._me, "plan_outcome", act, plan_leads=leads)

    def for_child(self, child_id: str) -> list[PlanView]:
        """Return the plans naming the child, newest conference first, with their outcomes."""
        records = current_records(self._store)
        outcomes: dict[str, list[OutcomeLine]] = {}
        for r in records:
            if isinstance(r.payload, PlanOutcome):
                line = OutcomeLine(r.record_id, r.payload)
                outcomes.setdefault(r.payload.plan_id, []).append(line)
        views = [
            PlanView(
                r.record_id,
                r.case_id,
                r.payload,
                tuple(sorted(outcomes.get(r.record_id, []), key=lambda o: o.outcome.due)),
                self._holds(r.record_id, records),
            )
            for r in records
            if isinstance(r.payload, CPPlan) and child_id in r.payload.child_ids
        ]
        return sorted(views, key=lambda v: v.plan.icpc_date, reverse=True)

    def _plan(self, plan_id: str) -> DeviceRecord:
        found = [
            r
            for r in current_records(self._store)
            if r.record_id == plan_id and isinstance(r.payload, CPPlan)
        ]
        if not found:
            raise PlanRefused("plan_id: that plan is not on this device.")
        return found[0]

    def _check_holder(self, plan: DeviceRecord, act: Act) -> None:
        if not self._holds(plan.record_id, current_records(self._store), act):
            raise PlanRefused(
                "Only the social worker who holds this plan, or a conference chair, can change "
                "its outcomes."
            )

    def add_outcome(self, plan_id: str, form: dict[str, str]) -> RecordVersion:
        """Save a new outcome of the plan, offline; it syncs with the next sync.

        Raises:
            PlanRefused: I do not hold the plan, or a V4 field is missing or invalid.
        """
        plan = self._plan(plan_id)
        self._check_holder(plan, Act.CREATE)
        outcome = _build(plan_id, form)
        return RecordService(self._store).record([NewRecord(plan.case_id, outcome)])[0]

    def amend_outcome(self, outcome_id: str, form: dict[str, str], reason: str) -> RecordVersion:
        """Save a new version of an outcome, with the reason for the change.

        Raises:
            PlanRefused: no such outcome, I do not hold its plan, no reason, or a V4 problem.
        """
        held = [
            r
            for r in current_records(self._store)
            if r.record_id == outcome_id and isinstance(r.payload, PlanOutcome)
        ]
        if not held or not isinstance(held[0].payload, PlanOutcome):
            raise PlanRefused("That outcome is not on this device.")
        plan_id = held[0].payload.plan_id
        self._check_holder(self._plan(plan_id), Act.CHANGE)
        if not reason.strip():
            raise PlanRefused("reason: say why this outcome is changing")
        outcome = _build(plan_id, form)
        return RecordService(self._store).amend(outcome_id, outcome, reason=reason.strip())
