"""The app and the server show one chronology: for the same versions and the same filters, the
device lists exactly the server's lines, in the server's order read backwards (newest first).

Generated entries (events on a few instants written in different UTC offsets, every precision,
amended, taken back or left in conflict by two edits made apart) are pushed to a real server
(the sync service over SQLite, with the demo data), pulled into a real device store, and
both chronology services are asked the same generated query.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobile_app.crypto import new_kdf_params
from mobile_app.services.chronology.chronology import ChronologyService as DeviceChronology
from mobile_app.store import DeviceStore
from shared.chronology import ChronologyQuery
from shared.models import Practitioner
from shared.protocol import ChronologyItem, PullResponse, RecordVersion
from shared.vocabulary import Agency, DatePrecision, EventType, NeglectType, Significance
from sync_server.app import create_app
from sync_server.demo.cases import DemoCase
from sync_server.services import ServiceContainer, Session
from tests.sync_server.server_builders import edit, entry_payload, fast_settings, take_back, version

DAYS = [date(2024, 3, 30) + timedelta(days=n) for n in range(3)]
OFFSETS = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]
AGENCIES = [Agency.CSC, Agency.POLICE, Agency.GP]
SIGNIFICANCES = list(Significance)
NEGLECT = [NeglectType.NUTRITIONAL, NeglectType.SUPERVISORY, NeglectType.PHYSICAL]
EVENTS = [EventType.HOME_VISIT, EventType.POLICE_INCIDENT, EventType.INJURY]


@dataclass
class World:
    """One server and one device that has pulled everything the server gave the social worker."""

    services: ServiceContainer
    session: Session
    me: Practitioner
    case: DemoCase
    store: DeviceStore
    cursor: int = 0

    def push(self, items: list[dict[str, Any]]) -> list[str]:
        """Push versions as the social worker; return each one's status."""
        versions = [RecordVersion.model_validate(item) for item in items]
        results = self.services.sync.push(self.me, self.session.device_id, versions)
        return [result.status for result in results]

    def pull(self) -> None:
        """Pull every page after the device's cursor into its store."""
        while True:
            raw = self.services.sync.pull_json(self.session, self.cursor, 500)
            page = PullResponse.model_validate_json(raw)
            self.store.records.merge_pulled(page.items)
            self.cursor = page.next_cursor
            if not page.has_more:
                return


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A demo server and the social worker's device, shared by every generated example."""
    folder = tmp_path_factory.mktemp("agreement")
    app = create_app(fast_settings(folder / "server.db"))
    services: ServiceContainer = app.state["services"]
    demo = app.state["demo"]
    me = demo.practitioners["demo-sw"]
    assert len(demo.cases[0].child_ids) >= 2, "an entry must be able to name two siblings"
    store = DeviceStore.create(
        folder / "device", "amber-kettle-orchard-7", new_kdf_params(1, 1, 1024)
    )
    try:
        yield World(services, Session(me, "agreement-device"), me, demo.cases[0], store)
    finally:
        store.close()
        services.repository.close()


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    """An event instant on a few days and hours, written in one of several UTC offsets."""
    day, hour = draw(st.sampled_from(DAYS)), draw(st.sampled_from([0, 1, 23]))
    written_in = draw(st.sampled_from(OFFSETS))
    return datetime.combine(day, time(hour), UTC).astimezone(written_in)


def _values(options: list[Any]) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(options), max_size=2)


ENTRIES = st.lists(
    st.fixed_dictionaries(
        {
            "when": moments(),
            "precision": st.sampled_from(list(DatePrecision)),
            "agency": st.sampled_from(AGENCIES),
            "significance": st.sampled_from(SIGNIFICANCES),
            "neglect": st.lists(st.sampled_from(NEGLECT), unique=True, max_size=2),
            "event": st.sampled_from(EVENTS),
            "both_children": st.booleans(),
            "then": st.sampled_from(["nothing", "amend", "conflict", "withdraw"]),
            "edited_agency": st.sampled_from(AGENCIES),
        }
    ),
    min_size=1,
    max_size=6,
)
BOUNDS = st.one_of(st.none(), st.sampled_from(DAYS), moments())
QUERIES = st.builds(
    ChronologyQuery,
    start=BOUNDS,
    end=BOUNDS,
    agencies=_values(AGENCIES),
    significances=_values(SIGNIFICANCES),
    neglect_types=_values(NEGLECT),
    event_types=_values(EVENTS),
)


