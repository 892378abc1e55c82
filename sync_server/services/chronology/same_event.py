"""Same-event links on a chronology, and suggestions of entries that may record one event.

Two agencies' entries about one event stay separate records (docs/domain.md, Same-event links); a
current `same_event_link` joins them, and the chronology shows, on each entry, the other entries it
is linked with. Only entries the reader may read are ever named, so a link never reveals a
restricted entry.

Suggestions follow the shared rule (shared/same_event.py), the one the app applies too;
here the entries compared are those the reader may read with one current head.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.models import ChronologyEntry
from shared.models.link import SameEventLink
from shared.same_event import CurrentEntry, SameEventSuggestion, suggest
from shared.vocabulary import Lifecycle
from sync_server.repository import ChronologyHead
from sync_server.services.sync.bodies import RECORD_VERSION

__all__ = [
    "CurrentEntry",
    "SameEventSuggestion",
    "SameEventSuggestions",
    "current_entries",
    "current_links",
    "linked_entries",
    "suggest",
]


@dataclass(frozen=True, slots=True)
class SameEventSuggestions:
    """The suggested same-event pairs among a child's chronology entries."""

    child_id: str
    suggestions: list[SameEventSuggestion]


def current_links(heads: Iterable[tuple[str, str]]) -> list[tuple[str, SameEventLink]]:
    """Return (record id, link) of the current (not withdrawn) links among these heads,
    given as (record id, version JSON)."""
    links = []
    for record_id, payload_json in heads:
        version = RECORD_VERSION.validate_json(payload_json)
        if version.lifecycle == Lifecycle.CURRENT and isinstance(version.payload, SameEventLink):
            links.append((record_id, version.payload))
    return links


def linked_entries(links: Iterable[SameEventLink], readable: set[str]) -> dict[str, list[str]]:
    """Return, per readable entry, the other readable entries linked with it (sorted)."""
    out: dict[str, set[str]] = {}
    for link in links:
        named = [entry_id for entry_id in link.entry_record_ids if entry_id in readable]
        for entry_id in named:
            out.setdefault(entry_id, set()).update(other for other in named if other != entry_id)
    return {entry_id: sorted(others) for entry_id, others in out.items() if others}


def current_entries(heads: Sequence[ChronologyHead]) -> list[CurrentEntry]:
    """Return the entries with exactly one head that is current (not withdrawn, no conflict)."""
    out = []
    for head in heads:
        if head.head_count != 1:
            continue
        version = RECORD_VERSION.validate_json(head.payload_json)
        if version.lifecycle == Lifecycle.CURRENT and isinstance(version.payload, ChronologyEntry):
            out.append(CurrentEntry(head.record_id, head.author_id, head.author_agency,
                                    version.payload))  # fmt: skip
    return out
