"""A queued record read in full before a supervisor signs it (issue 12): a visit with its
checklist concerns, the child's voice, the father or male carer answer, the safety scale and
the actions; an entry with what it says; and, for every record, its versions.

Everything is said in words: people by name, codes by their labels. Nothing here shows a
record id, and a person this device does not hold is said to be unnamed here, not by an id.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from mobile_app.errors import MobileError, StoreError
from mobile_app.services.chronology.history import HistoryService, RecordHistory
from mobile_app.services.records import RecordService
from mobile_app.services.wording import ACCESS_WORDS, label
from mobile_app.store import DeviceStore
from shared.checklist import load_checklist
from shared.models import (
    ChecklistResponse,
    ChronologyEntry,
    DecisionRecord,
    Escalation,
    RecordPayload,
    SignificantAdult,
    Visit,
)
from shared.models.checklist_response import CONCERN_RATINGS
from shared.models.visit import PersonPresent
from shared.vocabulary import ChecklistRating, Lifecycle

NOT_RECORDED = "Not recorded."
UNNAMED = "someone not named on this device"
SCALE_KEY = "0 is not safe in the parents' care; 10 is safe enough to close the case."


@dataclass(frozen=True)
class DetailSection:
    """One part of the record, with its heading and its lines of plain words."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ReviewDetail:
    """A record as the supervisor reads it before deciding: its parts and its versions."""

    sections: tuple[DetailSection, ...]
    history: RecordHistory


def _day(moment: object) -> str:
    return f"{moment:%a %d %b %Y %H:%M}"


def _text(value: str) -> str:
    return value.strip() or NOT_RECORDED


class DetailReader:
    """Reads one queued version and everything it needs to be read in full."""

    def __init__(self, store: DeviceStore, me_id: str, children: Mapping[str, str]) -> None:
        self._store = store
        self._records = RecordService(store)
        self._me_id = me_id
        self._children = children

    def read(self, version_id: str) -> ReviewDetail:
        """Return the version's parts in words, and the record's history.

        Raises:
            MobileError: the version has left this device.
        """
        try:
            stored = self._store.records.get(version_id)
        except StoreError:
            raise MobileError("That record has left this device: open the queue again.") from None
        version = stored.version
        history = HistoryService(self._store, self._me_id).for_record(version.record_id)
        sections = self._sections(version.record_id, version.payload)
        if version.lifecycle != Lifecycle.CURRENT:
            marked = DetailSection("Taken back", (f"{label(version.lifecycle)}.",))
            sections = (marked, *sections)
        return ReviewDetail(sections, history)

    def _sections(self, record_id: str, payload: RecordPayload) -> tuple[DetailSection, ...]:
        match payload:
            case Visit():
                return self._visit(record_id, payload)
            case ChronologyEntry():
                return _entry(payload)
            case DecisionRecord():
                return _decision(payload)
            case Escalation():
                return _escalation(payload)
            case SignificantAdult():
                return _adult(payload)
        return ()

    # -- a visit --------------------------------------------------------------------------

    def _person(self, person: PersonPresent, adults: Mapping[str, str]) -> str:
        if person.person_id is None:
            return person.description or UNNAMED
        found = self._children.get(person.person_id) or adults.get(person.person_id)
        return found or person.description or UNNAMED

    def _adults(self) -> dict[str, str]:
        out = {}
        for stored in self._records.current("significant_adult"):
            adult = stored.version.payload
            if isinstance(adult, SignificantAdult):
                name = adult.name or adult.description_if_unidentified or "Unnamed adult"
                out[stored.version.record_id] = f"{name} ({label(adult.relationship)})"
        return out

    def _visit(self, record_id: str, visit: Visit) -> tuple[DetailSection, ...]:
        adults = self._adults()
        present = ", ".join(self._person(p, adults) for p in visit.persons_present)
        absent = ", ".join(self._person(p, adults) for p in visit.persons_expected_absent)
        about = [
            f"{label(visit.visit_type)}, {'announced' if visit.announced else 'unannounced'}.",
            f"From {_day(visit.start)} to {visit.end:%H:%M}.",
            f"Present: {present}.",
        ]
        if absent:
            about.append(f"Expected but not there: {absent}.")
        if visit.late_entry_reason:
            about.append(f"Recorded late because: {visit.late_entry_reason}")
        if visit.attempted_only:
            tried = ", ".join(ACCESS_WORDS[a] for a in visit.access_attempts)
            about.append(f"No access: {ACCESS_WORDS[visit.access]}. Tried: {tried}.")
        father = visit.father_or_male_carer
        named = [adults.get(a, UNNAMED) for a in father.adult_ids] if father else []
        if father is None:
            father_line = "Not asked: there was no access."
        elif named:
            father_line = f"Recorded: {', '.join(named)}."
        else:
            father_line = f"Not known. Why: {_text(father.not_known_reason)}"
        scale = [f"{label(s.rated_by)}: {s.value} out of 10." for s in visit.scaling]
        scale = [SCALE_KEY, *scale] if scale else ["No rating given."]
        actions = [f"{a.action}. Who: {a.owner}. By {a.due:%a %d %b %Y}." for a in visit.actions]
        return (
            DetailSection("The visit", tuple(about)),
            DetailSection("Seeing the child", _seeing(visit)),
            DetailSection("Checklist concerns", self._concerns(record_id, visit)),
            DetailSection(
                "What was seen",
                (
                    f"Home: {_text(visit.home_conditions)}",
                    f"The child: {_text(visit.child_presentation)}",
                ),
            ),
            DetailSection("The child's voice", (_text(visit.voice_of_child),)),
            DetailSection("Parents' views", (_text(visit.parent_views),)),
            DetailSection("Father or male carer", (father_line,)),
            DetailSection(
                "Worries and next steps",
                (
                    f"Worries: {_text(visit.worries)}",
                    f"Working well: {_text(visit.working_well)}",
                    f"Next steps: {_text(visit.next_steps)}",
                ),
            ),
            DetailSection("Safety scale", tuple(scale)),
            DetailSection("Actions", tuple(actions) or ("No action agreed.",)),
        )

    def _concerns(self, record_id: str, visit: Visit) -> tuple[str, ...]:
        responses = [
            s.version.payload
            for s in self._records.current("checklist_response")
            if isinstance(s.version.payload, ChecklistResponse)
            and s.version.payload.visit_id == record_id
        ]
        if not responses:
            return ("No checklist was completed at this visit.",)
        lines: list[str] = []
        for response in responses:
            who = self._children.get(response.child_id, "A child not on this device")
            lines += _child_concerns(who, response, several=len(visit.child_ids) > 1)
        return tuple(lines)


