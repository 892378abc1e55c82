"""The headless device prints plain messages, never tracebacks, and takes no secret as an arg."""

from pathlib import Path

import pytest

from mobile_app.cli import build_parser, main

PASS = "a-long-cli-passphrase"


def test_init_then_wrong_passphrase_is_a_readable_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOORSTEP_PASSPHRASE", PASS)
    assert main(["--data", str(tmp_path / "d"), "init"]) == 0
    monkeypatch.setenv("DOORSTEP_PASSPHRASE", "not-the-passphrase")
    assert main(["--data", str(tmp_path / "d"), "list", "--json"]) == 2
    err = capsys.readouterr().err
    assert "does not unlock this device" in err
    assert "Traceback" not in err


def test_commands_before_sign_in_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOORSTEP_PASSPHRASE", PASS)
    assert main(["--data", str(tmp_path / "d"), "status"]) == 2
    assert "run init first" in capsys.readouterr().err
    main(["--data", str(tmp_path / "d"), "init"])
    assert main(["--data", str(tmp_path / "d"), "sync"]) == 2
    assert "sign in" in capsys.readouterr().err


def test_no_command_accepts_a_password_or_passphrase_argument() -> None:
    parser = build_parser()
    options = {
        o
        for action in parser._subparsers._group_actions  # type: ignore[union-attr]
        for sub in action.choices.values()
        for a in sub._actions
        for o in a.option_strings
    }
    assert not any("pass" in o for o in options)
