"""`python -m mobile_app`: the Flet field app arrives with the field-app issue; until then the
headless device is `python -m mobile_app.cli`."""

import sys

from mobile_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
