"""How `pytest -n N` (pytest-xdist) shares the tests out among its workers.

A test file's tests run on one worker, in their order: a module-scoped fixture (a server
process, a generated client) is then built once, and a module whose later tests read what its
earlier ones did (test_revocation.py's audit chain) still holds. The browser tests all run on
one worker, one after another: each drives Chromium and app processes against a server, and
two at once on two cores slowed them past their waits (tried: the driver's typing then landed
twice in a box, and a flow failed). Files go out in collection order, not largest first: the
browser flows and the e2e files, the longest, start first, and the many short server files fill
the workers to the end.

(pytest-xdist's own `--dist loadgroup` would do the grouping by mark, but with pytest 9.2 its
groups are silently lost: pytest-dev/pytest-xdist#1386.)
"""

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

BROWSER = "tests/browser/"


class FileScheduling(LoadScopeScheduling):
    """xdist's scheduling by scope, a scope being a test file or the whole browser folder."""

    def __init__(self, config: pytest.Config, log: Producer | None = None) -> None:
        super().__init__(config, log)
        config.option.loadscopereorder = False  # collection order (see the module's doc)

    def _split_scope(self, nodeid: str) -> str:
        return BROWSER if nodeid.startswith(BROWSER) else nodeid.split("::", 1)[0]
