"""flet.toml is validated at start-up, with a message naming the bad setting."""

from pathlib import Path

import pytest

from mobile_app.config import DEFAULT_PROFILE, load_profile
from mobile_app.errors import ConfigError


def test_the_shipped_profile_is_valid() -> None:
    profile = load_profile(DEFAULT_PROFILE)
    assert profile.auto_lock_minutes <= 5
    assert str(profile.server_url).startswith("http")


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("auto_lock_minutes = 30", "auto_lock_minutes"),
        ('server_url = "not a url"', "server_url"),
        ("offline_window_days = 0", "offline_window_days"),
    ],
    ids=["lock too long", "bad url", "no offline window"],
)
def test_a_bad_setting_is_named(tmp_path: Path, line: str, setting: str) -> None:
    text = DEFAULT_PROFILE.read_text()
    key = line.split(" =", maxsplit=1)[0]
    lines = [ln for ln in text.splitlines() if not ln.startswith(f"{key} =")]
    profile = tmp_path / "flet.toml"
    profile.write_text("\n".join([*lines, line]) + "\n")
    with pytest.raises(ConfigError, match=setting):
        load_profile(profile)


def test_missing_profile_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read"):
        load_profile(tmp_path / "absent.toml")
