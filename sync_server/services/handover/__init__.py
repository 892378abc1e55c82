"""Handover: transfers within the authority, transfer packs and PDFs, exports, and signed
bundles to and from another authority's server.

Import from the modules themselves; this package only names the capability.
"""
