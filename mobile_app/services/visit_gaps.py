"""What still stops a visit draft being finalised, each gap tied to its step and its question.

The visit form shows a gap at the question it is about (when Next is tapped on that step)
and lists every gap on the last step, each a way back to its step. Finalising refuses while
any gap is left (see mobile_app.services.finalise, which adds the late and amendment reasons).
"""

from dataclasses import dataclass
from datetime import datetime

from mobile_app.services.actions import action_problems
from mobile_app.services.drafts import VisitDraft
from mobile_app.services.scaling import scale_problems
from mobile_app.services.wording import checklist_items
from shared.checklist import age_band_on
from shared.models import Child
from shared.models.checklist_response import CONCERN_RATINGS
from shared.vocabulary import VisitAccess


@dataclass(frozen=True)
class Gap:
    """Something missing: the step it is on, the question's key on screen, and plain words."""

    step: str
    field: str
    text: str


def is_infant(child: Child, on: datetime) -> bool:
    """True for a child under 1 (or unborn) on the visit date."""
    return age_band_on(child.dob, on.date()) == "0-1"


def _people_gaps(draft: VisitDraft) -> list[Gap]:
    present = [k for k, v in draft.known_adults.items() if v == "present"]
    if present or [p for p in draft.others_present if p.strip()]:
        return []
    return [
        Gap("people", "visit.people", "Record at least one person who was present at the visit.")
    ]


def _seen_gaps(draft: VisitDraft, child: Child) -> list[Gap]:
    out = []
    if draft.child_seen is None:
        out.append(Gap("seen", "visit.child_seen", "Say whether you saw the child."))
    elif draft.child_seen and draft.seen_alone is None:
        out.append(Gap("seen", "visit.seen_alone", "Say whether you saw the child alone."))
    if draft.child_seen and draft.seen_alone is False and draft.not_seen_alone_reason is None:
        out.append(Gap("seen", "visit.not_alone_reason", "Say why the child was not seen alone."))
    if draft.child_seen is False and draft.not_seen_alone_reason is None:
        out.append(Gap("seen", "visit.not_alone_reason", "Say why the child was not seen."))
    if draft.child_seen and is_infant(child, draft.started_at) and draft.seen_awake is None:
        out.append(
            Gap(
                "seen",
                "visit.seen_awake",
                "Say whether the baby was seen awake: this is needed for a child under 1.",
            )
        )
    return out


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


def _father_gaps(draft: VisitDraft) -> list[Gap]:
    text = ""
    if draft.father is None:
        text = (
            "Answer the father or male carer question: pick him, add him, "
            "or say why he is not known."
        )
    elif draft.father == "known" and not draft.father_adult_id:
        text = "Pick which known adult is the father or male carer."
    elif draft.father == "new" and not (
        draft.new_adult_name.strip() or draft.new_adult_description.strip()
    ):
        text = "Give the new adult's name, or describe him if his name is not known."
    elif draft.father == "not_known" and not draft.father_not_known_reason.strip():
        text = "Say why the father or male carer is not known."
    return [Gap("father", "visit.father", text)] if text else []


def _summary_gaps(draft: VisitDraft) -> list[Gap]:
    texts = scale_problems(draft.scaling) + action_problems(draft.actions, draft.started_at.date())
    return [Gap("summary", "visit.actions", text) for text in texts]


def _no_access_gaps(draft: VisitDraft) -> list[Gap]:
    out = []
    if not draft.access_attempts:
        out.append(Gap("no_access", "visit.attempts", "Say what you tried to get in."))
    if draft.child_sighting is None:
        out.append(
            Gap(
                "no_access",
                "visit.sighting",
                "Say whether you saw the child through a window, or not at all.",
            )
        )
    if not draft.next_steps.strip():
        out.append(Gap("no_access", "visit.no_access.next", "Say what happens next."))
    return out


def visit_gaps(draft: VisitDraft, child: Child) -> list[Gap]:
    """Return what stops this visit being finalised (rule V3), in the order of its steps."""
    if draft.access != VisitAccess.GAINED:
        return _no_access_gaps(draft)
    return [
        *_people_gaps(draft),
        *_seen_gaps(draft, child),
        *_checklist_gaps(draft, child),
        *_father_gaps(draft),
        *_summary_gaps(draft),
    ]


def gaps_on(draft: VisitDraft, child: Child, step: str) -> list[Gap]:
    """Return the gaps on one step of the form."""
    return [g for g in visit_gaps(draft, child) if g.step == step]
