"""Two real server processes on one PostgreSQL database, behind one round-robin address.

The model-based sync test (tests/e2e/sync_model.py) runs against a ServerPair as against one
server: devices sign in and sync through a balancing TcpProxy, so consecutive connections
reach different processes; the fault proxy balances across both as well, and a kill hits the
process its next connection reaches. While that process is down the other keeps serving:
the model's checks after the kill and the device's next sync go through the survivor, and
only then is the killed one started again.
"""

import subprocess
import time
from dataclasses import dataclass
from typing import ClassVar

from tests.e2e.quick_server import QuickServerProcess
from tests.e2e.sync_model import SyncModel
from tests.e2e.tcp_proxy import TcpProxy

DEATH_TIMEOUT_S = 10


@dataclass
class ServerPair:
    """Two QuickServerProcesses on one database, a balancer, and the fault proxy's turn."""

    servers: tuple[QuickServerProcess, QuickServerProcess]
    balancer: TcpProxy  # what devices and views use: plain round-robin, skipping a dead one
    faults: TcpProxy  # the model's fault proxy, balancing across the same two

    @property
    def url(self) -> str:
        """The balancer's address."""
        return self.balancer.url

    @property
    def process(self) -> "subprocess.Popen[bytes] | None":
        """The process the fault proxy's next connection reaches."""
        return self.servers[self.faults.next_target].process

    def dead(self) -> list[QuickServerProcess]:
        """The servers whose process has ended."""
        return [s for s in self.servers if s.process is None or s.process.poll() is not None]

    def wait_for_a_death(self) -> None:
        """Wait until a kill (perhaps on a timer) has taken one process down."""
        deadline = time.monotonic() + DEATH_TIMEOUT_S
        while not self.dead():
            assert time.monotonic() < deadline, "no server process died"
            time.sleep(0.01)

    def restart_after_kill(self) -> None:
        """Start every killed process again, on the same database and port."""
        for server in self.dead():
            server.restart_after_kill()


class PairSyncModel(SyncModel):
    """The same machine, with the other process serving while a killed one is down."""

    server: ClassVar[ServerPair]

    def after_kill(self) -> None:
        """Leave the killed process down: the checks read through the survivor."""
        self.server.wait_for_a_death()
        assert len(self.server.dead()) == 1

    def before_sync_after_kill(self, device: str) -> None:
        """The device syncs through the survivor alone, then the killed process restarts."""
        self.sync(device)
        self.tally["synced while the other process was down"] += 1
        self.server.restart_after_kill()
