"""Before the visit: the doorstep facts, what is new for a child since my last visit, open
actions, known men.

docs/domain.md (How work flows, "Before a visit"): the chronology since my last visit (every
agency's entries), the actions agreed at earlier visits, and the fathers and male carers known to
the family.
"""

from dataclasses import dataclass
from datetime import date, datetime

from mobile_app.services.caseload.overview import is_father_or_male_carer
from mobile_app.services.chronology.chronology import ChronologyService
from mobile_app.services.records import RecordService
from mobile_app.services.visits.doorstep import Doorstep, doorstep
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore, StoredVersion
from shared.models import SignificantAdult, Visit
from shared.protocol import ChronologyItem, PulledVersion
from shared.vocabulary import ParentalResponsibility, Residency

RESIDENCY = {
    Residency.RESIDENT: "Lives in the household",
    Residency.NON_RESIDENT: "Does not live in the household",
    Residency.PART_TIME: "Lives in the household part of the time",
    Residency.FREQUENT_VISITOR: "Visits the household often",
    Residency.UNKNOWN: "Not known whether they live in the household",
}
RESPONSIBILITY = {
    ParentalResponsibility.YES: "Has parental responsibility",
    ParentalResponsibility.NO: "No parental responsibility",
    ParentalResponsibility.UNKNOWN: "Parental responsibility not known",
}


@dataclass(frozen=True)
class OpenAction:
    """An action agreed at an earlier visit."""

    action: str
    owner: str
    due: date
    agreed_on: date
    overdue: bool


@dataclass(frozen=True)
class AdultLine:
    """A father or male carer known to the family, in plain words."""

    adult_id: str
    name: str
    relationship: str
    residency: str
    responsibility: str


@dataclass(frozen=True)
class ChildSummary:
    """What a practitioner reads before visiting a child."""

    my_last_visit: datetime | None
    entries: list[ChronologyItem]
    actions: list[OpenAction]
    adults: list[AdultLine]
    door: Doorstep | None = None  # the address, access and safety notes, the household


def _mine(stored: StoredVersion, me_id: str) -> bool:
    version = stored.version
    # A version made on this device and not yet pulled back carries no author: it is ours.
    return not isinstance(version, PulledVersion) or version.author_id == me_id


def _visits(store: DeviceStore, child_id: str) -> list[tuple[StoredVersion, Visit]]:
    out = []
    for stored in RecordService(store).current("visit"):
        visit = stored.version.payload
        if isinstance(visit, Visit) and child_id in visit.child_ids:
            out.append((stored, visit))
    return sorted(out, key=lambda pair: pair[1].start)


def _new_since(item: ChronologyItem, since: datetime, visit_id: str) -> bool:
    if item.visit_id == visit_id:
        return False  # the entry for that visit itself
    arrived_late = item.recorded_at > since
    return item.event_datetime > since or arrived_late


def fathers_and_male_carers(store: DeviceStore, case_id: str) -> list[AdultLine]:
    """Return the family's significant adults other than mothers, in plain words."""
    out = []
    for stored in RecordService(store).current("significant_adult"):
        adult = stored.version.payload
        if stored.version.case_id != case_id or not isinstance(adult, SignificantAdult):
            continue
        if not is_father_or_male_carer(adult):
            continue
        name = adult.name or f"Not named: {adult.description_if_unidentified}"
        out.append(
            AdultLine(
                adult_id=stored.version.record_id,
                name=name,
                relationship=label(adult.relationship),
                residency=RESIDENCY[adult.residency],
                responsibility=RESPONSIBILITY[adult.parental_responsibility],
            )
        )
    return sorted(out, key=lambda a: a.name)


def child_summary(
    store: DeviceStore, child_id: str, case_id: str, me_id: str, today: date
) -> ChildSummary:
    """Gather the before-the-visit summary for one child."""
    visits = _visits(store, child_id)
    mine = [(s, v) for s, v in visits if _mine(s, me_id)]
    entries = ChronologyService(store).for_child(child_id)
    last: datetime | None = None
    if mine:
        stored, visit = mine[-1]
        last = visit.start
        entries = [i for i in entries if _new_since(i, visit.start, stored.version.record_id)]
    actions = [
        OpenAction(a.action, a.owner, a.due, visit.start.date(), overdue=a.due < today)
        for _, visit in visits
        for a in visit.actions
    ]
    actions.sort(key=lambda a: a.due)
    men = fathers_and_male_carers(store, case_id)
    return ChildSummary(last, entries, actions, men, doorstep(store, case_id, today))
