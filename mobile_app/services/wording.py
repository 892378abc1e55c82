"""Plain words for the app's codes, the checklist a child's age calls for, and visit summaries."""

from collections import Counter
from datetime import date, datetime
from enum import StrEnum

from mobile_app.services.visits.visits import ChildObservation
from shared.checklist import ChecklistDomain, ChecklistItem, age_band_on, load_checklist
from shared.models import Child, CPPlan, Visit
from shared.models.checklist_response import CONCERN_RATINGS
from shared.vocabulary import ChecklistRating

SUMMARY_MAX = 1000

LABELS: dict[str, str] = {
    # visit types
    "statutory_CP": "Statutory child protection visit",
    "CIN": "Child in need",
    "HCP_antenatal": "Antenatal contact",
    "HCP_new_birth": "New birth visit",
    "HCP_6_8wk": "6 to 8 week review",
    "HCP_1yr": "1 year review",
    "HCP_2yr": "2 year review",
    "targeted": "Targeted visit",
    "unannounced": "Unannounced visit",
    "joint": "Joint visit",
    "no_access": "No access",
    # why not seen alone
    "pre_verbal": "Too young to talk (pre-verbal)",
    "child_declined": "The child did not want to",
    "parent_refused": "A parent or carer refused",
    "child_asleep": "The child was asleep",
    "child_absent": "The child was not there",
    "other": "Another reason",
    # relationships
    "birth_father": "Birth father",
    "mother": "Mother",
    "step_parent": "Step-parent",
    "mother_partner": "Mother's partner",
    "father_partner": "Father's partner",
    "grandparent": "Grandparent",
    "other_relative": "Other relative",
    "lodger": "Lodger",
    "frequent_visitor": "Frequent visitor",
    "unknown_male": "Man not yet identified",
    # checklist ratings
    "meets_needs": "Meets needs",
    "some_concern": "Some concern",
    "significant_concern": "Significant concern",
    "not_observed": "Not observed",
    # agencies
    "CSC": "Children's social care",
    "health_visiting": "Health visiting",
    "midwifery": "Midwifery",
    "school_nursing": "School nursing",
    "GP": "GP",
    "acute": "Hospital",
    "CAMHS": "CAMHS",
    "early_years": "Early years",
    "school": "School",
    "police": "Police",
    "housing": "Housing",
    "probation": "Probation",
    "adult_MH": "Adult mental health",
    "substance_service": "Substance misuse service",
    "DA_service": "Domestic abuse service",
    "voluntary": "Voluntary sector",
    "family": "Family",
    # significance
    "positive": "Positive",
    "contextual": "Context",
    "significant": "Significant",
    "serious": "Serious",
    # child status
    "universal": "Universal",
    "early_help": "Early help",
    "CP": "Child protection plan",
    "LAC": "Looked after",
    # record types
    "cp_plan": "Child protection plan",
    "plan_outcome": "Plan outcome",
    "meeting": "Meeting",
    "decision_record": "Decision",
    "escalation": "Escalation",
    "transfer_out": "Transfer out",
    "gcp2_reference": "GCP2 assessment (reference)",
    "analysis_note": "Chronology analysis",
    "same_event_link": "Same-event link",
    "review_decision": "Supervisor review",
    "supervision_note": "Supervision note",
    "ICPC": "Initial child protection conference",
    "RCPC": "Review child protection conference",
    "CIN_review": "Child in need review",
    "TAF": "Team around the family",
}


def plan_status_words(plan: CPPlan) -> str:
    """A plan's status, said the same on the caseload and on the plan's own screen."""
    return f"Child protection plan: {plan.status.value}"


def plural(n: int, one: str, many: str) -> str:
    """Say a count with the right word: "1 entry", "3 entries"."""
    return f"{n} {one if n == 1 else many}"


def label(code: str | StrEnum) -> str:
    """Return the plain-words label for a vocabulary code."""
    text = str(code)
    return LABELS.get(text) or text.replace("_", " ").capitalize()


DomainItems = tuple[ChecklistDomain, list[ChecklistItem]]


def checklist_domains(child: Child, on: datetime) -> list[DomainItems]:
    """Return the checklist's domains with the items shown for the child's age on that day."""
    band = age_band_on(child.dob, on.date())
    out = []
    for domain in load_checklist().domains:
        items = [i for i in domain.items if band in i.age_bands]
        if items:
            out.append((domain, items))
    return out


def checklist_items(child: Child, on: datetime) -> list[ChecklistItem]:
    """Return every checklist item shown for the child's age on that day, in order."""
    return [item for _, items in checklist_domains(child, on) for item in items]


def age_text(child: Child, today: date) -> str:
    """Say how old a child is, in months under 2 and years after; unborn says when due."""
    if child.dob is None:
        due = child.edd.strftime("%d %b %Y") if child.edd else "date unknown"
        return f"Unborn, due {due}"
    months = (today.year - child.dob.year) * 12 + today.month - child.dob.month
    months -= today.day < child.dob.day
    if months < 0:
        return "Not yet born"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def _seen(visit: Visit) -> str:
    reason = label(visit.not_seen_alone_reason) if visit.not_seen_alone_reason else ""
    if not visit.child_seen:
        return f"Child not seen ({reason})."
    if visit.seen_alone:
        return "Child seen alone."
    return f"Child seen, not alone ({reason})."


def _concerns(observation: ChildObservation) -> str:
    checklist = load_checklist()
    by_domain: Counter[str] = Counter()
    significant: Counter[str] = Counter()
    for answer in observation.answers:
        if answer.rating in CONCERN_RATINGS:
            code = answer.key.split(".", 1)[0]
            by_domain[code] += 1
            significant[code] += answer.rating == ChecklistRating.SIGNIFICANT_CONCERN
    if not by_domain:
        return "No concerns rated on the checklist."
    names = {d.code: d.label for d in checklist.domains}
    parts = [
        f"{names.get(code, code)} ({n}, {significant[code]} significant)"
        for code, n in by_domain.items()
    ]
    return "Concerns: " + "; ".join(parts) + "."


ACCESS_WORDS = {
    "no_answer": "nobody answered",
    "refused_entry": "the family refused entry",
    "knocked": "knocked",
    "phoned": "phoned",
    "card_left": "left a card",
    "neighbours_asked": "asked neighbours",
    "through_window": "Child seen through a window only.",
    "not_seen": "Child not seen.",
}


def _no_access_summary(visit: Visit) -> str:
    tried = ", ".join(ACCESS_WORDS[a] for a in visit.access_attempts)
    sighting = ACCESS_WORDS[visit.child_sighting] if visit.child_sighting else ""
    return (
        f"No access ({label(visit.visit_type)}): {ACCESS_WORDS[visit.access]}. "
        f"Tried: {tried}. {sighting}"
    ).strip()


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def visit_summary(visit: Visit, observation: ChildObservation) -> str:
    """Write the chronology summary of a visit: facts only, at most 1,000 characters."""
    if visit.attempted_only:
        return _clip(_no_access_summary(visit))
    parts = [f"Home visit: {label(visit.visit_type)}.", _seen(visit)]
    if visit.seen_awake is not None:
        parts.append("Seen awake." if visit.seen_awake else "Not seen awake.")
    if visit.bedroom_seen is not None:
        parts.append("Bedroom seen." if visit.bedroom_seen else "Bedroom not seen.")
    parts.append(_concerns(observation))
    father = visit.father_or_male_carer
    parts.append(
        "Father or male carer recorded."
        if father and father.adult_ids
        else "Father or male carer not known."
    )
    return _clip(" ".join(parts))
