"""Ports on 127.0.0.1 for the servers the tests start as child processes.

Binding port 0 and closing the socket again ("ask the kernel for a free port") races: the
kernel hands the same ephemeral ports to every outgoing connection and to the next caller,
so another process can take the port before our server binds it. Once the suite runs on
several pytest-xdist workers, a worker's health check could then even be answered by
another worker's server. So each worker takes ports from a block of its own, below Linux's
ephemeral range (32768-60999, where no outgoing connection lands), starting at a random
place in its block (two test runs on one machine seldom meet), and skips a port that
anything on the machine holds.
"""

import os
import random
import socket
from itertools import count

FIRST = 20000  # the blocks: 20000-32499, below the ephemeral range
BLOCK = 500
BLOCKS = 25
_offsets = count(random.randrange(BLOCK))


def worker_block() -> int:
    """This process's block: one per pytest-xdist worker (gw0, gw1...), 0 without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0
    return index % BLOCKS


def free_port() -> int:
    """A port of this worker's block that nothing on the machine listens on or holds now."""
    start = FIRST + worker_block() * BLOCK
    for _ in range(BLOCK):
        port = start + next(_offsets) % BLOCK
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {start}-{start + BLOCK - 1}")
