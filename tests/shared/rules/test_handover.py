"""Issue 13's handover grace, one rule for the server: the bounds, exactly."""

from datetime import UTC, datetime, timedelta

from shared.protocol import RecordVersion
from shared.rules.handover import (
    DEFAULT_HANDOVER_GRACE,
    Handover,
    handover_refusal,
    is_transfer_refusal,
    recorded_moment,
)
from tests.shared.test_models import entry

ENDED = datetime(2026, 3, 27, 16, 30, tzinfo=UTC)  # a Friday afternoon transfer
HANDOVER = Handover(ENDED, "South Oxon", "01a24800-0000-7000-8000-000000000001")


def _entry_at(moment: datetime) -> RecordVersion:
    payload = entry(event_datetime=moment.isoformat())
    return RecordVersion.model_validate({
        "version_id": "01a24800-0000-7000-8000-000000000002",
        "record_id": "01a24800-0000-7000-8000-000000000003",
        "case_id": "01a24800-0000-7000-8000-000000000004",
        "device_time": moment.isoformat(),
        "payload": payload,
    })  # fmt: skip


def test_exactly_the_grace_period_after_the_end_is_in_time_and_one_second_more_is_not() -> None:
    at_end = _entry_at(ENDED)
    assert recorded_moment(at_end) == ENDED
    assert (
        handover_refusal(at_end, HANDOVER, ENDED + DEFAULT_HANDOVER_GRACE, DEFAULT_HANDOVER_GRACE)
        is None
    )
    late = handover_refusal(
        at_end,
        HANDOVER,
        ENDED + DEFAULT_HANDOVER_GRACE + timedelta(seconds=1),
        DEFAULT_HANDOVER_GRACE,
    )
    assert late == (
        "this case was transferred to South Oxon on Fri 27 Mar 2026; what you recorded before "
        "then could be sent until Sun 26 Apr 2026. Ask your supervisor to forward it to the "
        "receiving team"
    )
    assert is_transfer_refusal(late)


def test_an_event_after_the_end_is_refused_even_in_time_or_forwarded() -> None:
    after = _entry_at(ENDED + timedelta(seconds=1))
    for forwarded in (False, True):
        refusal = handover_refusal(
            after, HANDOVER, ENDED + timedelta(minutes=1), DEFAULT_HANDOVER_GRACE, forwarded
        )
        assert refusal is not None
        assert "before this happened" in refusal


def test_a_supervisors_forward_waives_only_the_grace_period() -> None:
    years_late = ENDED + timedelta(days=400)
    assert (
        handover_refusal(_entry_at(ENDED), HANDOVER, years_late, DEFAULT_HANDOVER_GRACE, True)
        is None
    )
    assert not is_transfer_refusal("this case is not allocated to you")
