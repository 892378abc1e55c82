"""The entry point `flet build` packages: the Doorstep field app."""

import flet as ft

from mobile_app.ui.app import main

ft.run(main)
