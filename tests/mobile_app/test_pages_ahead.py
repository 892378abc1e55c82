"""Pulling one page ahead: every page is asked for once, stored in order with its cursor, and
a page that fails to arrive costs nothing already stored."""

import gc
import threading
from typing import ClassVar, cast

import httpx
import pytest

from mobile_app.errors import ServerFault, ServerUnreachable
from mobile_app.pull_page import PulledPage
from mobile_app.services.sync import sync as sync_module
from mobile_app.services.sync.pages_ahead import PagesAhead, cycles_uncollected
from mobile_app.services.sync.sync import SyncService
from mobile_app.store import DeviceStore
from mobile_app.sync_client import SyncClient
from shared.ids import new_id
from shared.protocol import PullResponse
from tests.mobile_app.conftest import pulled
from tests.mobile_app.test_sync_scope import CHILD, FakeServer

PAGE = 2


class PagedServer(FakeServer):
    """The fake server, recording which threads asked and failing on a chosen cursor."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_at: int | None = None
        self.threads: set[str] = set()
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def pull(self, cursor: int, limit: int = 500) -> PullResponse:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.threads.add(threading.current_thread().name)
            if cursor == self.fail_at:
                self.pulls.append(cursor)
                raise ServerUnreachable("The connection dropped.")
            return super().pull(cursor, limit)
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> PagedServer:
    """A server holding one family of five children: three pages of two, one of none."""
    monkeypatch.setattr(sync_module, "PULL_PAGE", PAGE)
    paged = PagedServer()
    paged.add_case(5)
    return paged


def pull(store: DeviceStore, server: PagedServer) -> int:
    return SyncService(store, cast(SyncClient, server)).sync().pulled


def test_each_page_is_asked_for_once_in_order_and_all_are_stored(
    store: DeviceStore, server: PagedServer
) -> None:
    assert pull(store, server) == 6
    assert server.pulls == [0, 2, 4]  # no page twice, none skipped
    assert server.most_in_flight == 1  # one request at a time: the client is never shared
    assert any(name.startswith("pull-ahead") for name in server.threads)
    assert store.cursor.get() == 6
    assert [row.server_seq for row in store.records.rows()] == [1, 2, 3, 4, 5, 6]


def test_a_page_that_fails_to_arrive_keeps_the_pages_before_it(
    store: DeviceStore, server: PagedServer
) -> None:
    server.fail_at = 4
    with pytest.raises(ServerUnreachable):
        pull(store, server)
    assert store.cursor.get() == 4  # the first two pages, each with its cursor
    assert len(store.records.rows()) == 4

    server.fail_at = None
    server.pulls.clear()
    assert pull(store, server) == 2
    assert server.pulls == [4]  # resumed where the stored cursor stood


def test_a_page_fetched_ahead_for_another_cursor_is_not_used(server: PagedServer) -> None:
    with PagesAhead(cast(SyncClient, server), PAGE) as pages:
        pages.fetch_ahead(2)
        page = pages.fetch(0)  # the pull went back to 0: the page after 2 is dropped
    assert [v.server_seq for v in page.items] == [1, 2]
    assert sorted(server.pulls) == [0, 2]


def test_a_failed_page_nobody_uses_is_not_reported(server: PagedServer) -> None:
    server.fail_at = 2
    pages = PagesAhead(cast(SyncClient, server), PAGE)
    pages.fetch_ahead(2)
    pages.close()  # no error: the failure concerned a page no one asked for
    assert server.pulls == [2]


def test_more_pages_arrive_after_the_first_sync(store: DeviceStore, server: PagedServer) -> None:
    pull(store, server)
    case_id = next(iter(server.allocations))
    for _ in range(3):
        server.versions.append(pulled(case_id, new_id(), CHILD, len(server.versions) + 1))
    server.pulls.clear()
    assert pull(store, server) == 3
    assert server.pulls == [6, 8]


class ThreadNoting(SyncClient):
    """The real client over a stand-in network, noting which thread reads each page."""

    readers: ClassVar[list[str]] = []

    @staticmethod
    def read_pull(body: bytes) -> PulledPage:
        ThreadNoting.readers.append(threading.current_thread().name)
        return SyncClient.read_pull(body)


def test_the_thread_ahead_only_downloads_and_the_caller_reads(server: PagedServer) -> None:
    downloaders: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        downloaders.append(threading.current_thread().name)
        cursor = int(request.url.params["cursor"])
        if cursor == 2:
            return httpx.Response(200, content=b'{"items": [{"planted": 1}]}')
        return httpx.Response(200, content=server.pull(cursor, PAGE).model_dump_json().encode())

    ThreadNoting.readers = []
    client = ThreadNoting("http://doorstep.test", transport=httpx.MockTransport(answer))
    with client, PagesAhead(client, PAGE) as pages:
        pages.fetch_ahead(0)
        first = pages.fetch(0)
        pages.fetch_ahead(2)
        with pytest.raises(ServerFault, match="could not be read"):
            pages.fetch(2)  # a bad page downloaded ahead is refused when it is read
    assert [v.server_seq for v in first.items] == [1, 2]
    assert all(name.startswith("pull-ahead") for name in downloaders)
    assert ThreadNoting.readers == [threading.main_thread().name] * 2


class CollectorNoting(PagedServer):
    """The fake server, noting whether the cycle collector ran while each page was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.collecting: list[bool] = []

    def pull(self, cursor: int, limit: int = 500) -> PullResponse:
        self.collecting.append(gc.isenabled())
        return super().pull(cursor, limit)


def test_the_cycle_collector_pauses_only_while_pages_are_pulled(
    store: DeviceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "PULL_PAGE", PAGE)
    server = CollectorNoting()
    server.add_case(5)
    assert gc.isenabled()
    assert pull(store, server) == 6
    assert server.collecting == [False, False, False]
    assert gc.isenabled()  # on again after the pull


def test_the_collector_comes_back_after_a_failed_pull_and_stays_off_if_it_was() -> None:
    seen: list[bool] = []

    def failing_pull() -> None:
        with cycles_uncollected():
            seen.append(gc.isenabled())
            raise ServerUnreachable("The connection dropped.")

    with pytest.raises(ServerUnreachable):
        failing_pull()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        with cycles_uncollected():
            pass
        assert not gc.isenabled()  # someone else turned it off: theirs to turn on
    finally:
        gc.enable()


def test_the_page_waited_for_is_small_and_the_pages_ahead_full(
    store: DeviceStore, server: PagedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "PULL_FIRST_PAGE", 1)
    assert pull(store, server) == 6
    assert server.pulls == [0, 1, 3, 5]  # one version first, then pages of two
    assert [row.server_seq for row in store.records.rows()] == [1, 2, 3, 4, 5, 6]
    assert store.cursor.get() == 6


def test_a_page_waited_for_is_never_larger_than_a_page(server: PagedServer) -> None:
    with PagesAhead(cast(SyncClient, server), PAGE, waited_size=50) as pages:
        assert len(pages.fetch(0).items) == PAGE
