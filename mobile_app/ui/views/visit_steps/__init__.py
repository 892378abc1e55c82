"""The steps of the visit screen, one component each, in the order of DOMAIN.md section 6."""
