"""Three synthetic families, modelled on the case studies, as ordinary record versions.

All names, addresses and NHS numbers come from shared.synthetic: none is a real person.
The second family's children have a child protection plan with its outcomes, so a statutory
visit to them waits for a supervisor's countersignature, as issue 6 asks. Its initial
conference was chaired by the demo conference chair (who can then approve a professionals-only
meeting, finding 5), and the school has added one entry of its own (docs/domain.md, Roles: a partner
reads its own agency's entries).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from shared.ids import new_id
from shared.models import (
    Address,
    Child,
    ChronologyEntry,
    CoreGroupMember,
    CPPlan,
    Family,
    Invitee,
    Meeting,
    PlanOutcome,
    PlanVisitRule,
    RecordPayload,
    SignificantAdult,
)
from shared.models.people import Practitioner
from shared.protocol import RecordVersion
from shared.rules.event_time import event_times
from shared.synthetic import fake_nhs_number, family_name, given_name, street_address
from shared.vocabulary import (
    Agency,
    Attendance,
    ChildStatus,
    CPCategory,
    EventType,
    InformationSource,
    MeetingType,
    NeglectType,
    ParentalResponsibility,
    PRBasis,
    Relationship,
    Residency,
    Role,
    Significance,
    ThinkFamilyFlag,
)


@dataclass(frozen=True, slots=True)
class DemoCase:
    """One seeded family: its case id, its children and every version that makes it up.

    The lead social worker pushes every version except those `pushed_by` names (version id to
    the practitioner who pushes it): a record signed by another person is pushed by them.
    """

    family_id: str
    child_ids: tuple[str, ...]
    versions: tuple[RecordVersion, ...]
    pushed_by: dict[str, Practitioner] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DemoCast:
    """Who the demo families' records name: the lead, the conference chair, the school."""

    lead: Practitioner
    chair: Practitioner
    school: Practitioner


@dataclass(frozen=True, slots=True)
class _Kid:
    sex: str
    age_days: int


@dataclass(frozen=True, slots=True)
class _Outcome:
    """One plan outcome as the conference wrote it (V4: danger, goal, consequence)."""

    danger: str
    goal: str
    consequence: str
    measure: str
    owner: str
    due_in_days: int


@dataclass(frozen=True, slots=True)
class _Event:
    days_ago: int
    event_type: EventType
    summary: str
    action: str
    significance: Significance
    only_child: int | None = None  # index of the one child it concerns; None: all siblings
    neglect: tuple[NeglectType, ...] = ()


