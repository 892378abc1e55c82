"""Starting the app, web mode, and failures that must never freeze or crash the screen."""

import asyncio
import base64
import hashlib
import logging
from pathlib import Path
from typing import Any

import flet as ft
import httpx
import pytest

from mobile_app.config import default_data_dir
from mobile_app.services.visits.finalise import FinaliseService
from mobile_app.ui import app as app_module
from mobile_app.ui.controller import UNEXPECTED, AppConfig
from mobile_app.ui.views.visit_steps import seen
from tests.ui.conftest import Driver, FamilyIds
from tests.ui.fake_client import FakeClient


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Messages logged at ERROR or above (flet logs session clean-up at INFO, at GC's whim)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_screen_that_fails_to_render_leaves_the_app_working(
    app: Driver,
    seeded: FamilyIds,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Regression: one failing render used to stop every later update of the page."""

    def broken(*_: Any) -> bool:
        raise RuntimeError("render bug")

    monkeypatch.setattr(seen, "is_infant", broken)
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.tap(key="visit.goto.1")
    assert fc.has("render.error")
    await fc.tap(key="visit.prev")
    assert fc.value("visit.step") == "Step 1 of 7: Who is here"
    logged = errors_logged(caplog)
    assert logged
    assert all(m.startswith("Rendering seen_step: RuntimeError at ") for m in logged)
    assert not any("render bug" in m for m in logged)  # the message is never logged
    caplog.clear()


async def test_a_failing_action_is_a_plain_message_and_keeps_the_draft(
    app: Driver,
    seeded: FamilyIds,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(FinaliseService, "finalise", broken)
    fc = app.fc
    await fc.tap(key=f"child.{seeded.baby_id}.visit")
    await fc.enter_text("mother", key="visit.present.new")
    await fc.tap(key="visit.present.add")
    await fc.tap(key="visit.goto.6")
    await fc.tap(key="visit.finalise")
    assert fc.value("message") == UNEXPECTED
    assert fc.has("screen.visit")
    assert len(app.store.drafts.keys()) == 1
    assert errors_logged(caplog)[0].startswith("A screen handler: RuntimeError at ")
    assert "disk full" not in errors_logged(caplog)[0]
    caplog.clear()


async def test_a_broken_profile_is_shown_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = tmp_path / "flet.toml"
    profile.write_text('[doorstep]\norganisation = "X"\nauto_lock_minutes = 60\n')
    monkeypatch.setenv("DOORSTEP_PROFILE", str(profile))
    fc = FakeClient()
    await fc.run_main(app_module.main)
    fc.close()
    assert fc.value("startup.error").startswith("Doorstep cannot start:")


async def test_main_starts_a_new_device_on_the_set_up_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = tmp_path / "flet.toml"
    profile.write_text(
        '[doorstep]\norganisation = "Fenland Partnership"\nserver_url = "http://127.0.0.1:8000"\n'
        "auto_lock_minutes = 5\noffline_window_days = 14\n"
    )
    monkeypatch.setenv("DOORSTEP_PROFILE", str(profile))
    monkeypatch.setenv("DOORSTEP_DATA", str(tmp_path / "phone"))
    fc = FakeClient()
    await fc.run_main(app_module.main)
    fc.close()
    assert fc.has("screen.setup")
    assert any(t.startswith("Fenland Partnership.") for t in fc.texts())


async def test_main_guards_every_request_with_the_profiles_tls_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = base64.b64encode(hashlib.sha256(b"the server's public key").digest()).decode()
    profile = tmp_path / "flet.toml"
    profile.write_text(
        f'[doorstep]\norganisation = "Fenland Partnership"\nserver_url = "https://sync.test"\n'
        f'tls_pin = "{pin}"\nauto_lock_minutes = 5\noffline_window_days = 14\n'
    )
    monkeypatch.setenv("DOORSTEP_PROFILE", str(profile))
    monkeypatch.setenv("DOORSTEP_DATA", str(tmp_path / "phone"))
    started: list[AppConfig] = []
    real_start = app_module.start

    def spy(page: Any, config: AppConfig, *args: Any) -> Any:
        started.append(config)
        return real_start(page, config, *args)

    monkeypatch.setattr(app_module, "start", spy)
    fc = FakeClient()
    await fc.run_main(app_module.main)
    fc.close()
    (config,) = started
    assert isinstance(config.transport, httpx.HTTPTransport)  # the pinning transport


def test_doorstep_data_overrides_the_app_storage_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "flet"))
    monkeypatch.delenv("DOORSTEP_DATA", raising=False)
    assert default_data_dir() == tmp_path / "flet"
    monkeypatch.setenv("DOORSTEP_DATA", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"


@pytest.mark.parametrize(
    ("env", "web"),
    [
        ({"FLET_FORCE_WEB_SERVER": "1", "DISPLAY": ":0"}, True),
        ({"DISPLAY": ":0"}, False),
        ({}, True),
    ],
    ids=["forced", "display", "headless"],
)
def test_web_mode_when_forced_or_headless(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], web: bool
) -> None:
    for name in ("FLET_FORCE_WEB_SERVER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(app_module.sys, "platform", "linux")
    assert app_module.web_mode() is web


def test_run_serves_the_web_build_on_loopback_with_no_cdn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(app_module.ft, "run", lambda main, **kw: calls.append(kw))
    monkeypatch.setattr(app_module, "web_mode", lambda: True)
    monkeypatch.delenv("FLET_SERVER_PORT", raising=False)
    monkeypatch.delenv("FLET_SERVER_IP", raising=False)
    app_module.run()
    assert calls == [
        {"host": "127.0.0.1", "port": 8550, "view": ft.AppView.WEB_BROWSER, "no_cdn": True}
    ]
    assert "http://127.0.0.1:8550" in capsys.readouterr().out


async def test_closing_the_session_locks_the_store_and_stops_the_timer(app: Driver) -> None:
    await app.fc.fire(app.fc.page, "close", None)
    assert not app.flows.app.device.unlocked
    assert app.fc.has("screen.unlock")
    await asyncio.wait_for(app.flows.app.tick_forever(), 1)  # returns at once once closed
