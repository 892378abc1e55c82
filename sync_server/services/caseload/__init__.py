"""Caseloads: importing families and children, adding practitioners, allocating cases.

Import from the modules themselves; this package only names the capability.
"""