class _CaseBuilder:
    """Build one family's versions, authored by its lead social worker unless stated."""

    def __init__(self, rng: random.Random, now: datetime, cast: DemoCast) -> None:
        self.rng, self.now, self.cast, self.author = rng, now, cast, cast.lead
        self.family_id = new_id()
        self.surname = family_name(rng)
        self.versions: list[RecordVersion] = []
        self.pushed_by: dict[str, Practitioner] = {}
        self.child_ids: list[str] = []
        self.given_names: set[str] = set()

    def _given_name(self, sex: str) -> str:
        """A first name nobody else in the family has: a mother named as her baby is, reads
        on every screen as the child herself."""
        name = given_name(self.rng, sex)
        while name in self.given_names:
            name = given_name(self.rng, sex)
        self.given_names.add(name)
        return name

    def _add(
        self, payload: object, record_id: str | None = None, by: Practitioner | None = None
    ) -> str:
        record_id = record_id or new_id()
        version = RecordVersion.model_validate(
            {
                "version_id": new_id(),
                "record_id": record_id,
                "case_id": self.family_id,
                "device_time": self._written_at(payload),
                "payload": payload,
            }
        )
        self.versions.append(version)
        if by is not None:
            self.pushed_by[version.version_id] = by
        return record_id

    def _written_at(self, payload: object) -> datetime:
        """When the demo's practitioner wrote the record: at its latest event, as one does in
        the field (V1: written then, it needs no late-entry reason), never after now."""
        held = cast(RecordPayload, payload)  # every payload the demo adds is a record
        times = [t for _, t in event_times(held) if isinstance(t, datetime)]
        return min(max(times, default=self.now), self.now)

    def family(
        self,
        flags: Sequence[ThinkFamilyFlag],
        access: str | None = None,
        safety: str | None = None,
    ) -> None:
        """Add the family record (with any doorstep notes); its record id is the case id."""
        line1, town, postcode = street_address(self.rng)
        address = Address(line1=line1, town=town, postcode=postcode)
        family = Family(
            family_name=self.surname,
            address=address,
            think_family_flags=tuple(flags),
            lead_practitioner_id=self.author.id,
            access_notes=access,
            safety_notes=safety,
        )
        self._add(family, record_id=self.family_id)

    def children(
        self, kids: Sequence[_Kid], status: ChildStatus, categories: Sequence[CPCategory]
    ) -> None:
        """Add one child record per kid."""
        for kid in kids:
            child = Child(
                given_name=self._given_name(kid.sex),
                family_name=self.surname,
                dob=self.now.date() - timedelta(days=kid.age_days),
                nhs_number=fake_nhs_number(self.rng),
                sex=kid.sex,
                status=status,
                cp_categories=tuple(categories),
            )
            self.child_ids.append(self._add(child))

    def adult(self, relationship: Relationship, sex: str | None, **fields: object) -> None:
        """Add a significant adult linked to every child in the family."""
        name = f"{self._given_name(sex)} {self.surname}" if sex else None
        self._add(
            SignificantAdult(
                child_ids=tuple(self.child_ids), relationship=relationship, name=name, **fields
            )
        )

    def day(self, days_ago: int) -> date:
        """Return the date `days_ago` days before now."""
        return self.now.date() - timedelta(days=days_ago)

    def plan(
        self,
        categories: Sequence[CPCategory],
        icpc_days_ago: int,
        visit_every_days: int,
        outcomes: Sequence[_Outcome],
    ) -> None:
        """Add a child protection plan for every child, and its outcomes."""
        plan_id = self._add(
            CPPlan(
                child_ids=tuple(self.child_ids),
                categories=tuple(categories),
                icpc_date=self.day(icpc_days_ago),
                visit_frequency_days=visit_every_days,
                seen_alone_rule=PlanVisitRule(every_n_visits=1),
                core_group=(
                    CoreGroupMember(person_id=self.author.id),
                    CoreGroupMember(role=Role.HEALTH_VISITOR, agency=Agency.HEALTH_VISITING),
                ),
                contingency_plan="If the home conditions fall again, a strategy discussion.",
                lead_practitioner_id=self.author.id,
            )
        )
        for outcome in outcomes:
            self._add(
                PlanOutcome(
                    plan_id=plan_id,
                    danger_statement=outcome.danger,
                    safety_goal=outcome.goal,
                    consequence_if_not_achieved=outcome.consequence,
                    measure=outcome.measure,
                    owner=outcome.owner,
                    due=self.day(icpc_days_ago) + timedelta(days=outcome.due_in_days),
                )
            )

    def events(self, events: Sequence[_Event]) -> None:
        """Add one chronology entry per event, about all the children or one."""
        for event in events:
            when = datetime.combine(
                self.now.date() - timedelta(days=event.days_ago), time(10, 30), UTC
            )
            children = (
                self.child_ids if event.only_child is None else [self.child_ids[event.only_child]]
            )
            entry = ChronologyEntry(
                child_ids=tuple(children),
                event_datetime=when,
                source_agency=Agency.CSC,
                information_source=InformationSource.PROFESSIONAL_REPORT,
                author_id=self.author.id,
                author_role=Role.SOCIAL_WORKER,
                event_type=event.event_type,
                summary=event.summary,
                action_taken=event.action,
                significance=event.significance,
                neglect_types=event.neglect,
            )
            self._add(entry)

    def at(self, days_ago: int, hour: int) -> datetime:
        """Return `hour` o'clock (UTC) on the day `days_ago` days before now."""
        return datetime.combine(self.day(days_ago), time(hour), UTC)

    def conference(self, icpc_days_ago: int, core_group_days_ago: int) -> None:
        """Add the initial conference, chaired by the demo chair with its paperwork sent in
        time, and the first core group the lead chaired (so no timescale is overdue)."""
        held = self.at(icpc_days_ago, 10)
        self._add(
            Meeting(
                meeting_type=MeetingType.ICPC,
                child_ids=tuple(self.child_ids),
                held_at=held,
                chair_id=self.cast.chair.id,
                invitees=(
                    Invitee(person_id=self.author.id, attendance=Attendance.ATTENDED),
                    Invitee(
                        person_id=self.cast.school.id,
                        role=Role.PARTNER_CONTRIBUTOR,
                        agency=Agency.SCHOOL,
                        attendance=Attendance.ATTENDED,
                    ),
                ),
                decisions=("Both children to be subject to a child protection plan.",),
                invitations_sent_at=held - timedelta(days=5),
                plan_distributed_at=held + timedelta(hours=6),
                minutes_distributed_at=held + timedelta(days=10),
            )
        )
        self._add(
            Meeting(
                meeting_type=MeetingType.CORE_GROUP,
                child_ids=tuple(self.child_ids),
                held_at=self.at(core_group_days_ago, 14),
                chair_id=self.author.id,
                decisions=("Family support worker to start after-school sessions.",),
            )
        )

    def school_entry(self, days_ago: int, summary: str, action: str) -> None:
        """Add one entry by the demo school about the eldest child, pushed by the school."""
        school = self.cast.school
        entry = ChronologyEntry(
            child_ids=(self.child_ids[0],),
            event_datetime=self.at(days_ago, 9),
            source_agency=school.agency,
            information_source=InformationSource.PROFESSIONAL_REPORT,
            author_id=school.id,
            author_role=school.role,
            event_type=EventType.SCHOOL_ABSENCE_EXCLUSION,
            summary=summary,
            action_taken=action,
            significance=Significance.SIGNIFICANT,
        )
        self._add(entry, by=school)

    def done(self) -> DemoCase:
        """Return the finished case."""
        return DemoCase(
            self.family_id, tuple(self.child_ids), tuple(self.versions), dict(self.pushed_by)
        )


