"""How long each side keeps an idle HTTP connection open: the client always lets go first.

A device reuses a pooled connection for its next request. If the server closed that connection
at the same moment (both sides used to idle out at about 5 s), the request goes into a closed
socket and fails with a read error. With the device's keep-alive well under the server's, the
device drops an idle connection before the server does, so that race cannot happen; the device
still retries an idempotent request once on a fresh connection if a reused one fails
(mobile_app.sync_client).
"""

SERVER_KEEPALIVE_S = 20  # uvicorn's timeout_keep_alive (sync_server/__main__.py)
CLIENT_KEEPALIVE_S = 5.0  # httpx keepalive_expiry (mobile_app/sync_client.py)
