"""Use cases the UI and the headless CLI share: set up, sign in, record, sync."""
