"""Where a handler runs a blocking service call: in a worker thread, or on the event loop.

The services and repository are synchronous. On PostgreSQL (a pool of connections, each
thread's transaction its own) a push or pull runs in a worker thread, so a push waiting for
the write lock does not stall the other requests the process is serving. The threads are
bounded below the pool's size, so requests queue here for a thread rather than time out
waiting for a connection, and the event loop (which still authenticates callers) always
finds one free. On SQLite (one connection, one caller at a time) the call runs inline, as
before (docs/architecture.md, Concurrency).
"""

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio
import anyio.to_thread

P = ParamSpec("P")
T = TypeVar("T")


class Offload:
    """Run blocking service calls on at most `threads` worker threads (0: inline)."""

    def __init__(self, threads: int) -> None:
        # Created before the event loop runs: anyio binds the limiter on first use.
        self._limiter = anyio.CapacityLimiter(threads) if threads > 0 else None

    @classmethod
    def for_callers(cls, concurrent_callers: int) -> "Offload":
        """One thread fewer than the callers the repository serves at once (one connection
        stays for the event loop's own queries); inline when it serves one at a time."""
        return cls(concurrent_callers - 1 if concurrent_callers > 1 else 0)

    @property
    def threads(self) -> int:
        """How many calls may run at once in worker threads (0: every call runs inline)."""
        return int(self._limiter.total_tokens) if self._limiter else 0

    async def __call__(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Return fn(*args, **kwargs), run in a worker thread when threads are allowed."""
        if self._limiter is None:
            return fn(*args, **kwargs)
        # anyio runs fn in a copy of this context: a transaction it opens (a context
        # variable) stays its own. Not abandoned on cancel: a push always finishes its commit.
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs), limiter=self._limiter)
