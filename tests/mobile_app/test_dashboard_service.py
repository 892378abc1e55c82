"""The team dashboard on the device: the server's figures as sent, this device's own stale
drafts in place of the figure the server cannot know, and nothing at all when offline.

A real store in tmp_path; httpx.MockTransport stands in for the network (the server's side is
tested in tests/sync_server)."""

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from mobile_app.errors import ServerFault, ServerRefused
from mobile_app.services.supervision.dashboard import (
    NEEDS_CONNECTION,
    OUTSIDE_CASELOAD,
    TEAM_NAMES,
    THIS_DEVICE_ONLY,
    DashboardService,
)
from mobile_app.services.visits.drafts import DraftService
from mobile_app.store import DeviceStore
from mobile_app.sync_client import SyncClient
from shared.ids import new_id
from shared.rules.timeliness import PeriodTimeliness
from shared.supervision.dashboard import FigureKey
from shared.vocabulary import VisitType

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def dashboard_json(known_child: str, unknown_child: str, as_of: datetime = NOW) -> str:
    """A dashboard as GET /review/dashboard sends it: one overdue visit for each child."""
    overdue = [
        {
            "child_ids": [c],
            "record_ids": [f"rec-{n}"],
            "detail": "Visit overdue.",
            "due": "2026-11-10",
        }
        for n, c in enumerate((known_child, unknown_child))
    ]
    figures: list[dict[str, object]] = [
        {"key": key.value, "known_to_server": True, "count": 0, "items": []} for key in FigureKey
    ]
    figures[0] = {"key": "visits_overdue", "known_to_server": True, "count": 2, "items": overdue}
    # The server cannot know drafts: it sends no count and says why.
    stale = list(FigureKey).index(FigureKey.STALE_DRAFTS)
    figures[stale] = {
        "key": FigureKey.STALE_DRAFTS.value,
        "known_to_server": False,
        "count": None,
        "items": [],
        "note": "Server has none.",
    }
    silent = list(FigureKey).index(FigureKey.UNSYNCED_DEVICES)
    device = {"record_ids": ["dev-1"], "practitioner_id": "prac-1", "detail": "Never synced."}
    figures[silent] = {**figures[silent], "count": 1, "items": [device]}
    period = {"standard": 0.8}
    periods = [
        PeriodTimeliness(
            period="2026-09",
            due=4,
            on_time=4,
            late=0,
            pending=0,
            share_on_time=1.0,
            meets_standard=True,
            **period,
        ),
        PeriodTimeliness(
            period="2026-10",
            due=4,
            on_time=2,
            late=2,
            pending=0,
            share_on_time=0.5,
            meets_standard=False,
            **period,
        ),
    ]
    return json.dumps(
        {
            "as_of": as_of.isoformat(),
            "team": "North",
            "figures": figures,
            "paperwork": {
                "on_time": 6,
                "late": 2,
                "pending": 0,
                "share_on_time": 0.75,
                "standard": 0.8,
                "meets_standard": False,
                "periods": [p.model_dump(mode="json") for p in periods],
                "late_meeting_ids": ["m1", "m2"],
            },
            "names": {"prac-1": "Jo Bloggs"},
        }
    )


def client(handler: object) -> SyncClient:
    return SyncClient("http://doorstep.test", token="t", transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def answering(text: str, status: int = 200) -> SyncClient:
    return client(lambda r: httpx.Response(status, text=text))


def test_the_client_reads_the_dashboard_and_sends_the_token() -> None:
    seen: list[tuple[str, str]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get("authorization", "")))
        return httpx.Response(200, text=dashboard_json("a", "b"))

    answer = client(record).dashboard()
    assert seen == [("/review/dashboard", "Bearer t")]
    assert answer.team == "North"
    assert answer.figures[0].count == 2
    assert answer.paperwork.periods[1].share_on_time == 0.5


def test_a_broken_dashboard_is_a_fault_and_a_refusal_keeps_its_reason() -> None:
    with pytest.raises(ServerFault, match="could not be read"):
        answering('{"as_of": "2026-11-20T12:00:00Z", "team": "North"}').dashboard()
    body = '{"code": "forbidden", "message": "Only a team supervisor sees the dashboard."}'
    with pytest.raises(ServerRefused, match="Only a team supervisor") as caught:
        answering(body, 403).dashboard()
    assert caught.value.status == 403


def test_offline_shows_nothing_but_the_need_for_a_connection(store: DeviceStore) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    view = DashboardService(store).load(client(refuse), NOW, {})
    assert not view.online
    assert view.message == NEEDS_CONNECTION
    assert view.figures == ()
    assert view.paperwork is None


def test_children_are_named_only_when_this_device_holds_them(store: DeviceStore) -> None:
    known, unknown = new_id(), new_id()
    view = DashboardService(store).load(
        answering(dashboard_json(known, unknown)), NOW, {known: "Poppy Quarmby"}
    )
    overdue = view.figure(FigureKey.VISITS_OVERDUE)
    assert overdue is not None
    assert overdue.count == 2
    assert [line.about for line in overdue.lines] == ["Poppy Quarmby", OUTSIDE_CASELOAD]
    assert overdue.lines[0].record_ids == ("rec-0",)
    assert view.paperwork is not None
    assert view.paperwork.share_on_time == 0.75


def test_drafts_older_than_a_day_come_from_this_device(store: DeviceStore) -> None:
    drafts = DraftService(store)
    child = new_id()
    old = drafts.start(new_id(), child, VisitType.TARGETED, now=NOW - timedelta(hours=30))
    drafts.start(new_id(), child, VisitType.TARGETED, now=NOW - timedelta(hours=2))
    view = DashboardService(store).load(answering(dashboard_json("a", "b")), NOW, {child: "Alfie"})
    figure = view.figure(FigureKey.STALE_DRAFTS)
    assert figure is not None
    assert figure.count == 1  # not the server's "not known", and not the two-hour-old draft
    assert figure.note == THIS_DEVICE_ONLY
    assert figure.lines[0].record_ids == (old.draft_id,)
    assert figure.lines[0].about == "Alfie"
    assert "not finalised" in figure.lines[0].detail


def test_a_silent_device_is_named_with_its_user_not_as_a_child(store: DeviceStore) -> None:
    view = DashboardService(store).load(answering(dashboard_json("a", "b")), NOW, {})
    devices = view.figure(FigureKey.UNSYNCED_DEVICES)
    assert devices is not None
    assert devices.count == 1
    assert devices.lines[0].about == "A device of Jo Bloggs"  # never its id, nor its user's
    assert devices.lines[0].detail == "Never synced."
    assert view.paperwork is not None
    # Meetings this device does not hold are said as such, never by their ids.
    assert (
        view.paperwork.late_meetings
        == ("A conference about a child outside this device's caseload",) * 2
    )


def test_the_team_names_are_kept_sealed_for_the_review_queue(store: DeviceStore) -> None:
    DashboardService(store).load(answering(dashboard_json("a", "b")), NOW, {})
    assert store.settings.get(TEAM_NAMES) == {"prac-1": "Jo Bloggs"}
