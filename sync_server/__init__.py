"""Doorstep's sync server: takes record versions from devices, hands allocated ones back.

`python -m sync_server` runs it; `sync_server.app.create_app(settings)` builds the app.
"""
