"""A refusal is told in a practitioner's words, the same in the app and the CLI: never the
server's field path."""

import pytest

from mobile_app.services.sync.issues import field_words, refusal_words
from shared.rules.event_time import FUTURE_MESSAGE


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("payload.event_datetime", "When it happened"),
        ("case_id", "The case"),
        ("payload.late_entry_reason", "Why it was recorded late"),
        ("payload.actions.0.due", "Due"),
    ],
)
def test_a_field_is_named_in_plain_words(field: str, words: str) -> None:
    assert field_words(field) == words


def test_the_reason_keeps_the_servers_message_after_the_plain_name() -> None:
    said = refusal_words("payload.event_datetime", FUTURE_MESSAGE)
    assert said == f"When it happened: {FUTURE_MESSAGE}"
    assert "payload" not in said
    assert refusal_words(None, "Not allowed.") == "Not allowed."
