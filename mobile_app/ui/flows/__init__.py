"""The flows: what each screen asks the app to do, one module per screen or task.

A flow reads and writes through the services, and changes what a screen shows only through
that screen's model (mobile_app/ui/screens.py, review_screens.py) or the app state's own
methods. `Flows` (wiring.py) builds them all around one AppController.
"""

from mobile_app.ui.flows.wiring import Flows

__all__ = ["Flows"]
