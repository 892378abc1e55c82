"""`status` starts quickly with no network: it loads neither the HTTP client nor the sync engine
(with its drafts and bank-holiday calendars), which only `sync` and `login` use."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mobile_app.store import DeviceStore

# What `status` never uses; each costs start-up time on a phone.
NOT_FOR_STATUS = {
    "httpx",
    "mobile_app.sync_client",
    "mobile_app.services.sync.sync",
    "holidays",
    "flet",
}
ROOT = Path(__file__).resolve().parents[2]


def test_status_loads_neither_the_http_client_nor_the_sync_engine(
    store: DeviceStore, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()  # set up (fast KDF); the child process unlocks it, as the CLI does
    monkeypatch.setenv("DOORSTEP_PASSPHRASE", "amber-kettle-orchard-7")
    code = (
        "import json, sys\n"
        "from mobile_app.cli import main\n"
        f"status = main(['--data', {str(data_dir)!r}, 'status'])\n"
        "import mobile_app.services.sync.set_aside, mobile_app.services.sync.issues\n"
        "print(json.dumps([status, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    status, modules = json.loads(done.stdout.splitlines()[-1])
    assert status == 2  # unlocked, then: not signed in yet (the same modules as signed in)
    assert "mobile_app.services.caseload.status" in modules
    assert NOT_FOR_STATUS & set(modules) == set()
