"""flet.toml is validated at start-up, with a message naming the bad setting; its
[doorstep.rules] thresholds are the ones the device computes alerts with."""

import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from mobile_app.config import DEFAULT_PROFILE, load_profile
from mobile_app.errors import ConfigError
from mobile_app.services.chronology.alerts import DeviceAlertService
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.rules import AlertCode, RuleSettings
from tests.mobile_app.safeguarding_builders import CHRISTMAS_EVE, cp_family, injury, pulled


def profile_with(tmp_path: Path, doorstep: str = "", rules: str = "") -> Path:
    """The shipped profile with lines put at the top of [doorstep] and of [doorstep.rules]
    (a setting given twice is a TOML error, so a line replaces the shipped one of that key)."""
    added = {"[doorstep]": doorstep, "[doorstep.rules]": rules}
    keys = {ln.split(" =", maxsplit=1)[0] for ln in (doorstep + "\n" + rules).splitlines() if ln}
    out = []
    for line in DEFAULT_PROFILE.read_text().splitlines():
        if line.split(" =", maxsplit=1)[0] in keys:
            continue
        out.append(line)
        if added.get(line):
            out.append(added[line])
    path = tmp_path / "flet.toml"
    path.write_text("\n".join(out) + "\n")
    return path


def test_the_shipped_profile_is_valid() -> None:
    profile = load_profile(DEFAULT_PROFILE)
    assert profile.auto_lock_minutes <= 5
    assert str(profile.server_url).startswith("http")
    assert profile.allow_copy is False  # docs/domain.md (Governance): no clipboard


def test_the_shipped_rules_list_every_threshold_at_the_specs_default() -> None:
    """A threshold added to RuleSettings must be documented in flet.toml too."""
    table = tomllib.loads(DEFAULT_PROFILE.read_text())["doorstep"]["rules"]
    assert set(table) == set(RuleSettings.model_fields)
    assert load_profile(DEFAULT_PROFILE).rules == RuleSettings()


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("auto_lock_minutes = 30", "auto_lock_minutes"),
        ('server_url = "not a url"', "server_url"),
        ("offline_window_days = 0", "offline_window_days"),
        ('allow_copy = "perhaps"', "allow_copy"),
    ],
    ids=["lock too long", "bad url", "no offline window", "copy not a yes or no"],
)
def test_a_bad_setting_is_named(tmp_path: Path, line: str, setting: str) -> None:
    with pytest.raises(ConfigError, match=f"'{setting}'"):
        load_profile(profile_with(tmp_path, doorstep=line))


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("unseen_alert_days = 0", "rules.unseen_alert_days"),
        ("distribution_standard = 1.5", "rules.distribution_standard"),
        ('wnb_window_days = "ninety"', "rules.wnb_window_days"),
        ("no_such_threshold = 3", "rules.no_such_threshold"),
        ("hcp_new_birth_days = [14, 10]", "rules.hcp_new_birth_days"),
        ("escalation_stage_working_days = [2, -5, 2, 2]", "rules.escalation_stage_working_days"),
    ],
    ids=[
        "below its minimum",
        "above its maximum",
        "not a number",
        "unknown",
        "window backwards",
        "negative stage",
    ],
)
def test_a_bad_threshold_is_refused_naming_its_key(tmp_path: Path, line: str, setting: str) -> None:
    with pytest.raises(ConfigError, match=f"'{setting}'") as caught:
        load_profile(profile_with(tmp_path, rules=line))
    value = line.split("= ", maxsplit=1)[1]
    said = str(caught.value).split("setting ", maxsplit=1)[1]  # after the file's path
    assert value not in said  # never echoes what was written


def test_a_profile_without_rules_uses_the_specs_defaults(tmp_path: Path) -> None:
    text = DEFAULT_PROFILE.read_text().split("[doorstep.rules]", maxsplit=1)[0]
    path = tmp_path / "flet.toml"
    path.write_text(text)
    assert load_profile(path).rules == RuleSettings()


def test_a_threshold_from_the_profile_changes_the_devices_alerts(
    tmp_path: Path, store: DeviceStore
) -> None:
    """An injury on a CP child needs a decision in 1 working day by default (A6); a profile
    allowing 3 moves the due date on by two working days."""
    case_id, child_id = new_id(), new_id()
    store.records.merge_pulled(
        [*cp_family(case_id, child_id), pulled(case_id, new_id(), injury(child_id), 3)]
    )
    next_day = CHRISTMAS_EVE + timedelta(days=1)

    def a6_due(rules: RuleSettings) -> date | None:
        alerts = DeviceAlertService(store, rules, clock=lambda: next_day).for_child(child_id)
        return next(a.due for a in alerts.alerts if a.code == AlertCode.A6)

    rules = load_profile(profile_with(tmp_path, rules="decision_within_working_days = 3")).rules
    assert rules.decision_within_working_days == 3
    assert a6_due(RuleSettings()) == date(2026, 12, 29)
    assert a6_due(rules) == date(2026, 12, 31)


def test_missing_profile_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read"):
        load_profile(tmp_path / "absent.toml")
