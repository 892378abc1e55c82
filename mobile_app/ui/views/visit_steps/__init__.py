"""The steps of the visit screen, one component each, in the order of docs/domain.md (How work
flows)."""
