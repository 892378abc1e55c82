"""Chronology filters (from, to, agency, significance, neglect_type, event_type): each at its
boundaries, on both the child's and the family's chronology; bad ones are a 400 naming them."""

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sync_server.demo import DemoSeed
from tests.sync_server.server_builders import entry_payload, push, version

pytestmark = pytest.mark.usefixtures("push_clock_in_2032")

Headers = dict[str, str]

# Events in 2031, far from the demo's seeded entries (dated back from today).
EVENTS = {
    "before": ("2031-02-28T23:59:59+00:00", "exact"),
    "first-instant": ("2031-03-01T00:00:00+00:00", "exact"),
    "first-day-date-only": ("2031-03-01T00:00:00+00:00", "date_only"),
    "noon": ("2031-03-15T12:00:00+00:00", "exact"),
    "late-bst": ("2031-03-31T23:30:00+01:00", "exact"),  # 22:30 UTC
    "last-day-date-only": ("2031-03-31T00:00:00+00:00", "date_only"),
    "last-instant": ("2031-03-31T23:59:59.999999+00:00", "exact"),
    "after": ("2031-04-01T00:00:00+00:00", "exact"),
    "approx-after": ("2031-04-01T00:00:00+00:00", "approx"),
}
DETAILS: dict[str, dict[str, Any]] = {
    "before": {"source_agency": "police", "event_type": "police_incident"},
    "first-instant": {"source_agency": "GP", "significance": "serious",
                      "neglect_types": ["medical_dental"], "event_type": "ed_attendance"},
    "noon": {"significance": "serious", "neglect_types": ["nutritional", "physical"]},
    "late-bst": {"source_agency": "police", "neglect_types": ["supervisory"],
                 "event_type": "police_incident"},
    "last-day-date-only": {"significance": "positive", "event_type": "positive_milestone"},
}  # fmt: skip


@pytest.fixture
async def world(client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed) -> dict[str, Any]:
    """Push one entry per EVENTS name for the first child; return names by record id."""
    fam = demo.cases[0]
    sw_id = demo.practitioners["demo-sw"].id
    items = []
    for name, (when, precision) in EVENTS.items():
        payload = entry_payload(sw_id, [fam.child_ids[0]], event_datetime=when,
                                event_date_precision=precision, summary=name,
                                **DETAILS.get(name, {}))  # fmt: skip
        items.append(version(fam.family_id, payload))
    assert {r["status"] for r in await push(client, sw, items)} == {"accepted"}
    names = {item["record_id"]: item["payload"]["summary"] for item in items}
    return {"fam": fam, "names": names}


def paths(world: dict[str, Any]) -> list[str]:
    fam = world["fam"]
    return [f"/children/{fam.child_ids[0]}/chronology", f"/cases/{fam.family_id}/chronology"]


async def shown(
    client: AsyncTestClient[Any], headers: Headers, world: dict[str, Any], query: str
) -> list[str]:
    """Return the names of our events each view shows for query, asserting both agree."""
    seen = []
    for path in paths(world):
        response = await client.get(f"{path}?{query}", headers=headers)
        assert response.status_code == 200, response.text
        entries = response.json()["entries"]
        seen.append([world["names"][e["record_id"]] for e in entries
                     if e["record_id"] in world["names"]])  # fmt: skip
    assert seen[0] == seen[1], "the child's and the family's chronology filter alike"
    return seen[0]


IN_MARCH = ["first-instant", "first-day-date-only", "noon", "last-day-date-only", "late-bst",
            "last-instant"]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["before", *IN_MARCH, "after", "approx-after"]),
        ("from=2031-03-01&to=2031-03-31", IN_MARCH),
        ("from=2031-03-01", [*IN_MARCH, "after", "approx-after"]),
        ("to=2031-03-31", ["before", *IN_MARCH]),
        ("from=2031-03-01T00:00:00Z&to=2031-03-31T23:59:59.999999Z", IN_MARCH),
        ("from=2031-03-01T00:00:00.000001Z&to=2031-03-31T23:59:59.999998Z",
         ["first-day-date-only", "noon", "last-day-date-only", "late-bst"]),
        ("from=2031-03-01T12:00:00Z&to=2031-03-01T13:00:00Z", ["first-day-date-only"]),
        ("from=2031-03-31T22:30:00Z&to=2031-03-31T22:30:00Z", ["last-day-date-only", "late-bst"]),
        ("from=2031-03-31T23:30:00%2B01:00&to=2031-03-31", ["last-day-date-only", "late-bst",
                                                            "last-instant"]),
        ("from=2031-04-01&to=2031-04-01", ["after", "approx-after"]),
        ("from=2031-02-28&to=2031-02-28", ["before"]),
    ],
    ids=["no-filter", "dates-inclusive", "from-date", "to-date", "instants-inclusive",
         "instants-one-microsecond-inside", "date-only-day-overlaps-an-instant-range",
         "one-instant", "offset-bound", "only-after", "only-before"],
)  # fmt: skip
async def test_period_bounds_are_inclusive(
    client: AsyncTestClient[Any], sw: Headers, world: dict[str, Any], query: str,
    expected: list[str],
) -> None:  # fmt: skip
    assert await shown(client, sw, world, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("agency=police", ["before", "late-bst"]),
        ("agency=police&agency=GP", ["before", "first-instant", "late-bst"]),
        ("agency=housing", []),
        ("significance=serious", ["first-instant", "noon"]),
        ("significance=serious&significance=positive",
         ["first-instant", "noon", "last-day-date-only"]),
        ("neglect_type=physical", ["noon"]),
        ("neglect_type=physical&neglect_type=supervisory", ["noon", "late-bst"]),
        ("event_type=police_incident", ["before", "late-bst"]),
        ("event_type=positive_milestone&event_type=ed_attendance",
         ["first-instant", "last-day-date-only"]),
        ("agency=police&event_type=police_incident&from=2031-03-01", ["late-bst"]),
        ("agency=GP&significance=positive", []),
    ],
    ids=["agency", "agency-any-of-two", "agency-none", "significance", "significance-any-of-two",
         "neglect-type", "neglect-type-any-of-two", "event-type", "event-type-any-of-two",
         "all-must-match", "nothing-matches-both"],
)  # fmt: skip
async def test_value_filters(
    client: AsyncTestClient[Any], sw: Headers, world: dict[str, Any], query: str,
    expected: list[str],
) -> None:  # fmt: skip
    assert await shown(client, sw, world, query) == expected


