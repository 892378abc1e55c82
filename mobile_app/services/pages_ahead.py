"""Pull pages one ahead: the next page downloads while the device stores this one.

A first pull is a run of pages, each needing the server (query, network) and then the device
(validation, sealing, SQLite). Asking for page k+1 as soon as page k says where it ends lets
the two overlap; the device still stores pages strictly in order, each with its cursor in one
transaction, so an interrupted pull loses nothing. Only one request is ever in flight, so the
client is never used by two threads at once.
"""

from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING

from shared.protocol import PullResponse

if TYPE_CHECKING:
    from mobile_app.sync_client import SyncClient


class PagesAhead:
    """Fetches pull pages, at most one of them ahead of the caller."""

    def __init__(self, client: "SyncClient", page_size: int) -> None:
        self._client = client
        self._page_size = page_size
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull-ahead")
        self._ahead: tuple[int, Future[PullResponse]] | None = None

    def fetch(self, cursor: int) -> PullResponse:
        """Return the page after `cursor`: the one fetched ahead when it is for this cursor."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            wanted, future = ahead
            if wanted == cursor:
                return future.result()  # its errors (unreachable, refused) surface here
            _settle(future)  # for another cursor (the pull went back to 0): not used
        return self._client.pull(cursor, self._page_size)

    def fetch_ahead(self, cursor: int) -> None:
        """Start downloading the page after `cursor` in the background."""
        if self._ahead is not None:
            _settle(self._ahead[1])
        self._ahead = (cursor, self._pool.submit(self._client.pull, cursor, self._page_size))

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


def _settle(future: "Future[PullResponse]") -> None:
    """Wait for an unused page; a failure to fetch it matters to no one."""
    future.exception()
