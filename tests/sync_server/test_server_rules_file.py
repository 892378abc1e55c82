"""The server's alert thresholds come from the same rules table as the app's (flet.toml)."""

from pathlib import Path

import pytest

from shared.rules import RuleSettings
from sync_server.config import load_settings, rules_from_file
from sync_server.errors import ConfigError

FLET_TOML = Path(__file__).resolve().parents[2] / "flet.toml"


def test_the_shipped_flet_toml_gives_the_server_the_specs_defaults() -> None:
    settings = load_settings({"DOORSTEP_RULES_FILE": str(FLET_TOML)})

    assert settings.rules == RuleSettings()


def test_a_partnerships_threshold_reaches_the_server(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[doorstep.rules]\ndefault_visit_frequency_days = 10\n", encoding="utf-8")

    assert (
        load_settings({"DOORSTEP_RULES_FILE": str(rules)}).rules.default_visit_frequency_days == 10
    )
    assert load_settings({}).rules.default_visit_frequency_days == 14


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ("[rules]\nno_such_threshold = 3\n", "rules.no_such_threshold"),
        ("[rules]\nunseen_alert_days = -12345\n", "rules.unseen_alert_days"),
        ("[rules]\nunseen_alert_days = 'ninety'\n", "rules.unseen_alert_days"),
    ],
)
def test_a_bad_threshold_stops_the_server_naming_it_not_its_value(
    tmp_path: Path, table: str, named: str
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(table, encoding="utf-8")

    with pytest.raises(ConfigError, match=f"^{named}") as refused:
        rules_from_file(rules)

    assert "12345" not in str(refused.value)
    assert "ninety" not in str(refused.value)


def test_an_unreadable_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="rules_file"):
        rules_from_file(tmp_path / "missing.toml")
