"""The hand-written PushResponse JSON says exactly what the pydantic models would."""

from shared.ids import new_id
from shared.protocol import ItemStatus, PushResponse
from sync_server.services.sync.outcomes import Outcome, push_response_json, rejected, to_result

OUTCOMES = [
    Outcome(new_id(), ItemStatus.ACCEPTED, 7),
    Outcome(new_id(), ItemStatus.DUPLICATE, 3),
    Outcome(new_id(), ItemStatus.CONFLICT, 9, None, None, (new_id(), new_id())),
    rejected(new_id(), "payload.summary", 'say what happened — "facts", not opinion'),
    rejected("", "body", "Input should be a valid dictionary"),
]


def test_push_response_json_matches_the_models_dump() -> None:
    expected = PushResponse(results=[to_result(o) for o in OUTCOMES]).model_dump_json()
    assert push_response_json(OUTCOMES).decode() == expected


def test_empty_push_response() -> None:
    assert PushResponse.model_validate_json(push_response_json([])).results == []
