"""At the door: where the family lives, how to get in, what to be careful of, who lives there.

The first thing a practitioner reads before knocking (docs/domain.md, How work flows; "Before"): the
address, the family's access and lone-working notes, then the children and the adults known to the
household, in plain words.
"""

from dataclasses import dataclass
from datetime import date

from mobile_app.services.records import RecordService
from mobile_app.services.wording import age_text, label
from mobile_app.store import DeviceStore
from shared.models import Child, Family, SignificantAdult
from shared.vocabulary import Residency

LIVES_THERE = {
    Residency.RESIDENT: "lives there",
    Residency.NON_RESIDENT: "does not live there",
    Residency.PART_TIME: "lives there part of the time",
    Residency.FREQUENT_VISITOR: "visits often",
    Residency.UNKNOWN: "not known whether they live there",
}


@dataclass(frozen=True)
class Person:
    """Someone in the household, in words: who they are and whether they live there."""

    record_id: str
    text: str


@dataclass(frozen=True)
class Doorstep:
    """What to know on the doorstep, before anything else."""

    address: str
    access: str | None
    safety: str | None
    children: list[Person]
    adults: list[Person]


def _family(store: DeviceStore, case_id: str) -> Family | None:
    for stored in RecordService(store).current("family"):
        payload = stored.version.payload
        if stored.version.record_id == case_id and isinstance(payload, Family):
            return payload
    return None


def _children(store: DeviceStore, case_id: str, today: date) -> list[Person]:
    out = []
    for stored in RecordService(store).current("child"):
        child = stored.version.payload
        if stored.version.case_id == case_id and isinstance(child, Child):
            name = f"{child.given_name} {child.family_name}"
            out.append(Person(stored.version.record_id, f"{name}, {age_text(child, today)}"))
    return sorted(out, key=lambda p: p.text)


def _adults(store: DeviceStore, case_id: str) -> list[Person]:
    out = []
    for stored in RecordService(store).current("significant_adult"):
        adult = stored.version.payload
        if stored.version.case_id != case_id or not isinstance(adult, SignificantAdult):
            continue
        name = adult.name or f"Not named: {adult.description_if_unidentified}"
        text = f"{name} ({label(adult.relationship)}), {LIVES_THERE[adult.residency]}"
        out.append(Person(stored.version.record_id, text))
    return sorted(out, key=lambda p: p.text)


def doorstep(store: DeviceStore, case_id: str, today: date) -> Doorstep | None:
    """Gather the doorstep facts of one family; None when its record is not on this device."""
    family = _family(store, case_id)
    if family is None:
        return None
    home = family.address
    return Doorstep(
        address=f"{home.line1}, {home.town} {home.postcode}",
        access=family.access_notes,
        safety=family.safety_notes,
        children=_children(store, case_id, today),
        adults=_adults(store, case_id),
    )
