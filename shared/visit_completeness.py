"""Rule V3 (docs/domain.md, Validation rules): what a visit needs before it is finalised.

One rule for three readers: the Visit model's validator (so the server refuses an incomplete
visit with these words), the app's visit form (each gap shown at its step) and the app's
finalise step. Each message is keyed by the Visit field it is about and is written for the
practitioner: plain English, no field names.

A visit that got in needs: whether the child was seen; whether alone, and why not; for a child
under 1, whether they were seen awake; at least one person present; the father or male carer
question answered. A visit without access needs what was tried, whether the child was
glimpsed, and what happens next. The Visit model alone does not know the child's age, so it
leaves seen-awake to its readers that do (`infant` is False there): the app's form and the
server's push rules, which look the child up (`is_infant`).
"""

from dataclasses import dataclass
from datetime import date

from shared.checklist import age_band_on

MESSAGES = {
    "persons_present": "Record at least one person who was present at the visit.",
    "child_seen": "Say whether you saw the child.",
    "seen_alone": "Say whether you saw the child alone.",
    "not_seen_alone_reason": "Say why the child was not seen alone.",
    "seen_awake": "Say whether the baby was seen awake: this is needed for a child under 1.",
    "father_or_male_carer": (
        "Answer the father or male carer question: pick him, add him, or say why he is not known."
    ),
    "access_attempts": "Say what you tried to get in.",
    "child_sighting": "Say whether you saw the child through a window, or not at all.",
    "next_steps": "Say what happens next.",
}
NOT_SEEN_REASON = "Say why the child was not seen."


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What V3 asks about a visit, as far as it is answered (None: not answered yet)."""

    access_gained: bool
    people_present: int = 0
    child_seen: bool | None = None
    seen_alone: bool | None = None
    reason_given: bool = False  # why the child was not seen, or not seen alone
    infant: bool = False  # under 1 (or unborn) on the visit date
    seen_awake: bool | None = None
    father_answered: bool = False
    attempts: int = 0
    sighting_given: bool = False
    next_steps_given: bool = False


def is_infant(dob: date | None, on: date) -> bool:
    """True for a child under 1 on a date (or unborn, or born on a date not recorded)."""
    return age_band_on(dob, on) == "0-1"


def _seen(facts: VisitFacts) -> dict[str, str]:
    out: dict[str, str] = {}
    if facts.child_seen is None:
        out["child_seen"] = MESSAGES["child_seen"]
    elif facts.child_seen and facts.seen_alone is None:
        out["seen_alone"] = MESSAGES["seen_alone"]
    if not facts.reason_given:
        if facts.child_seen and facts.seen_alone is False:
            out["not_seen_alone_reason"] = MESSAGES["not_seen_alone_reason"]
        elif facts.child_seen is False:
            out["not_seen_alone_reason"] = NOT_SEEN_REASON
    if facts.child_seen and facts.infant and facts.seen_awake is None:
        out["seen_awake"] = MESSAGES["seen_awake"]
    return out


def _no_access(facts: VisitFacts) -> dict[str, str]:
    wanted = {
        "access_attempts": facts.attempts == 0,
        "child_sighting": not facts.sighting_given,
        "next_steps": not facts.next_steps_given,
    }
    return {name: MESSAGES[name] for name, missing in wanted.items() if missing}


def visit_completeness(facts: VisitFacts) -> dict[str, str]:
    """Return what stops the visit being finalised (V3): Visit field -> plain-English message,
    in the order the visit form asks."""
    if not facts.access_gained:
        return _no_access(facts)
    out: dict[str, str] = {}
    if facts.people_present == 0:
        out["persons_present"] = MESSAGES["persons_present"]
    out.update(_seen(facts))
    if not facts.father_answered:
        out["father_or_male_carer"] = MESSAGES["father_or_male_carer"]
    return out
