"""What the caseload and status screens show, read from the device with no network.

Import from the modules themselves; this package only names the capability.
"""
