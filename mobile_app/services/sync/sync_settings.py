"""The names of the settings a sync keeps: readable without loading the sync engine (`status`
prints the last sync time and must start quickly)."""

LAST_SYNC_SETTING = "last_sync_at"
READ_RULES_SETTING = "read_rules_generation"
