"""Builders for the alert and timeliness tests: a synthetic CP family pushed over HTTP, its
incidents, decisions and conferences, at device times the test chooses."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from shared.ids import new_id
from shared.synthetic import family_name, given_name, street_address
from sync_server.services import ServiceContainer
from tests.sync_server.server_builders import Item, entry_payload, push, version

Headers = dict[str, str]


@dataclass(frozen=True)
class Family:
    """A case pushed for a test: its id, its child, and who recorded it."""

    case_id: str
    child_id: str
    author_id: str


def at(moment: datetime, item: Item) -> Item:
    """Return item as if made on the device at moment."""
    return {**item, "device_time": moment.isoformat()}


async def cp_family(
    client: AsyncTestClient[Any],
    services: ServiceContainer,
    sw: Headers,
    *usernames: str,
    status: str = "CP",
    seed: int = 1,
) -> Family:
    """Push a new family with one child (on a neglect CP plan by default), allocated to
    demo-sw and to usernames."""
    rng = random.Random(seed)
    case_id, child_id = new_id(), new_id()
    for username in ("demo-sw", *usernames):
        services.allocations.allocate(username, case_id)
    surname = family_name(rng)
    line1, town, postcode = street_address(rng)
    family = {
        "record_type": "family",
        "family_name": surname,
        "address": {"line1": line1, "town": town, "postcode": postcode},
    }
    child: dict[str, Any] = {
        "record_type": "child",
        "given_name": given_name(rng, "female"),
        "family_name": surname,
        "dob": date(2023, 5, 1).isoformat(),
        "sex": "female",
        "status": status,
        "cp_categories": ["neglect"] if status == "CP" else [],
    }
    await push(
        client,
        sw,
        [version(case_id, family, record_id=case_id), version(case_id, child, record_id=child_id)],
    )
    author = services.repository.practitioner_login("demo-sw")
    assert author is not None
    return Family(case_id, child_id, author[0].id)


def incident(family: Family, when: datetime, **overrides: Any) -> Item:
    """Return an injury entry about the family's child, recorded on the device at `when`."""
    payload = entry_payload(
        family.author_id,
        [family.child_id],
        event_datetime=when.isoformat(),
        event_type="injury",
        summary="Bruise to the left forearm seen at nursery.",
        significance="significant",
        **overrides,
    )
    return at(when, version(family.case_id, payload))


def decision(
    family: Family,
    trigger: Item,
    decided_at: datetime,
    choice: str = "request_strategy_discussion",
    options: tuple[str, ...] = ("request_strategy_discussion", "no_action"),
) -> Item:
    """Return a decision record on a trigger entry, made by the family's social worker."""
    payload = {
        "record_type": "decision_record",
        "trigger_entry_id": trigger["record_id"],
        "child_ids": [family.child_id],
        "question": "Does the injury need a strategy discussion?",
        "options_considered": list(options),
        "decision": choice,
        "rationale": "Weighed with the nursery's account and the plan's history.",
        "decided_by": family.author_id,
        "decided_at": decided_at.isoformat(),
    }
    return at(decided_at, version(family.case_id, payload))


def countersign(base: Item, supervisor_id: str, moment: datetime) -> Item:
    """Return a version of a decision countersigned by the supervisor at moment."""
    payload = {
        **base["payload"],
        "countersigned_by": supervisor_id,
        "countersigned_at": moment.isoformat(),
    }
    item = version(base["case_id"], payload, replaces=base, reason="Countersigned at supervision.")
    return at(moment, item)


def conference(
    family: Family,
    held_at: datetime,
    *,
    plan_after: timedelta | None = None,
    minutes_after: timedelta | None = None,
    meeting_type: str = "ICPC",
) -> Item:
    """Return a conference held at held_at, its plan and minutes sent so long after (or not)."""
    payload: dict[str, Any] = {
        "record_type": "meeting",
        "meeting_type": meeting_type,
        "child_ids": [family.child_id],
        "held_at": held_at.isoformat(),
    }
    if plan_after is not None:
        payload["plan_distributed_at"] = (held_at + plan_after).isoformat()
    if minutes_after is not None:
        payload["minutes_distributed_at"] = (held_at + minutes_after).isoformat()
    return at(held_at, version(family.case_id, payload))
