"""Chronologies: merged views per child and family, their filters, history, same-event links,
and the alerts and reports computed from current records.

Import from the modules themselves; this package only names the capability.
"""
