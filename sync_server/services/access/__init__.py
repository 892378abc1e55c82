"""Access: sign-in, passwords and limits, who may see what (scope, partners, break-glass),
the audit trail and the server's own keys.

Import from the modules themselves; this package only names the capability.
"""
