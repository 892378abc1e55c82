"""Synthetic demo data (never about real people): practitioners, three families modelled on the
case studies, and their allocations, seeded once per database through the ordinary services.

It sits beside the controllers, above the services: the app seeds it at start-up when asked
(`--demo`), and nothing in the services depends on it.
"""

from sync_server.demo.seed import DemoSeed, DemoService
from sync_server.services import ServiceContainer


def seed_demo(services: ServiceContainer, password: str) -> DemoSeed:
    """Seed the demo data once (every demo practitioner signs in with password)."""
    return DemoService(services.repository, services.auth, services.sync, services.audit).seed(
        password
    )


__all__ = ["DemoSeed", "DemoService", "seed_demo"]
