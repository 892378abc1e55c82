"""Settings for the whole test run."""

import logging
from pathlib import Path

import pytest

# The throwaway PostgreSQL server and its per-test databases (postgres_server, postgres_url).
pytest_plugins = ["tests.postgres_server"]

# flet logs "Session was garbage collected" at INFO whenever the collector gets to a session,
# often after pytest's summary: keep the run's last line pytest's own.
logging.getLogger("flet").setLevel(logging.WARNING)

# Fixture scopes wider than a test: the tests that share one must run on one pytest-xdist
# worker (a session-scoped fixture is built once per worker, which is what it is for).
_SHARED_SCOPES = {"module", "package", "class"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (its loadgroup mode)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep together on one worker the tests that share something (`-n 2 --dist loadgroup`).

    The browser tests run one after another on one worker: each drives Chromium and app
    processes against a server, which two at once on two cores would slow past their waits,
    and they clear and fill one screenshots folder. A module whose tests share a
    module-scoped fixture (a server process, a generated client) runs on one worker, which
    builds it once. Every other test goes to whichever worker is free.
    """
    for item in items:
        group = _shared_by(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def _shared_by(item: pytest.Item) -> str | None:
    """The group of tests item must run with, or None when it may run anywhere."""
    if "browser" in item.path.parts:
        return "browser"
    # pytest keeps a test's fixtures in _fixtureinfo: no public API names their scopes.
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else ()
    if any(defs[-1].scope in _SHARED_SCOPES for defs in definitions):
        return item.nodeid.split("::")[0]
    return None


@pytest.fixture(autouse=True)
def _keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Device secrets of a test live in its own tmp folder (subprocesses inherit it)."""
    monkeypatch.setenv("DOORSTEP_KEYSTORE", str(tmp_path / "keystore"))
    monkeypatch.setenv("DOORSTEP_SIGNIN_KEY_FILE", str(tmp_path / "server-keys" / "signin.key"))
