"""Home visits on the device: drafts kept sealed, the doorstep facts, gaps, read-back,
finalising, amendments and when the next visit is due.

Import from the modules themselves; this package only names the capability.
"""
