"""A loopback TCP proxy whose first connection dies as a kept-alive connection does when the
server closes it idle: the device's next request on it gets no answer.

`lose="request"`: the server side is closed as the second request arrives (nothing of it is
sent on), as when the server's keep-alive ran out at the same moment. `lose="answer"`: the
second request reaches the server, which stores it, and its answer is lost. Later connections
are forwarded untouched.
"""

import contextlib
import socket
import threading
from typing import Literal

_CHUNK = 16_384


class IdleCloseProxy:
    """Forwards 127.0.0.1:<port> to the target port; breaks the first connection's 2nd request."""

    def __init__(self, target_port: int, lose: Literal["request", "answer"]) -> None:
        self._target_port = target_port
        self.lose = lose
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._stopping = threading.Event()
        self.accepted = 0
        self.cuts = 0

    @property
    def url(self) -> str:
        """The base URL devices use to reach the server through this proxy."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "IdleCloseProxy":
        """Accept connections on a background thread."""
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop accepting and close the listener."""
        self._stopping.set()
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                device, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self._target_port), timeout=5)
            server.settimeout(None)
            first = self.accepted == 0
            self.accepted += 1
            _Link(device, server, self if first else None).start()

    def cut(self) -> None:
        """Note that the first connection was broken."""
        self.cuts += 1


class _Link:
    """One proxied connection; with a proxy to report to, it breaks its second exchange."""

    def __init__(
        self, device: socket.socket, server: socket.socket, breaker: IdleCloseProxy | None
    ) -> None:
        self._device, self._server, self._breaker = device, server, breaker
        self._lock = threading.Lock()
        self._requests = 0  # requests begun on this connection
        self._answered = False  # the server answered since the last request began

    def start(self) -> None:
        threading.Thread(target=self._up, daemon=True).start()
        threading.Thread(target=self._down, daemon=True).start()

    def _breaks(self, lose: str) -> bool:
        return self._breaker is not None and self._breaker.lose == lose and self._requests == 2

    def _up(self) -> None:
        try:
            while data := self._device.recv(_CHUNK):
                with self._lock:
                    if self._requests == 0 or self._answered:
                        self._requests, self._answered = self._requests + 1, False
                    breaking = self._breaks("request")
                if breaking and self._breaker is not None:
                    self._breaker.cut()
                    break
                self._server.sendall(data)
        except OSError:
            pass
        self._close()

    def _down(self) -> None:
        try:
            while data := self._server.recv(_CHUNK):
                with self._lock:
                    self._answered = True
                    breaking = self._breaks("answer")
                if breaking and self._breaker is not None:
                    self._breaker.cut()
                    break
                self._device.sendall(data)
        except OSError:
            pass
        self._close()

    def _close(self) -> None:
        for sock in (self._device, self._server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
