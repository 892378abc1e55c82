"""`python -m mobile_app` runs the Flet field app (the headless device is mobile_app.cli)."""

from mobile_app.ui.app import run

if __name__ == "__main__":
    run()
