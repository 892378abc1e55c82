"""Build a case's transfer pack from its stored records
(docs/domain.md, Transfer; Child Q finding 3).

The pack is assembled from the current version of each record in the case and from the
merged chronology, so a receiver sees what every agency has recorded, in event order, with
each entry's version count and conflict flag.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.clock import utc_now
from shared.handover import (
    FATHER_FIGURES,
    PackAdult,
    PackChild,
    PackChronologyLine,
    PackConcern,
    PackFamily,
    PackInvolvement,
    PackPlanOutcome,
    PackPractitioner,
    PackTransfer,
    TransferPack,
)
from shared.ids import new_id
from shared.models import Child, Family, PlanOutcome, Practitioner, SignificantAdult
from shared.protocol import ChronologyItem
from shared.vocabulary import Lifecycle, Significance, YesNoNotApplicable
from sync_server.errors import NotFound
from sync_server.repository import Repository
from sync_server.repository.interface import Viewer
from sync_server.services.access.scope import viewer
from sync_server.services.chronology.rule_inputs import current_records
from sync_server.services.handover.handover import StoredTransfer, latest_transfer

_CONCERNS = frozenset({Significance.SIGNIFICANT.value, Significance.SERIOUS.value})


@dataclass(slots=True)
class CaseSnapshot:
    """The current version of each record in one case that the reader may read."""

    family: Family | None = None
    children: dict[str, Child] = field(default_factory=dict)
    adults: dict[str, SignificantAdult] = field(default_factory=dict)
    plan_outcomes: dict[str, PlanOutcome] = field(default_factory=dict)

    @classmethod
    def load(cls, repository: Repository, case_id: str, reader: Viewer) -> "CaseSnapshot":
        """Read the case's current records (withdrawn ones count for nothing)."""
        snapshot = cls()
        records = current_records(repository, [case_id], reader)
        # Of two heads in conflict the later one stands here; the chronology shows both.
        for record in sorted(records, key=lambda r: r.version_id):
            payload = record.payload
            if isinstance(payload, Family):
                snapshot.family = payload
            elif isinstance(payload, Child):
                snapshot.children[record.record_id] = payload
            elif isinstance(payload, SignificantAdult):
                snapshot.adults[record.record_id] = payload
            elif isinstance(payload, PlanOutcome):
                snapshot.plan_outcomes[record.record_id] = payload
        return snapshot


def pack_practitioner(practitioner: Practitioner) -> PackPractitioner:
    """Return a practitioner as documents name them."""
    return PackPractitioner(
        practitioner_id=practitioner.id,
        name=practitioner.display_name,
        role=practitioner.role.value,
        agency=practitioner.agency.value,
        team=practitioner.team,
    )


def case_holders(repository: Repository, case_id: str) -> list[Practitioner]:
    """Return the practitioners the case is allocated to now, by team then name."""
    people = repository.practitioners(set(repository.case_practitioners(case_id)))
    return sorted(people.values(), key=lambda p: (p.team, p.display_name, p.id))


def chronology_line(item: ChronologyItem) -> PackChronologyLine:
    """Return a chronology item as the pack and the PDFs show it."""
    return PackChronologyLine(
        record_id=item.record_id,
        version_id=item.version_id,
        event_datetime=item.event_datetime,
        event_date_precision=item.event_date_precision,
        event_type=item.event_type,
        summary=item.summary,
        significance=item.significance,
        neglect_types=[value.value for value in item.neglect_types],
        source_agency=item.source_agency,
        action_taken=item.action_taken,
        no_action_reason=item.no_action_reason,
        lifecycle=item.lifecycle,
        amend_reason=item.amend_reason,
        author_name=item.author_name,
        author_role=item.author_role,
        author_agency=item.author_agency,
        recorded_at=item.recorded_at,
        version_count=item.version_count,
        in_conflict=item.in_conflict,
        received_from=item.received_from,
        recorded_before_transfer=item.recorded_before_transfer,
    )


def _family(case_id: str, family: Family, lead: Practitioner | None) -> PackFamily:
    return PackFamily(
        case_id=case_id,
        family_name=family.family_name,
        address_line1=family.address.line1,
        town=family.address.town,
        postcode=family.address.postcode,
        think_family_flags=[flag.value for flag in family.think_family_flags],
        lead_practitioner=pack_practitioner(lead) if lead else None,
    )


def _child(child_id: str, child: Child) -> PackChild:
    return PackChild(
        child_id=child_id,
        given_name=child.given_name,
        family_name=child.family_name,
        dob=child.dob,
        edd=child.edd,
        nhs_number=child.nhs_number,
        sex=child.sex,
        status=child.status.value,
        cp_categories=[category.value for category in child.cp_categories],
    )


def _adult(record_id: str, adult: SignificantAdult, seen_by: Practitioner | None) -> PackAdult:
    return PackAdult(
        record_id=record_id,
        name=adult.name,
        description_if_unidentified=adult.description_if_unidentified,
        relationship=adult.relationship,
        father_or_male_carer=adult.relationship in FATHER_FIGURES,
        child_ids=list(adult.child_ids),
        parental_responsibility=adult.parental_responsibility.value,
        pr_basis=adult.pr_basis.value if adult.pr_basis else None,
        residency=adult.residency.value,
        seen=adult.last_seen_at is not None,
        last_seen_at=adult.last_seen_at,
        seen_by=seen_by.display_name if seen_by else None,
        engagement_status=adult.engagement_status,
    )