async def test_a_filter_applies_to_every_entry_not_only_ours(
    client: AsyncTestClient[Any], sw: Headers, world: dict[str, Any]
) -> None:
    for path in paths(world):
        everything = (await client.get(path, headers=sw)).json()["entries"]
        filtered = (await client.get(f"{path}?significance=serious", headers=sw)).json()
        assert filtered["entries"] == [e for e in everything if e["significance"] == "serious"]
        assert len(filtered["entries"]) > 2, "the demo's own serious entries are kept too"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("to=2031-13-01", "to"),
        ("from=2031-03-01T09:00:00", "from"),
        ("to=" + "9" * 41, "to"),
        ("from=", "from"),
        ("from=2031-03-01&from=2031-03-02", "from"),
        ("from=2031-04-01&to=2031-03-31", "to"),
        ("from=2031-03-02T00:00:00Z&to=2031-03-01T23:00:00Z", "to"),
        ("agency=NHS-SECRET", "agency"),
        ("agency=", "agency"),
        ("agency=police&agency=csc", "agency"),
        ("significance=huge", "significance"),
        ("neglect_type=dental", "neglect_type"),
        ("event_type=visit", "event_type"),
        ("neglect_types=physical", "neglect_types"),
        ("colour=red", "colour"),
    ],
    ids=["from-word", "to-month-13", "from-no-offset", "to-too-long", "from-empty",
         "from-twice", "to-before-from-dates", "to-before-from-instants", "agency-unknown",
         "agency-empty", "agency-wrong-case", "significance", "neglect-type", "event-type",
         "misspelt-parameter", "unknown-parameter"],
)  # fmt: skip
async def test_a_bad_filter_is_a_400_naming_it(
    client: AsyncTestClient[Any], sw: Headers, world: dict[str, Any], query: str, field: str,
    repository: Any,
) -> None:  # fmt: skip
    for path in paths(world):
        response = await client.get(f"{path}?{query}", headers=sw)
        assert response.status_code == 400, path
        body = response.json()
        assert body["code"] == "validation_failed"
        assert body["details"]["errors"][0]["field"] == field
        assert body["message"].startswith(f"{field}: ")
        assert "SECRET" not in response.text
    assert repository.audit_events("chronology_read") == [], "nothing was read"


async def test_a_conflict_is_shown_whole_when_either_side_matches(
    client: AsyncTestClient[Any], sw: Headers, world: dict[str, Any], demo: DemoSeed
) -> None:
    fam = world["fam"]
    payload = entry_payload(demo.practitioners["demo-sw"].id, [fam.child_ids[0]],
                            event_datetime="2031-05-01T09:00:00+00:00")  # fmt: skip
    base = version(fam.family_id, payload)
    graver = version(fam.family_id, {**payload, "significance": "serious"}, replaces=base,
                     reason="Rated serious after the strategy discussion.")  # fmt: skip
    milder = version(fam.family_id, {**payload, "summary": "Reworded."}, replaces=base,
                     reason="Reworded.")  # fmt: skip
    await push(client, sw, [base, graver, milder])
    for path in paths(world):
        response = await client.get(f"{path}?significance=serious&from=2031-05-01", headers=sw)
        entries = response.json()["entries"]
        assert {(e["version_id"], e["in_conflict"]) for e in entries} == {
            (graver["version_id"], True), (milder["version_id"], True)}  # fmt: skip
        assert {e["significance"] for e in entries} == {"serious", "contextual"}
