"""Supervision on the device: the review queue, reading an item in full, decisions, dashboard.

Import from the modules themselves; this package only names the capability.
"""
