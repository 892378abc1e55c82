"""Rule V3's one question the Visit model cannot ask alone: was a baby seen awake?

V3 (shared.visit_completeness, docs/domain.md) asks, for a child under 1, whether they were
seen awake. The model does not know the child's age; the ingest does: it reads the date of
birth of each child a visit names, from the child's current versions as stored (or made
earlier in the same push), and refuses the visit in the app's own words. A child whose
current versions disagree (a conflict) counts as under 1 if any of them says so.
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from shared.models import Child, Visit
from shared.protocol import RecordVersion
from shared.visit_completeness import is_infant, visit_completeness
from shared.vocabulary import Lifecycle
from sync_server.services.sync.push_rules import Refusal

# child record id -> the dates of birth its current versions give (None: unborn, not known)
BirthDates = Mapping[str, list[date | None]]


def _awake_gap(version: RecordVersion, infant: bool) -> str | None:
    """V3's seen-awake message for this version if the child is an infant, else None."""
    payload = version.payload
    if not isinstance(payload, Visit) or version.lifecycle != Lifecycle.CURRENT:
        return None
    facts = replace(payload.completeness_facts(), infant=infant)
    return visit_completeness(facts).get("seen_awake")


def children_to_age(versions: Iterable[RecordVersion]) -> set[str]:
    """The children whose age decides whether one of these visits is complete."""
    return {
        child_id
        for v in versions
        if isinstance(v.payload, Visit) and _awake_gap(v, infant=True) is not None
        for child_id in v.payload.child_ids
    }


def birth_dates(heads: Mapping[str, list[str]]) -> dict[str, list[date | None]]:
    """Read each child's date of birth from the JSON of its current versions."""
    out: dict[str, list[date | None]] = {}
    for child_id, bodies in heads.items():
        for body in bodies:
            version = RecordVersion.model_validate_json(body)
            if isinstance(version.payload, Child) and version.lifecycle == Lifecycle.CURRENT:
                out.setdefault(child_id, []).append(version.payload.dob)
    return out


def check_seen_awake(version: RecordVersion, known: BirthDates) -> None:
    """Refuse a visit that saw a child under 1 on the visit's date without saying whether
    they were awake.

    Raises:
        Refusal: naming payload.seen_awake, in the words the app's visit form uses.
    """
    payload = version.payload
    if not isinstance(payload, Visit):
        return
    on = payload.start.date()
    infant = any(
        is_infant(dob, on) for child_id in payload.child_ids for dob in known.get(child_id, ())
    )
    message = _awake_gap(version, infant)
    if message is not None:
        raise Refusal("payload.seen_awake", message)
