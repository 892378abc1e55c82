"""Chronologies on the device: merged entries, record history, same-event links, alerts,
decision prompts and trends, all from what the device holds.

Import from the modules themselves; this package only names the capability.
"""
