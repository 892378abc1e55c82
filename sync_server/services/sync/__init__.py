"""Sync: decoding pushes, the push rules, ingest inside one transaction, outcomes, pulls.

Import from the modules themselves; this package only names the capability.
"""
