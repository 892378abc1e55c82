"""Same-event links on this device: which entries are linked, which may record one event, and
making a link offline.

Suggestions follow the shared rule (shared/same_event.py), the one the server applies too,
so both suggest the same pairs. An entry in conflict or taken back is never suggested.
"""

from dataclasses import dataclass

from mobile_app.errors import MobileError
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.store import DeviceStore, StoredVersion
from shared.models import ChronologyEntry, Practitioner
from shared.models.link import SameEventLink
from shared.protocol import PulledVersion, RecordVersion
from shared.same_event import CurrentEntry, SameEventSuggestion, suggest
from shared.vocabulary import Lifecycle

__all__ = [
    "CaseEntry",
    "SameEventService",
    "SameEventSuggestion",
    "linked_entries",
]

LINK_REASON = "Confirmed on this device: the same event, recorded by two agencies."


@dataclass(frozen=True, slots=True)
class CaseEntry(CurrentEntry):
    """A current entry and the case it belongs to (a link joins entries of one family)."""

    case_id: str


def _heads(store: DeviceStore, record_type: str) -> dict[str, list[StoredVersion]]:
    """Return the head versions of every record of a type, by record id."""
    out: dict[str, list[StoredVersion]] = {}
    for stored in RecordService(store).current(record_type):
        out.setdefault(stored.version.record_id, []).append(stored)
    return out


def linked_entries(store: DeviceStore) -> dict[str, list[str]]:
    """Return, per entry, the other entries a current link joins it with (sorted)."""
    joined: dict[str, set[str]] = {}
    for heads in _heads(store, "same_event_link").values():
        for stored in heads:
            link = stored.version.payload
            if stored.version.lifecycle != Lifecycle.CURRENT:
                continue
            if not isinstance(link, SameEventLink):
                continue
            for entry_id in link.entry_record_ids:
                others = (e for e in link.entry_record_ids if e != entry_id)
                joined.setdefault(entry_id, set()).update(others)
    return {entry_id: sorted(others) for entry_id, others in joined.items()}


class SameEventService:
    """Reads links and suggestions for a child; makes a link as a new record, queued."""

    def __init__(self, store: DeviceStore, me: Practitioner) -> None:
        self._store = store
        self._me = me

    def _author(self, version: RecordVersion) -> tuple[str, str]:
        if isinstance(version, PulledVersion):
            return version.author_id, version.author_agency.value
        return self._me.id, self._me.agency.value  # made here, by this device's user

    def current_entries(self, child_id: str) -> list[CaseEntry]:
        """Return the child's entries with exactly one head, neither withdrawn nor in error."""
        out = []
        for heads in _heads(self._store, "chronology_entry").values():
            if len(heads) != 1 or heads[0].version.lifecycle != Lifecycle.CURRENT:
                continue
            version = heads[0].version
            entry = version.payload
            if isinstance(entry, ChronologyEntry) and child_id in entry.child_ids:
                author_id, agency = self._author(version)
                out.append(CaseEntry(version.record_id, author_id, agency, entry, version.case_id))
        return out

    def suggestions(self, child_id: str) -> list[SameEventSuggestion]:
        """Return pairs of the child's entries that may record one event, not yet linked."""
        return suggest(self.current_entries(child_id), linked_entries(self._store))

    def link(self, child_id: str, entry_record_ids: tuple[str, ...]) -> RecordVersion:
        """Join entries of the child as one event: a new link record, queued for sync.

        Raises:
            MobileError: fewer than two entries, or one is not a current entry of the child
                here, or they belong to different families.
        """
        ids = tuple(dict.fromkeys(entry_record_ids))
        if len(ids) < 2:
            raise MobileError("Choose two entries to link as the same event.")
        current = {e.record_id: e for e in self.current_entries(child_id)}
        chosen = [current.get(record_id) for record_id in ids]
        cases = {entry.case_id for entry in chosen if entry is not None}
        if None in chosen or len(cases) != 1:
            raise MobileError(
                "One of those entries has changed on this device: look at the chronology again."
            )
        link = SameEventLink(entry_record_ids=ids, made_by=self._me.id, reason=LINK_REASON)
        return RecordService(self._store).record([NewRecord(cases.pop(), link)])[0]
