"""Handover on the device: forwarding refused records after a transfer, and server PDFs.

Import from the modules themselves; this package only names the capability.
"""
