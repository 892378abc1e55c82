"""The team-allocation stretch (services/access/team_caseload.py) against its plain statement.

A case's stretch id is that of the latest allocation (in allocated_at order) made when no
earlier one was live, i.e. every earlier allocation had ended at or before it began; the team
holds the case when one of its allocations is live, and let it go when none is.
"""

from datetime import UTC, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sync_server.repository.interface import TeamAllocation
from sync_server.services.access.team_caseload import team_caseload

START = datetime(2025, 3, 3, 9, tzinfo=UTC)


def _at(hours: int) -> str:
    # isoformat drops a zero microsecond: some stored times carry them, some do not.
    return (START + timedelta(hours=hours, microseconds=hours % 2)).isoformat()


# Mostly ended allocations, so stretches of several overlapping ones are common.
span = st.tuples(st.integers(0, 12), st.one_of(st.integers(0, 6), st.integers(0, 6), st.none()))
# Mostly one case, so one case often has several allocations.
allocations = st.lists(st.tuples(st.sampled_from("aaab"), span), max_size=8)


def _rows(spec: list[tuple[str, tuple[int, int | None]]]) -> list[TeamAllocation]:
    return [
        TeamAllocation(case, f"alloc-{n:02}", _at(start), None if length is None
                       else _at(start + length))
        for n, (case, (start, length)) in enumerate(spec)
    ]  # fmt: skip


def _stated(rows: list[TeamAllocation]) -> tuple[dict[str, str], list[str]]:
    live: dict[str, str] = {}
    left: list[str] = []
    for case in sorted({row.case_id for row in rows}):
        mine = sorted(
            (datetime.fromisoformat(r.allocated_at), r.allocation_id, r) for r in rows
            if r.case_id == case
        )  # fmt: skip
        if all(r.ended_at is not None for *_, r in mine):
            left.append(case)
            continue
        starts = [
            ident for i, (began, ident, _) in enumerate(mine)
            if all(e.ended_at is not None and datetime.fromisoformat(e.ended_at) <= began
                   for *_, e in mine[:i])
        ]  # fmt: skip
        live[case] = starts[-1]
    return live, left


@settings(max_examples=1000)
@given(allocations)
# A short allocation inside a long one: the stretch lasts until the long one ends.
@example([("a", (0, 6)), ("a", (1, 1)), ("a", (3, None))])
def test_the_stretch_is_the_latest_allocation_made_when_none_was_live(
    spec: list[tuple[str, tuple[int, int | None]]],
) -> None:
    rows = _rows(spec)
    held = team_caseload(rows)
    assert (held.live, held.left) == _stated(rows)


def test_moving_a_case_within_the_team_keeps_its_id_and_a_gap_changes_it() -> None:
    within = _rows([("a", (0, 3)), ("a", (2, None))])
    assert team_caseload(within).live == {"a": "alloc-00"}
    # Ended at the very hour the next began: a pull may have seen the case leave.
    touching = _rows([("a", (0, 2)), ("a", (2, None))])
    assert team_caseload(touching).live == {"a": "alloc-01"}
    gone = _rows([("a", (0, 2))])
    assert (team_caseload(gone).live, team_caseload(gone).left) == ({}, ["a"])