def _young_family(case: _CaseBuilder) -> None:
    case.family(
        [ThinkFamilyFlag.DA, ThinkFamilyFlag.SUBSTANCE],
        access="The front door is round the back, up the outside stairs; the buzzer does not work.",
        safety=(
            "Lone working: ring the duty desk before and after the visit. The father has "
            "been aggressive to visitors; do not go in if he is there without the mother."
        ),
    )
    case.children([_Kid("female", 150), _Kid("male", 900)], ChildStatus.CP, [CPCategory.NEGLECT])
    case.adult(Relationship.MOTHER, "female", residency=Residency.RESIDENT)
    case.adult(
        Relationship.BIRTH_FATHER,
        "male",
        residency=Residency.RESIDENT,
        parental_responsibility=ParentalResponsibility.YES,
        pr_basis=PRBasis.BIRTH_REG,
    )
    case.events(
        [
            _Event(
                120,
                EventType.REFERRAL,
                "Health visitor referral: parental substance misuse and a police call-out "
                "for domestic abuse.",
                "Strategy discussion arranged.",
                Significance.SERIOUS,
            ),
            _Event(
                112,
                EventType.STRATEGY_DISCUSSION,
                "Strategy discussion with police and health: section 47 enquiry agreed.",
                "Section 47 enquiry started.",
                Significance.SIGNIFICANT,
            ),
            _Event(
                95,
                EventType.CONFERENCE,
                "Initial conference: both children subject to child protection plans, "
                "category neglect.",
                "Plan and core group set up.",
                Significance.SERIOUS,
            ),
            _Event(
                60,
                EventType.DEVELOPMENTAL_CONCERN,
                "Baby's weight has fallen from the 25th to below the 9th centile.",
                "Paediatric review requested.",
                Significance.SIGNIFICANT,
                only_child=0,
                neglect=(NeglectType.NUTRITIONAL,),
            ),
        ]
    )


