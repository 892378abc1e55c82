"""Transfers between authorities as storage sees them: bundles sent and received.

A case sent to another authority's server is closed here: the record of the bundle sent
stays, with when and to whom. A bundle received keeps its provenance: which authority sent
it and when it arrived, which versions it brought, and how its authors were named there.
Both tables are append-only. A case is closed while its latest bundle sent is later than
its latest bundle received (a family that moves back opens it again).
"""

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:  # interface.py builds the Repository from this protocol
    from sync_server.repository.interface import NewVersion


class SentBundle(NamedTuple):
    """A case's history sent to another authority: the case is closed here from then on."""

    bundle_id: str
    case_id: str
    to_authority: str
    exported_at: str
    exported_by: str
    bundle_sha256: str
    version_count: int


class ReceivedBundle(NamedTuple):
    """A bundle imported from another authority, and who it was allocated to here."""

    bundle_id: str
    case_id: str
    from_authority: str
    exported_at: str
    received_at: str
    bundle_sha256: str
    allocated_to: str
    versions_stored: int


class ReceivedAuthor(NamedTuple):
    """A practitioner of the sending authority, as its bundle named them."""

    practitioner_id: str
    name: str
    role: str
    agency: str
    team: str


class Provenance(NamedTuple):
    """Where a received version came from: the authority, when it arrived, its author there."""

    from_authority: str
    received_at: str
    author: ReceivedAuthor | None


class AuthorityTransferQueries(Protocol):
    """Store and find bundles sent to and received from other authorities."""

    def case_versions(self, case_id: str) -> "list[NewVersion]":
        """Return every stored version of every record of the case, in server order."""
        ...

    def add_sent_bundle(self, sent: SentBundle) -> None:
        """Record a bundle sent (its case is closed here from now)."""
        ...

    def closed_cases(self, case_ids: Collection[str]) -> dict[str, SentBundle]:
        """Return, per closed case among these, the bundle that closed it."""
        ...

    def received_bundle(self, bundle_id: str) -> ReceivedBundle | None:
        """Return the bundle received with this id, if it was imported before."""
        ...

    def add_received_bundle(
        self,
        received: ReceivedBundle,
        version_ids: Sequence[str],
        authors: Sequence[ReceivedAuthor],
    ) -> None:
        """Record a bundle received, the versions it stored and its authors."""
        ...

    def provenance(self, version_ids: Collection[str]) -> dict[str, Provenance]:
        """Return the provenance of each received version among these ids."""
        ...
