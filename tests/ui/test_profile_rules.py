"""The alert thresholds in flet.toml ([doorstep.rules]) are the ones the app's screens use:
the caseload's alerts and the decision prompts (A6), not the spec's defaults."""

import dataclasses
from collections.abc import AsyncIterator

import pytest

from mobile_app.services.chronology.alerts import DeviceAlertService
from mobile_app.ui.controller import AppConfig
from shared.rules import AlertCode, RuleSettings
from tests.ui.conftest import Driver, FamilyIds, launch

SLOWER = RuleSettings(decision_within_working_days=10)


@pytest.fixture
async def configured(seeded: FamilyIds, config: AppConfig) -> AsyncIterator[Driver]:
    profile = config.profile.model_copy(update={"rules": SLOWER})
    driver = await launch(dataclasses.replace(config, profile=profile))
    await driver.unlock()
    yield driver
    driver.flows.app.device.lock()
    driver.fc.close()


def a6_due(driver: Driver, child_id: str, rules: RuleSettings) -> object:
    clock = driver.flows.app.config.clock
    found = DeviceAlertService(driver.store, rules, clock=clock).for_child(child_id)
    return next(a.due for a in found.alerts if a.code == AlertCode.A6)


async def test_the_caseload_alerts_use_the_profiles_thresholds(
    configured: Driver, seeded: FamilyIds
) -> None:
    overview = configured.state.overview
    row = overview.child(seeded.baby_id) if overview else None
    assert row is not None
    shown = next(a.due for a in row.alerts.alerts if a.code == AlertCode.A6)
    assert shown == a6_due(configured, seeded.baby_id, SLOWER)
    assert shown != a6_due(configured, seeded.baby_id, RuleSettings())


async def test_the_decision_prompts_use_the_profiles_thresholds(
    configured: Driver, seeded: FamilyIds
) -> None:
    configured.flows.decisions.open(seeded.baby_id)
    screen = configured.state.decision
    assert screen is not None
    assert screen.prompts
    assert screen.prompts[0].due == a6_due(configured, seeded.baby_id, SLOWER)
