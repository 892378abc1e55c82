"""Plans, meetings and notes written on the device.

Import from the modules themselves; this package only names the capability.
"""
