"""Handover arrivals as storage sees them (issue 13): versions the previous team pushed after
a transfer, within the grace period or forwarded by their supervisor."""

from collections.abc import Collection
from typing import NamedTuple, Protocol


class HandoverArrival(NamedTuple):
    """A version accepted from the team that held the case before a transfer."""

    version_id: str
    case_id: str
    author_id: str
    allocation_ended_at: str
    transfer_record_id: str
    receiving_team: str
    arrived_at: str
    forwarded_by: str | None = None


class HandoverQueries(Protocol):
    """Find ended allocations and transfers, and keep the marks of late arrivals."""

    def allocation_ends(self, practitioner_id: str, case_ids: Collection[str]) -> dict[str, str]:
        """Return, per case among these, when the practitioner's allocation of it ended (only
        cases not allocated to them now)."""
        ...

    def transfer_versions(self, case_ids: Collection[str]) -> list[tuple[str, str, str, str]]:
        """Return (case id, record id, author id, version JSON) of each transfer_out version
        in these cases, oldest first."""
        ...

    def add_handover_arrivals(self, arrivals: Collection[HandoverArrival]) -> None:
        """Store the marks of versions accepted from the previous team."""
        ...

    def arrival_seqs(self, case_ids: Collection[str], after: int, upto: int) -> set[int]:
        """Return the server_seqs of late arrivals in these cases within (after, upto]."""
        ...

    def handover_arrivals(self, case_ids: Collection[str]) -> list[HandoverArrival]:
        """Return the late arrivals in these cases, oldest first."""
        ...
