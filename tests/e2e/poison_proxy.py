"""A loopback HTTP proxy in front of the real server that answers 500 to any push carrying a
poisoned version id, and forwards everything else unchanged (one connection per request)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class PoisonProxy:
    """Forwards to the server at target_url; a push naming a poisoned id gets HTTP 500."""

    def __init__(self, target_url: str) -> None:
        self.poisoned: set[str] = set()
        self.refused = 0  # pushes answered 500
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self, b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/sync/push" and any(v.encode() in body for v in proxy.poisoned):
                    proxy.refused += 1
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                proxy.forward(self, body)

            def log_message(self, *_: object) -> None:
                return  # request lines name ids: keep them out of the test output

        self._http = httpx.Client(base_url=target_url, timeout=30)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        """Send the request on to the server and its answer back."""
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        answer = self._http.request(handler.command, handler.path, headers=headers, content=body)
        handler.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in _HOP_BY_HOP and key.lower() != "content-encoding":
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    def start(self) -> "PoisonProxy":
        """Serve on a background thread."""
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._http.close()
