"""Settings for the whole test run."""

import logging

# flet logs "Session was garbage collected" at INFO whenever the collector gets to a session,
# often after pytest's summary: keep the run's last line pytest's own.
logging.getLogger("flet").setLevel(logging.WARNING)
