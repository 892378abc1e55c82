"""A loopback TCP proxy in front of the real server that can break a connection part-way.

Devices talk to `proxy.url` instead of the server. Faults are planned per connection, counted
from the next one accepted: cut a stream after N bytes going up (request) or down (response),
or run an action at that point (to kill the server while a push is in flight). A
device that sends `Connection: close` opens one connection per request, so "the second
connection from now" is the second request of its next sync.

Given several server ports it balances round-robin, one connection to the next port, as a
load balancer in front of several server processes; a port that refuses (its process is
down) is skipped for the next, as a balancer's health check would.
"""

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

_CHUNK = 16_384


class Direction(StrEnum):
    """Which stream of a connection a fault applies to."""

    UPSTREAM = "upstream"  # device -> server: the request
    DOWNSTREAM = "downstream"  # server -> device: the response


@dataclass(frozen=True)
class Fault:
    """What to do to one stream of one connection once `after_bytes` of it have gone through.

    `action` (if any) runs at that point, before anything more is forwarded; then, if `cut`,
    both sides of the connection are closed. Zero bytes acts before the first byte.
    """

    direction: Direction
    after_bytes: int
    action: Callable[[], None] | None = None
    cut: bool = True


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the target ports in turn, one thread pair per connection."""

    def __init__(self, *target_ports: int) -> None:
        self._target_ports = target_ports
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._planned: dict[int, Fault] = {}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.accepted = 0
        self.cuts_made = 0

    @property
    def url(self) -> str:
        """The base URL devices use to reach the server through this proxy."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "TcpProxy":
        """Start accepting connections in a background thread."""
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        """Stop accepting, close the listener and wait for the accept thread."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    @property
    def next_target(self) -> int:
        """The index of the target port the next connection goes to (if it answers)."""
        with self._lock:
            return self.accepted % len(self._target_ports)

    def plan(self, fault: Fault, connection: int = 0) -> None:
        """Apply `fault` to a coming connection: 0 is the next one accepted, 1 the one after."""
        with self._lock:
            self._planned[self.accepted + connection] = fault

    def clear(self) -> None:
        """Drop every fault not yet applied."""
        with self._lock:
            self._planned.clear()

    def cut_next_response(self, after_bytes: int) -> None:
        """Cut the next connection mid-response, after `after_bytes` of it."""
        self.plan(Fault(Direction.DOWNSTREAM, after_bytes))

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                fault = self._planned.pop(self.accepted, None)
                first = self.accepted
                self.accepted += 1
            server = self._connect(first)
            if server is None:
                client.close()  # every server is down: the device sees a refused connection
                continue
            link = _Link(client, server, fault, self)
            threading.Thread(target=link.pump_up, daemon=True).start()
            threading.Thread(target=link.pump_down, daemon=True).start()

    def _connect(self, turn: int) -> socket.socket | None:
        """Connect to the target whose turn it is, else the next that answers."""
        ports = self._target_ports
        for port in (ports[(turn + n) % len(ports)] for n in range(len(ports))):
            try:
                server = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                continue
            server.settimeout(None)
            return server
        return None

    def count_cut(self) -> None:
        """Note that a fault closed a connection."""
        with self._lock:
            self.cuts_made += 1


class _Link:
    """One proxied connection: two pumps and the fault planned for it, if any."""

    def __init__(
        self, client: socket.socket, server: socket.socket, fault: Fault | None, proxy: TcpProxy
    ) -> None:
        self._client, self._server, self._fault, self._proxy = client, server, fault, proxy
        self._closed = threading.Event()
        self._close_lock = threading.Lock()

    def pump_up(self) -> None:
        """Forward the device's bytes to the server until either side closes."""
        self._pump(self._client, self._server, Direction.UPSTREAM)

    def pump_down(self) -> None:
        """Forward the server's bytes to the device until either side closes."""
        self._pump(self._server, self._client, Direction.DOWNSTREAM)

    def _pump(self, source: socket.socket, sink: socket.socket, direction: Direction) -> None:
        fault = self._fault if self._fault and self._fault.direction == direction else None
        forwarded = 0
        try:
            while data := source.recv(_CHUNK):
                if fault is not None and forwarded + len(data) >= fault.after_bytes:
                    head = fault.after_bytes - forwarded
                    sink.sendall(data[:head])
                    if fault.action is not None:
                        fault.action()
                    if fault.cut:
                        self._proxy.count_cut()
                        break
                    data, forwarded, fault = data[head:], fault.after_bytes, None
                sink.sendall(data)
                forwarded += len(data)
        except OSError:
            pass  # the other side went away: close both below
        self._close_both()

    def _close_both(self) -> None:
        with self._close_lock:
            if self._closed.is_set():
                return
            self._closed.set()
        for sock in (self._client, self._server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
