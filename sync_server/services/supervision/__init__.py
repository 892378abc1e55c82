"""Supervision: the review queue, review decisions and the team dashboard.

Import from the modules themselves; this package only names the capability.
"""
