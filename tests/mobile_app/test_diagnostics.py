"""The app's log says what failed and where, never what a person typed."""

import logging

import pytest

from mobile_app.diagnostics import log_failure
from mobile_app.services.visits.drafts import DRAFT_KIND, DraftService
from mobile_app.store import DeviceStore
from shared.ids import new_id

TYPED = "Kayden Ashworth-Pryce lives at 14 Mill Lane"


def test_an_unreadable_draft_is_logged_without_its_contents(
    store: DeviceStore, caplog: pytest.LogCaptureFixture
) -> None:
    draft_id = new_id()
    broken = {"draft_id": draft_id, "case_id": new_id(), "child_id": new_id(), "step": TYPED}
    store.drafts.put(draft_id, broken, kind=DRAFT_KIND)

    with caplog.at_level(logging.ERROR):
        assert DraftService(store).get(draft_id) is None

    assert "ValidationError" in caplog.text
    assert "drafts.py" in caplog.text
    assert "Kayden" not in caplog.text
    assert "Mill Lane" not in caplog.text
    assert store.drafts.get(draft_id) == broken  # kept, never deleted


def test_log_failure_names_the_type_and_the_innermost_frame(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse_the_name() -> None:
        raise ValueError(TYPED)

    try:
        refuse_the_name()
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            log_failure(logging.getLogger("test"), "Saving", exc)

    assert "Saving: ValueError at test_diagnostics.py" in caplog.text
    assert "in refuse_the_name" in caplog.text
    assert TYPED not in caplog.text
