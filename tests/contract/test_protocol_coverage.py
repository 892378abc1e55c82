"""Every storage protocol has its own conformance module, which calls every one of its methods.

The contract suites here run each backend (SQLite file, SQLite in memory, PostgreSQL) through
the same tests. This test reads each protocol's module and checks that it calls each method
of the protocol, so a method added to a protocol without a conformance test fails here; and
that every method the Repository offers belongs to a protocol listed here. The property
modules that hold SQL to the Python rules (test_read_rule_twins_contract.py,
test_inheritance_twin_contract.py) and the two-writer tests (test_concurrency_contract.py)
come on top of these.
"""

import ast
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
    Repository,
    ScopeQueries,
    VersionQueries,
)
from sync_server.repository.security_queries import DeviceWipeQueries, SignInCounterQueries

HERE = Path(__file__).parent
MODULES: dict[type, str] = {
    VersionQueries: "test_versions_contract.py",
    IngestBatch: "test_ingest_batch_contract.py",
    ScopeQueries: "test_scope_contract.py",
    PeopleQueries: "test_people_contract.py",
    DeviceQueries: "test_devices_contract.py",
    AuditQueries: "test_audit_contract.py",
    BreakGlassQueries: "test_break_glass_contract.py",
    TeamDeviceQueries: "test_team_devices_contract.py",
    SignInCounterQueries: "test_signin_counters_contract.py",
    DeviceWipeQueries: "test_device_wipes_contract.py",
    AuthorityTransferQueries: "test_authority_transfers_contract.py",
    HandoverQueries: "test_handover_contract.py",
}


def _methods(protocol: type) -> set[str]:
    return {name for name, value in vars(protocol).items() if callable(value) and name[0] != "_"}


def _called(module: str) -> set[str]:
    """Return the names of the methods the module calls (`anything.name(...)`)."""
    tree = ast.parse((HERE / module).read_text())
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


@pytest.mark.parametrize("protocol", MODULES, ids=lambda p: p.__name__)
def test_the_protocols_own_module_calls_each_of_its_methods(protocol: type) -> None:
    missing = _methods(protocol) - _called(MODULES[protocol])
    assert not missing, f"{MODULES[protocol]} calls no {protocol.__name__}.{sorted(missing)}"


def test_every_method_of_the_repository_belongs_to_a_protocol_with_a_module() -> None:
    offered = {
        name
        for base in Repository.__mro__
        if base.__module__.startswith("sync_server.repository")
        for name in _methods(base)
    } - {"close"}
    assert offered - set().union(*map(_methods, MODULES)) == set()
