"""Doorstep field app: offline, encrypted capture on a practitioner's device."""