def _eldest(pair: tuple[str, Child]) -> tuple[date, str]:
    child = pair[1]
    return child.dob or child.edd or date.max, child.given_name


def _concerns(chronology: list[ChronologyItem]) -> list[PackConcern]:
    return [
        PackConcern(
            record_id=item.record_id,
            event_datetime=item.event_datetime,
            event_type=item.event_type,
            significance=item.significance,
            source_agency=item.source_agency,
            summary=item.summary,
        )
        for item in chronology
        if item.significance in _CONCERNS and item.lifecycle == Lifecycle.CURRENT
    ]


def _plan_outcome(record_id: str, outcome: PlanOutcome) -> PackPlanOutcome:
    return PackPlanOutcome(
        outcome_id=record_id,
        danger_statement=outcome.danger_statement,
        safety_goal=outcome.safety_goal,
        consequence_if_not_achieved=outcome.consequence_if_not_achieved,
        measure=outcome.measure,
        owner=outcome.owner,
        due=outcome.due,
        progress_rating=outcome.progress_rating,
    )


@dataclass(frozen=True, slots=True)
class TransferDetails:
    """The transfer a pack goes with: the receiver, why, and whether housing was told."""

    to: Practitioner
    reason: str
    housing_provider_informed: YesNoNotApplicable


def _transfer(
    given: TransferDetails | None, stored: StoredTransfer | None, people: dict[str, Practitioner]
) -> PackTransfer | None:
    """The pack's transfer: the one given (a caller's own), else the case's latest stored."""
    if given is not None:
        return PackTransfer(
            to=pack_practitioner(given.to),
            reason=given.reason,
            housing_provider_informed=given.housing_provider_informed,
        )
    if stored is None:
        return None
    facts = stored.facts
    receiver = people.get(facts.to_practitioner_id or "")
    sender = people.get(stored.author_id)
    return PackTransfer(
        to=pack_practitioner(receiver) if receiver else None,
        reason=facts.reason,
        transfer_record_id=stored.record_id,
        transferred_at=facts.started_at,
        transferred_by=pack_practitioner(sender) if sender else None,
        from_team=facts.from_team,
        to_team=facts.to_team,
        housing_provider_informed=facts.housing_provider_informed,
        housing_provider_told=facts.housing_provider_told,
    )


class TransferPackBuilder:
    """Assemble a TransferPack for a case already checked to be in the caller's scope."""

    def __init__(self, repository: Repository, clock: Callable[[], datetime] = utc_now) -> None:
        self._repository = repository
        self._clock = clock

    def build(
        self,
        generated_by: Practitioner,
        case_id: str,
        chronology: list[ChronologyItem],
        transfer: TransferDetails | None = None,
    ) -> TransferPack:
        """Return the pack for the case, with the (already read) merged chronology.

        Raises:
            NotFound: the case has no family record (nothing to hand over).
        """
        records = CaseSnapshot.load(self._repository, case_id, viewer(generated_by))
        if records.family is None:
            raise NotFound()
        authored = Counter(item.author_id for item in chronology)
        holders = case_holders(self._repository, case_id)
        wanted = set(authored) | {a.seen_by for a in records.adults.values() if a.seen_by}
        wanted |= {records.family.lead_practitioner_id or ""}
        stored = latest_transfer(self._repository, case_id) if transfer is None else None
        if stored is not None:
            wanted |= {stored.author_id, stored.facts.to_practitioner_id or ""}
        people = self._repository.practitioners(wanted - {""})
        people.update({p.id: p for p in holders})
        adults = sorted(
            records.adults.items(),
            key=lambda pair: (pair[1].relationship not in FATHER_FIGURES, pair[1].name or ""),
        )
        return TransferPack(
            pack_id=new_id(),
            generated_at=self._clock(),
            generated_by=pack_practitioner(generated_by),
            transfer=_transfer(transfer, stored, people),
            housing_provider_informed=transfer.housing_provider_informed
            if transfer
            else (stored.facts.housing_provider_informed if stored else None),
            family=_family(
                case_id, records.family, people.get(records.family.lead_practitioner_id or "")
            ),
            children=[_child(i, c) for i, c in sorted(records.children.items(), key=_eldest)],
            summary_of_concerns=_concerns(chronology),
            current_involvement=self._involvement(holders, people, authored),
            significant_adults=[_adult(i, a, people.get(a.seen_by or "")) for i, a in adults],
            plan_outcomes=[_plan_outcome(i, o) for i, o in records.plan_outcomes.items()],
            chronology=[chronology_line(item) for item in chronology],
        )

    @staticmethod
    def _involvement(
        holders: list[Practitioner], people: dict[str, Practitioner], authored: Counter[str]
    ) -> list[PackInvolvement]:
        held = {p.id for p in holders}
        involved = [p for p in people.values() if p.id in held or authored[p.id]]
        involved.sort(key=lambda p: (p.id not in held, p.agency.value, p.display_name))
        return [
            PackInvolvement(
                practitioner=pack_practitioner(p),
                allocated=p.id in held,
                entries_authored=authored[p.id],
            )
            for p in involved
        ]