def _known_family(case: _CaseBuilder) -> None:
    case.family([ThinkFamilyFlag.ADULT_MH, ThinkFamilyFlag.LD])
    case.children(
        [_Kid("male", 3300), _Kid("female", 2200)],
        ChildStatus.CP,
        [CPCategory.NEGLECT, CPCategory.PHYSICAL],
    )
    case.adult(Relationship.MOTHER, "female", residency=Residency.RESIDENT)
    case.adult(
        Relationship.UNKNOWN_MALE,
        None,
        description_if_unidentified="Adult man, name not known, recently moved into the home",
        residency=Residency.RESIDENT,
        risk_factors=("identity not known to agencies",),
    )
    case.events(
        [
            _Event(
                200,
                EventType.REFERRAL,
                "School referral: children often collected late and left unsupervised.",
                "Assessment started.",
                Significance.SIGNIFICANT,
                neglect=(NeglectType.SUPERVISORY,),
            ),
            _Event(
                75,
                EventType.INJURY,
                "School nurse saw bruising to the upper arm; no explanation given.",
                "Child protection medical arranged.",
                Significance.SERIOUS,
                only_child=1,
                neglect=(NeglectType.PHYSICAL,),
            ),
            _Event(
                70,
                EventType.HOUSEHOLD_CHANGE,
                "Children say a man they do not name now lives at home.",
                "Agency checks requested.",
                Significance.SIGNIFICANT,
            ),
            _Event(
                62,
                EventType.CONFERENCE,
                "Initial conference: both children subject to child protection plans, "
                "neglect and physical abuse.",
                "Plan agreed.",
                Significance.SERIOUS,
            ),
        ]
    )
    case.plan(
        [CPCategory.NEGLECT, CPCategory.PHYSICAL],
        icpc_days_ago=62,
        visit_every_days=14,
        outcomes=[
            _Outcome(
                "School is worried the children are left alone after school; if nothing "
                "changes they will be hurt while nobody is watching.",
                "A named adult collects the children from school every day.",
                "If not achieved, a strategy discussion about who cares for the children.",
                "School's collection log; the children say who was at home.",
                "Mother, with the family support worker",
                60,
            ),
        ],
    )
    case.conference(icpc_days_ago=62, core_group_days_ago=55)
    case.school_entry(
        12,
        "Eldest child absent from school for three days this week; no reason given by home.",
        "Attendance officer phoned mother; absence reported to the lead social worker.",
    )


def _single_parent(case: _CaseBuilder) -> None:
    case.family([ThinkFamilyFlag.ADULT_MH])
    case.children([_Kid("male", 3700)], ChildStatus.CIN, [])
    case.adult(Relationship.MOTHER, "female", residency=Residency.RESIDENT)
    case.adult(
        Relationship.BIRTH_FATHER,
        "male",
        residency=Residency.NON_RESIDENT,
        engagement_status="not_engaged",
        reason_not_engaged="Father not involved; whereabouts not known.",
    )
    case.events(
        [
            _Event(
                150,
                EventType.REFERRAL,
                "Mental health team referral after mother's admission; son stayed with a "
                "neighbour.",
                "Child and family assessment.",
                Significance.SIGNIFICANT,
            ),
            _Event(
                100,
                EventType.PLAN_CHANGE,
                "Child in need plan agreed with mother.",
                "Monthly visits and school support.",
                Significance.CONTEXTUAL,
            ),
            _Event(
                30,
                EventType.HOME_VISIT,
                "Home visit: son seen alone, says things are better at home.",
                "Continue the child in need plan.",
                Significance.POSITIVE,
            ),
        ]
    )


def build_cases(rng: random.Random, now: datetime, cast: DemoCast) -> list[DemoCase]:
    """Return the three demo families, in a fixed order (1: young, 2: known, 3: single)."""
    out = []
    for fill in (_young_family, _known_family, _single_parent):
        builder = _CaseBuilder(rng, now, cast)
        fill(builder)
        out.append(builder.done())
    return out