def _versions(world: World, drawn: dict[str, Any]) -> list[dict[str, Any]]:
    """The versions one drawn entry is pushed as: made, then perhaps edited or taken back."""
    children = list(world.case.child_ids[: 2 if drawn["both_children"] else 1])
    payload = entry_payload(
        world.me.id,
        children,
        event_datetime=drawn["when"].isoformat(),
        event_date_precision=drawn["precision"].value,
        source_agency=drawn["agency"].value,
        significance=drawn["significance"].value,
        neglect_types=[n.value for n in drawn["neglect"]],
        event_type=drawn["event"].value,
    )
    base = version(world.case.family_id, payload)
    agency = drawn["edited_agency"].value
    then = {
        "nothing": [],
        "amend": [edit(base, source_agency=agency)],
        # Two edits of one version made apart: the second is kept as a conflict.
        "conflict": [edit(base, source_agency=agency), edit(base, summary="Made apart.")],
        "withdraw": [take_back(base, "withdrawn")],
    }[drawn["then"]]
    return [base, *then]


def _lines(items: list[ChronologyItem]) -> list[dict[str, Any]]:
    # Every field but the author's name: the server names the person, the app says "You"
    # or their role and agency (it holds no directory of names).
    return [item.model_dump(exclude={"author_name"}) for item in items]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=ENTRIES, query=QUERIES)
def test_device_and_server_show_the_same_lines_in_the_same_order(
    world: World, entries: list[dict[str, Any]], query: ChronologyQuery
) -> None:
    """Same versions, same query: the device's lines are the server's, read backwards."""
    statuses = world.push([v for drawn in entries for v in _versions(world, drawn)])
    assert set(statuses) <= {"accepted", "conflict"}, statuses
    world.pull()
    device = DeviceChronology(world.store, world.me)
    child_id, case_id = world.case.child_ids[0], world.case.family_id

    on_server = world.services.chronology.for_child(world.session, child_id, query).entries
    on_device = device.for_child(child_id, query)
    assert _lines(on_device) == _lines(on_server[::-1])
    family_server = world.services.chronology.for_case(world.session, case_id, query).entries
    assert _lines(device.for_case(case_id, query)) == _lines(family_server[::-1])
    # The filter and the order are the shared ones: not a shared mistake in both services.
    everything = world.services.chronology.for_child(world.session, child_id).entries
    matching = {line.record_id for line in everything if _admits(query, line)}
    assert {line.record_id for line in on_server} == matching
    instants = [line.event_datetime for line in on_server]
    assert instants == sorted(instants)


def _admits(query: ChronologyQuery, line: ChronologyItem) -> bool:
    """Whether the query admits a line, worked out again from the line's own words."""
    day = line.event_datetime.date()
    if line.event_date_precision == DatePrecision.DATE_ONLY:
        first = datetime.combine(day, time(), line.event_datetime.tzinfo)
        last = first + timedelta(days=1) - timedelta(microseconds=1)
    else:
        first = last = line.event_datetime
    after_start = query.start is None or (
        last >= query.start if isinstance(query.start, datetime) else day >= query.start
    )
    before_end = query.end is None or (
        first <= query.end if isinstance(query.end, datetime) else day <= query.end
    )
    return (
        after_start
        and before_end
        and (not query.agencies or line.source_agency in query.agencies)
        and (not query.significances or line.significance in query.significances)
        and (not query.event_types or line.event_type in query.event_types)
        and (not query.neglect_types or bool(query.neglect_types & set(line.neglect_types)))
    )
