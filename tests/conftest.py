"""Settings for the whole test run."""

import logging
from pathlib import Path

import pytest

# The throwaway PostgreSQL server and its per-test databases (postgres_server, postgres_url).
pytest_plugins = ["tests.postgres_server"]

# flet logs "Session was garbage collected" at INFO whenever the collector gets to a session,
# often after pytest's summary: keep the run's last line pytest's own.
logging.getLogger("flet").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def _keystore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Device secrets of a test live in its own tmp folder (subprocesses inherit it)."""
    monkeypatch.setenv("DOORSTEP_KEYSTORE", str(tmp_path / "keystore"))
    monkeypatch.setenv("DOORSTEP_SIGNIN_KEY_FILE", str(tmp_path / "server-keys" / "signin.key"))
