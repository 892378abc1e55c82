"""Sync on the device: push then pull, pages ahead, the background run, conflicts and
refusals, set-aside records, the offline window and the corrected clock.

Import from the modules themselves; this package only names the capability.
"""
