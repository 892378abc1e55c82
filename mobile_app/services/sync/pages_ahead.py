"""Pull pages one ahead: the next page downloads while the device stores this one.

A first pull is a run of pages, each needing the server (query, network) and then the device
(validation, sealing, SQLite). Asking for page k+1 as soon as page k says where it ends lets
the two overlap; the device still stores pages strictly in order, each with its cursor in one
transaction, so an interrupted pull loses nothing. Only one request is ever in flight, so the
client is never used by two threads at once.

The thread ahead only downloads; the page is read (validated) on the thread that stores it.
Both are Python work under one interpreter lock: reading ahead made the storing thread wait
for the lock at every SQLite step, where a download mostly waits on the network without it.
"""

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from shared.protocol import PullResponse

if TYPE_CHECKING:
    from mobile_app.sync_client import SyncClient


@runtime_checkable
class SplitPull(Protocol):
    """A client that downloads a pull page and reads it in two steps (SyncClient does)."""

    def pull_body(self, cursor: int, limit: int) -> bytes:
        """Download the page after cursor, unread."""
        ...

    def read_pull(self, body: bytes) -> PullResponse:
        """Read (validate) a downloaded page."""
        ...


class PagesAhead:
    """Fetches pull pages, at most one of them ahead of the caller."""

    def __init__(self, client: "SyncClient", page_size: int, waited_size: int = 0) -> None:
        """Pages fetched ahead hold `page_size` versions; a page the caller waits for with
        nothing to overlap (the first, or one after the pull went back) holds `waited_size`
        (page_size if 0): a small one arrives sooner, and storing it overlaps the next."""
        self._download: Callable[[int, int], Any] = client.pull
        self._read: Callable[[Any], PullResponse] = _as_read
        if isinstance(client, SplitPull):
            self._download, self._read = client.pull_body, client.read_pull
        self._page_size = page_size
        self._waited_size = min(waited_size or page_size, page_size)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-ahead")
        self._ahead: tuple[int, Future[Any]] | None = None

    def fetch(self, cursor: int) -> PullResponse:
        """Return the page after `cursor`: the one fetched ahead when it is for this cursor."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            wanted, future = ahead
            if wanted == cursor:
                return self._read(future.result())  # its errors surface here
            _settle(future)  # for another cursor (the pull went back to 0): not used
        return self._read(self._download(cursor, self._waited_size))

    def fetch_ahead(self, cursor: int) -> None:
        """Start downloading the page after `cursor` in the background."""
        if self._ahead is not None:
            _settle(self._ahead[1])
        self._ahead = (cursor, self._pool.submit(self._download, cursor, self._page_size))

    def close(self) -> None:
        """Wait for a page still downloading (its result unused), then stop the thread."""
        if self._ahead is not None:
            _settle(self._ahead[1])
            self._ahead = None
        self._pool.shutdown(wait=True)

    def __enter__(self) -> "PagesAhead":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _as_read(page: PullResponse) -> PullResponse:
    """A client that only has pull() hands over pages already read."""
    return page


def _settle(future: "Future[Any]") -> None:
    """Wait for an unused page; a failure to fetch it matters to no one."""
    future.exception()


@contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (a pull's pages).

    A page's thousand validated versions live until the page is stored, so the collector,
    triggered by allocation counts, walked them again and again: 7-20% of a first pull's
    CPU (more when a full collection fell in it), for nothing: a pull leaves almost no
    cyclic garbage (a few dozen objects for 10,000 versions), and everything else is freed
    by reference counting as usual. The
    collector runs again after the block as it did before it (never enabled by this if
    something else had turned it off).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
