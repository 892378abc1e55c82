"""The whole visit read back in plain words before it is finalised: one section per step.

What the practitioner checks on the last step of the form; nothing here decides anything.
"""

from dataclasses import dataclass

from mobile_app.services.caseload.overview import KnownAdult
from mobile_app.services.visits.drafts import VisitDraft
from mobile_app.services.wording import ACCESS_WORDS, checklist_domains, label
from shared.checklist import age_band_on, load_checklist
from shared.models import Child
from shared.models.checklist_response import CONCERN_RATINGS
from shared.vocabulary import ChecklistRating, VisitAccess


@dataclass(frozen=True)
class ReadbackSection:
    """One step's answers: its name, the step it is on, and a line per answer."""

    title: str
    step: str
    lines: tuple[str, ...]


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return "Not answered" if value is None else (yes if value else no)


def _people(draft: VisitDraft, adults: list[KnownAdult]) -> ReadbackSection:
    names = {a.adult_id: a.label for a in adults}
    present = [names.get(k, "An adult") for k, v in draft.known_adults.items() if v == "present"]
    absent = [names.get(k, "An adult") for k, v in draft.known_adults.items() if v == "absent"]
    present += [p for p in draft.others_present if p.strip()]
    absent += [p for p in draft.others_absent if p.strip()]
    return ReadbackSection(
        "Who is here",
        "people",
        (
            f"Kind of visit: {label(draft.visit_type)}",
            "Present: " + (", ".join(present) or "nobody recorded"),
            "Expected but not here: " + (", ".join(absent) or "nobody"),
        ),
    )


def _seen(draft: VisitDraft, child: Child) -> ReadbackSection:
    lines = [_yes_no(draft.child_seen, f"{child.given_name} seen", f"{child.given_name} not seen")]
    if draft.child_seen:
        lines.append(_yes_no(draft.seen_alone, "Seen alone", "Not seen alone"))
    if draft.not_seen_alone_reason and not (draft.child_seen and draft.seen_alone):
        lines.append(f"Why: {label(draft.not_seen_alone_reason)}")
    if draft.seen_awake is not None:
        lines.append(_yes_no(draft.seen_awake, "Seen awake", "Not seen awake"))
    lines.append(
        _yes_no(draft.bedroom_seen, "Where they sleep: seen", "Where they sleep: not seen")
    )
    return ReadbackSection("Seeing the child", "seen", tuple(lines))


def _checklist(draft: VisitDraft, child: Child) -> ReadbackSection:
    checklist = load_checklist()
    band = age_band_on(child.dob, draft.started_at.date())
    lines = []
    for domain, items in checklist_domains(child, draft.started_at):
        rated = [(i, draft.checklist[i.key]) for i in items if i.key in draft.checklist]
        rated = [(i, a) for i, a in rated if a.rating]
        concerns = [(i, a) for i, a in rated if a.rating in CONCERN_RATINGS]
        if not concerns:
            left = len(items) - len(rated)
            state = "nothing of concern" if not left else f"{left} not answered"
            lines.append(f"{domain.label}: {state}")
            continue
        for item, answer in concerns:
            words = checklist.answer_words(item)[ChecklistRating(answer.rating or "")]
            evidence = answer.evidence.strip() or "no evidence written yet"
            lines.append(f"{domain.label}: {words}: {item.prompt_for(band)} {evidence}")
    return ReadbackSection("What you observed", "checklist", tuple(lines))


def _father(draft: VisitDraft, adults: list[KnownAdult]) -> str:
    names = {a.adult_id: a.label for a in adults}
    if draft.father == "known":
        return names.get(draft.father_adult_id or "", "A known adult: not picked yet")
    if draft.father == "new":
        return "Someone new: " + (
            draft.new_adult_name.strip() or draft.new_adult_description.strip() or "no name yet"
        )
    if draft.father == "not_known":
        return "Not known: " + (draft.father_not_known_reason.strip() or "no reason yet")
    return "Not answered"


def _plan(draft: VisitDraft) -> ReadbackSection:
    lines = [
        f"Worries: {draft.worries.strip() or 'none written'}",
        f"Working well: {draft.working_well.strip() or 'none written'}",
        f"Next steps: {draft.next_steps.strip() or 'none written'}",
    ]
    lines += [f"Safety scale: {s.who() or 'someone'} gave {s.value}" for s in draft.scaling]
    lines += [
        f"Action: {a.action.strip() or '(what?)'}, by {a.owner.strip() or '(who?)'}, "
        f"due {a.due.strip() or '(when?)'}"
        for a in draft.actions
    ]
    return ReadbackSection("Worries and next steps", "summary", tuple(lines))


def _no_access(draft: VisitDraft, child: Child) -> list[ReadbackSection]:
    tried = ", ".join(ACCESS_WORDS[a] for a in draft.access_attempts) or "nothing recorded"
    sighting = ACCESS_WORDS[draft.child_sighting] if draft.child_sighting else "Not answered"
    lines = (
        f"What happened: {ACCESS_WORDS[draft.access].capitalize()}",
        f"Tried: {tried}",
        f"{child.given_name}: {sighting}",
        f"Next step: {draft.next_steps.strip() or 'not written yet'}",
    )
    return [ReadbackSection("No access", "no_access", lines)]


def readback(draft: VisitDraft, child: Child, adults: list[KnownAdult]) -> list[ReadbackSection]:
    """Return the visit as recorded so far, section by section, in the order of its steps."""
    if draft.access != VisitAccess.GAINED:
        return _no_access(draft, child)
    voice = draft.voice_of_child.strip() or "Nothing written"
    return [
        _people(draft, adults),
        _seen(draft, child),
        _checklist(draft, child),
        ReadbackSection("The child's voice", "voice", (voice,)),
        ReadbackSection("Father or male carer", "father", (_father(draft, adults),)),
        _plan(draft),
    ]
