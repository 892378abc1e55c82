"""The device's own security: the signed-in account, the unlocked session, auto-lock,
passphrase strength, wipe and withdrawal.

Import from the modules themselves; this package only names the capability.
"""
