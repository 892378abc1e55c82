"""Synthetic visits for demos and benchmarks: generated, never about real people."""

import random
from datetime import datetime, timedelta

from mobile_app.services.records import CaseSummary, RecordService
from mobile_app.services.visits.visits import ChildObservation, FinalisedVisit, VisitService
from shared.checklist import AgeBand, age_band_on, load_checklist
from shared.clock import utc_now
from shared.ids import new_id
from shared.models import (
    ChecklistAnswer,
    FatherQuestion,
    PersonPresent,
    SignificantAdult,
    Visit,
)
from shared.synthetic import family_name, given_name, uk_mobile
from shared.vocabulary import (
    ChecklistRating,
    NotSeenAloneReason,
    ParentalResponsibility,
    PRBasis,
    Relationship,
    Residency,
    VisitType,
)

HOME = (
    "Kitchen clean, food in fridge and cupboards.",
    "Lounge cluttered; bottles on floor.",
    "Home warm; electricity meter in credit.",
    "Strong smell of smoke in the living room.",
    "Bedding on the child's bed was damp.",
    "Stair gate fitted and closed.",
)
PRESENTATION = (
    "Child clean and dressed for the weather.",
    "Child in a soiled nappy on arrival.",
    "Child smiling, babbling, reaching for mother.",
    "Child quiet and watchful.",
)
VOICE = (
    "Said: 'I like my new bed.'",
    "Said: 'Daddy shouts at night.'",
    "Pre-verbal: settled quickly when picked up by mother.",
    "Said: 'I had toast today.'",
)
EVIDENCE = (
    "Observed directly during the visit.",
    "Mother reported this; not yet seen.",
    "Seen in the kitchen and the child's bedroom.",
)


def _answers(rng: random.Random, band: AgeBand) -> tuple[ChecklistAnswer, ...]:
    items = load_checklist().items_for(band)
    answers = []
    for item in rng.sample(items, k=min(8, len(items))):
        rating = rng.choices(list(ChecklistRating), weights=(70, 15, 5, 10))[0]
        evidence = (
            rng.choice(EVIDENCE)
            if rating in (ChecklistRating.SOME_CONCERN, ChecklistRating.SIGNIFICANT_CONCERN)
            else ""
        )
        answers.append(ChecklistAnswer(key=item.key, rating=rating, evidence=evidence))
    return tuple(answers)


def _new_father(rng: random.Random, child_ids: tuple[str, ...]) -> SignificantAdult:
    return SignificantAdult(
        child_ids=child_ids,
        relationship=rng.choice((Relationship.BIRTH_FATHER, Relationship.MOTHER_PARTNER)),
        name=f"{given_name(rng, 'male')} {family_name(rng)}",
        phone=uk_mobile(rng),
        parental_responsibility=ParentalResponsibility.YES,
        pr_basis=PRBasis.BIRTH_REG,
        residency=rng.choice((Residency.RESIDENT, Residency.NON_RESIDENT, Residency.PART_TIME)),
        engagement_status="partly_engaged",
    )


def record_demo_visits(
    records: RecordService, visits: VisitService, count: int, seed: int | None = None
) -> list[FinalisedVisit]:
    """Record `count` synthetic finalised visits across this device's caseload."""
    rng = random.Random(seed)
    caseload = [c for c in records.caseload() if c.children]
    if not caseload:
        raise ValueError("No families on this device yet: sign in and sync first.")
    known_fathers = {
        s.version.case_id: s.version.record_id for s in records.current("significant_adult")
    }
    done = []
    for n in range(count):
        case = caseload[n % len(caseload)]
        start = utc_now() - timedelta(hours=rng.randrange(1, 20), minutes=rng.randrange(60))
        done.append(_one_visit(rng, visits, case, start, known_fathers))
    return done


def _one_visit(
    rng: random.Random,
    visits: VisitService,
    case: CaseSummary,
    start: datetime,
    known_fathers: dict[str, str],
) -> FinalisedVisit:
    child_ids = tuple(case.children)
    new_adults: dict[str, SignificantAdult] = {}
    father_id = known_fathers.get(case.case_id)
    if father_id is None:
        father_id = new_id()
        new_adults[father_id] = _new_father(rng, child_ids)
        known_fathers[case.case_id] = father_id
    seen_alone = rng.random() < 0.6
    visit = Visit(
        child_ids=child_ids,
        visit_type=rng.choice((VisitType.STATUTORY_CP, VisitType.TARGETED, VisitType.UNANNOUNCED)),
        start=start,
        end=start + timedelta(minutes=rng.randrange(30, 90)),
        persons_present=(PersonPresent(description="mother"), PersonPresent(person_id=father_id)),
        child_seen=True,
        seen_alone=seen_alone,
        not_seen_alone_reason=None if seen_alone else NotSeenAloneReason.PRE_VERBAL,
        seen_awake=True,
        bedroom_seen=rng.random() < 0.5,
        home_conditions=rng.choice(HOME),
        child_presentation=rng.choice(PRESENTATION),
        voice_of_child=rng.choice(VOICE),
        father_or_male_carer=FatherQuestion(adult_ids=(father_id,)),
        worries="Hygiene and supervision when mother is unwell.",
        working_well="Mother engaging with the health visitor; nursery place taken up.",
        next_steps="Review at the next core group; father invited.",
    )
    today = start.date()
    observations = []
    for child_id, child in case.children.items():
        band = age_band_on(child.dob, today)
        observations.append(ChildObservation(child_id, band, _answers(rng, band)))
    return visits.finalise(
        case.case_id,
        visit,
        observations,
        summary=f"Home visit: {visit.home_conditions} {visit.child_presentation}",
        action_taken="Discussed concerns with mother; advice given; next visit booked.",
        new_adults=new_adults,
    )