def _seeing(visit: Visit) -> tuple[str, ...]:
    why = label(visit.not_seen_alone_reason) if visit.not_seen_alone_reason else ""
    if not visit.child_seen:
        seen = f"The child was not seen. Why: {why or NOT_RECORDED}"
    elif visit.seen_alone:
        seen = "The child was seen, and seen alone."
    else:
        seen = f"The child was seen, not alone. Why: {why or NOT_RECORDED}"
    lines = [seen]
    if visit.seen_awake is not None:
        lines.append("Seen awake." if visit.seen_awake else "Not seen awake.")
    if visit.bedroom_seen is not None:
        lines.append("Bedroom seen." if visit.bedroom_seen else "Bedroom not seen.")
    return tuple(lines)


def _sentence(text: str) -> str:
    """End a prompt as a sentence: a question keeps its question mark."""
    return text if text.endswith(("?", ".", "!")) else f"{text}."


def _child_concerns(who: str, response: ChecklistResponse, *, several: bool) -> list[str]:
    definition = load_checklist(response.checklist_id, response.checklist_version)
    prompts = {i.key: (d.label, i.prompt) for d in definition.domains for i in d.items}
    concerns = sorted(
        (a for a in response.answers if a.rating in CONCERN_RATINGS),
        key=lambda a: a.rating != ChecklistRating.SIGNIFICANT_CONCERN,
    )
    prefix = f"{who}: " if several else ""
    if not concerns:
        return [f"{prefix}no concern rated ({len(response.answers)} items answered)."]
    out = []
    for answer in concerns:
        area, prompt = prompts.get(answer.key, ("Checklist", "An item of an older checklist"))
        said = f"{label(answer.rating)}. {area}: {_sentence(prompt)}"
        out.append(f"{prefix}{said} Evidence: {answer.evidence}")
    return out


# -- other records --------------------------------------------------------------------------


def _entry(entry: ChronologyEntry) -> tuple[DetailSection, ...]:
    about = [
        f"{label(entry.event_type)}, {_day(entry.event_datetime)}.",
        f"From {label(entry.source_agency)} ({label(entry.information_source).lower()}).",
        f"Significance: {label(entry.significance)}.",
    ]
    if entry.neglect_types:
        about.append("Neglect: " + ", ".join(label(t).lower() for t in entry.neglect_types) + ".")
    lines = [entry.summary]
    for title, text in (
        ("Impact on the child", entry.impact_on_child),
        ("Action taken", entry.action_taken),
        ("Why no action", entry.no_action_reason),
        ("Outcome", entry.outcome),
    ):
        if text:
            lines.append(f"{title}: {text}")
    return (DetailSection("The entry", tuple(about)), DetailSection("What happened", tuple(lines)))


def _decision(decision: DecisionRecord) -> tuple[DetailSection, ...]:
    considered = ", ".join(label(o).lower() for o in decision.options_considered)
    return (
        DetailSection(
            "The decision",
            (
                f"Question: {decision.question}",
                f"Decided: {label(decision.decision)}, {_day(decision.decided_at)}.",
                f"Options considered: {considered}.",
            ),
        ),
        DetailSection("Rationale", (decision.rationale,)),
    )


def _escalation(escalation: Escalation) -> tuple[DetailSection, ...]:
    lines = [
        f"Stage {escalation.stage}, raised {_day(escalation.raised_at)}.",
        f"What is disputed: {escalation.subject}",
    ]
    if escalation.resolved_at is not None:
        lines.append(f"Resolved {_day(escalation.resolved_at)}: {escalation.resolution}")
    return (DetailSection("The escalation", tuple(lines)),)


def _adult(adult: SignificantAdult) -> tuple[DetailSection, ...]:
    name = adult.name or adult.description_if_unidentified or "Unnamed adult"
    lines = [
        f"{name}, {label(adult.relationship).lower()}.",
        f"Parental responsibility: {label(adult.parental_responsibility).lower()}.",
        f"Where they live: {label(adult.residency).lower()}.",
    ]
    if adult.involvement:
        lines.append(f"Involvement: {adult.involvement}")
    if adult.risk_factors:
        lines.append("Risks: " + "; ".join(adult.risk_factors) + ".")
    return (DetailSection("The adult", tuple(lines)),)
