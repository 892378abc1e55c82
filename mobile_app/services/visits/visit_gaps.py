"""What still stops a visit draft being finalised, each gap tied to its step and its question.

Rule V3's gaps and their words are shared.visit_completeness, the rule the Visit model (and so
the server) also applies; this module ties each to its step on screen and adds the form's own
checks (a concern needs what was seen, scales and actions are whole).

The visit form shows a gap at the question it is about (when Next is tapped on that step)
and lists every gap on the last step, each a way back to its step. Finalising refuses while
any gap is left (see mobile_app.services.visits.finalise, which adds the late and amendment
reasons).
"""

from dataclasses import dataclass
from datetime import datetime

from mobile_app.services.visits.actions import action_problems
from mobile_app.services.visits.drafts import VisitDraft
from mobile_app.services.visits.scaling import scale_problems
from mobile_app.services.wording import checklist_items
from shared.checklist import age_band_on
from shared.models import Child
from shared.models.checklist_response import CONCERN_RATINGS
from shared.visit_completeness import VisitFacts, visit_completeness
from shared.visit_completeness import is_infant as infant_on
from shared.vocabulary import VisitAccess


@dataclass(frozen=True)
class Gap:
    """Something missing: the step it is on, the question's key on screen, and plain words."""

    step: str
    field: str
    text: str


def is_infant(child: Child, on: datetime) -> bool:
    """True for a child under 1 (or unborn) on the visit date."""
    return infant_on(child.dob, on.date())


# V3's fields (shared.visit_completeness) -> the step of the form and the question's key.
_WHERE = {
    "persons_present": ("people", "visit.people"),
    "child_seen": ("seen", "visit.child_seen"),
    "seen_alone": ("seen", "visit.seen_alone"),
    "not_seen_alone_reason": ("seen", "visit.not_alone_reason"),
    "seen_awake": ("seen", "visit.seen_awake"),
    "father_or_male_carer": ("father", "visit.father"),
    "access_attempts": ("no_access", "visit.attempts"),
    "child_sighting": ("no_access", "visit.sighting"),
    "next_steps": ("no_access", "visit.no_access.next"),
}
_STEPS = ("no_access", "people", "seen", "checklist", "father", "summary")


def _father_hint(draft: VisitDraft) -> str:
    """What a half-given father answer still needs ("" when it is whole or not begun)."""
    if draft.father == "known" and not draft.father_adult_id:
        return "Pick which known adult is the father or male carer."
    if draft.father == "new" and not (
        draft.new_adult_name.strip() or draft.new_adult_description.strip()
    ):
        return "Give the new adult's name, or describe him if his name is not known."
    if draft.father == "not_known" and not draft.father_not_known_reason.strip():
        return "Say why the father or male carer is not known."
    return ""


def completeness_facts(draft: VisitDraft, child: Child) -> VisitFacts:
    """What V3 asks of this draft, as far as it is answered."""
    present = [k for k, v in draft.known_adults.items() if v == "present"]
    return VisitFacts(
        access_gained=draft.access == VisitAccess.GAINED,
        people_present=len(present) + len([p for p in draft.others_present if p.strip()]),
        child_seen=draft.child_seen,
        seen_alone=draft.seen_alone,
        reason_given=draft.not_seen_alone_reason is not None,
        infant=is_infant(child, draft.started_at),
        seen_awake=draft.seen_awake,
        father_answered=draft.father is not None and not _father_hint(draft),
        attempts=len(draft.access_attempts),
        sighting_given=draft.child_sighting is not None,
        next_steps_given=bool(draft.next_steps.strip()),
    )


def _v3_gaps(draft: VisitDraft, child: Child) -> list[Gap]:
    missing = visit_completeness(completeness_facts(draft, child))
    hint = _father_hint(draft)
    if hint and "father_or_male_carer" in missing:
        missing["father_or_male_carer"] = hint  # a half-given answer says what it lacks
    return [Gap(*_WHERE[name], text) for name, text in missing.items()]


def _checklist_gaps(draft: VisitDraft, child: Child) -> list[Gap]:
    band = age_band_on(child.dob, draft.started_at.date())
    out = []
    for item in checklist_items(child, draft.started_at):
        answer = draft.checklist.get(item.key)
        if answer and answer.rating in CONCERN_RATINGS and not answer.evidence.strip():
            out.append(
                Gap(
                    "checklist",
                    f"check.{item.key}.evidence",
                    f"Say what you saw for the concern: {item.prompt_for(band)}",
                )
            )
    return out


def _summary_gaps(draft: VisitDraft) -> list[Gap]:
    texts = scale_problems(draft.scaling) + action_problems(draft.actions, draft.started_at.date())
    return [Gap("summary", "visit.actions", text) for text in texts]


def visit_gaps(draft: VisitDraft, child: Child) -> list[Gap]:
    """Return what stops this visit being finalised (rule V3, then the form's own checks of
    checklist concerns, scales and actions), in the order of its steps."""
    gaps = _v3_gaps(draft, child)
    if draft.access == VisitAccess.GAINED:
        gaps += _checklist_gaps(draft, child) + _summary_gaps(draft)
    return sorted(gaps, key=lambda g: _STEPS.index(g.step))


def gaps_on(draft: VisitDraft, child: Child, step: str) -> list[Gap]:
    """Return the gaps on one step of the form."""
    return [g for g in visit_gaps(draft, child) if g.step == step]
