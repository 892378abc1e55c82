"""Every method of every storage protocol is exercised by a conformance module, on every backend.

The contract suites here run each backend (SQLite file, SQLite in memory, PostgreSQL) through
the same tests. This test reads them and checks that each protocol method is called in at
least one of them, so a method added to a protocol without a conformance test fails here.
The methods listed in NOT_YET_IN_A_CONTRACT are exercised only by the server suite (which also
runs on both backends, scripts/check); the list may only shrink: a method in it that gains a
contract test fails here until it is taken off.
"""

import re
from pathlib import Path

import pytest

from sync_server.repository.authority_transfers import AuthorityTransferQueries
from sync_server.repository.break_glass import BreakGlassQueries
from sync_server.repository.device_queries import TeamDeviceQueries
from sync_server.repository.handover import HandoverQueries
from sync_server.repository.interface import (
    AuditQueries,
    DeviceQueries,
    IngestBatch,
    PeopleQueries,
    ScopeQueries,
    VersionQueries,
)
from sync_server.repository.security_queries import DeviceWipeQueries, SignInCounterQueries

PROTOCOLS = (
    VersionQueries, IngestBatch, ScopeQueries, PeopleQueries, DeviceQueries, AuditQueries,
    BreakGlassQueries, TeamDeviceQueries, SignInCounterQueries, DeviceWipeQueries,
    AuthorityTransferQueries, HandoverQueries,
)  # fmt: skip

NOT_YET_IN_A_CONTRACT = {
    "VersionQueries": {"record_origins", "same_event_link_heads"},
    "ScopeQueries": {"allocation_starts"},
    "DeviceQueries": {"revoked_token", "devices", "revoke_practitioner", "practitioner_revoked"},
    "IngestBatch": {"record_kinds", "record_origins", "outcome_plans"},
    "BreakGlassQueries": {"add_break_glass", "live_break_glass", "team_break_glass"},
    "TeamDeviceQueries": {"team_devices"},
    "HandoverQueries": {
        "allocation_ends", "transfer_versions", "add_handover_arrivals", "arrival_seqs",
        "handover_arrivals",
    },
}  # fmt: skip

CONTRACTS = "\n".join(
    path.read_text() for path in sorted(Path(__file__).parent.glob("test_*_contract.py"))
)


def _methods(protocol: type) -> list[str]:
    return [name for name, value in vars(protocol).items() if callable(value) and name[0] != "_"]


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: p.__name__)
def test_every_method_of_the_protocol_is_called_by_a_conformance_module(protocol: type) -> None:
    waived = NOT_YET_IN_A_CONTRACT.get(protocol.__name__, set())
    called = {name for name in _methods(protocol) if re.search(rf"\.{name}\(", CONTRACTS)}
    missing = set(_methods(protocol)) - called - waived
    assert not missing, f"{protocol.__name__}: no conformance test calls {sorted(missing)}"
    gained = waived & called
    assert not gained, f"{protocol.__name__}: take {sorted(gained)} off NOT_YET_IN_A_CONTRACT"
    assert waived <= set(_methods(protocol)), f"{protocol.__name__}: stale waiver"
