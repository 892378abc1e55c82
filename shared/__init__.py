"""Doorstep's shared package: the records, the checklist and the sync protocol.

Both the field app and the sync server import this package; it imports neither of them,
only the standard library and pydantic.
"""
