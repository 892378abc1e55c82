"""Rule V3 as FinaliseService applies it: one plain message per missing answer, nothing stored."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from mobile_app.services.records import RecordService
from mobile_app.services.visits.drafts import DraftService, ItemDraft
from mobile_app.services.visits.finalise import FinaliseService, visit_problems
from mobile_app.store import DeviceStore
from mobile_app.ui.controller import AppConfig
from shared.clock import utc_now
from shared.models import Child
from tests.ui.conftest import PASSPHRASE, FamilyIds
from tests.ui.conftest import complete_draft as complete
from tests.ui.fake_server import PRACTITIONER


@pytest.fixture
def store(seeded: FamilyIds, config: AppConfig) -> Iterator[DeviceStore]:
    opened = DeviceStore.unlock(config.data_dir, PASSPHRASE)
    yield opened
    opened.close()


def baby(store: DeviceStore, ids: FamilyIds) -> Child:
    child = next(
        s.version.payload
        for s in RecordService(store).current("child")
        if s.version.record_id == ids.baby_id
    )
    assert isinstance(child, Child)
    return child


RULES = [
    ("child-seen", {"child_seen": None}, "Say whether you saw the child."),
    ("seen-alone", {"seen_alone": None}, "Say whether you saw the child alone."),
    ("reason", {"not_seen_alone_reason": None}, "Say why the child was not seen alone."),
    (
        "reason-when-not-seen",
        {"child_seen": False, "seen_alone": True, "not_seen_alone_reason": None},
        "Say why the child was not seen.",
    ),
    (
        "awake",
        {"seen_awake": None},
        "Say whether the baby was seen awake: this is needed for a child under 1.",
    ),
    ("present", {"others_present": []}, "Record at least one person who was present at the visit."),
    (
        "present-blank",
        {"others_present": ["  "]},
        "Record at least one person who was present at the visit.",
    ),
    (
        "father",
        {"father": None},
        "Answer the father or male carer question: pick him, add him, or say why he is not known.",
    ),
    (
        "father-known",
        {"father_adult_id": None},
        "Pick which known adult is the father or male carer.",
    ),
    (
        "father-new",
        {"father": "new"},
        "Give the new adult's name, or describe him if his name is not known.",
    ),
    ("father-not-known", {"father": "not_known"}, "Say why the father or male carer is not known."),
    (
        "evidence",
        {"checklist": {"ENV.FOOD_IN_HOME": ItemDraft(rating="significant_concern")}},
        "Say what you saw for the concern: ",
    ),
    (
        "late",
        {"started_at": utc_now() - timedelta(hours=25)},
        "This was written more than 24 hours after it happened: say why it is being recorded late.",
    ),
]


@pytest.mark.parametrize(("change", "message"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_missing_answer_has_its_own_message_and_stores_nothing(
    store: DeviceStore, seeded: FamilyIds, change: dict[str, Any], message: str
) -> None:
    draft = complete(seeded, **change)
    DraftService(store).save(draft)
    result = FinaliseService(store, PRACTITIONER).finalise(draft, baby(store, seeded))
    assert len(result.problems) == 1
    assert result.problems[0].startswith(message)
    assert result.finalised is None
    assert store.outbox.count() == 0
    assert DraftService(store).get(draft.draft_id) is not None


def test_a_complete_draft_is_finalised_and_only_then_deleted(
    store: DeviceStore, seeded: FamilyIds
) -> None:
    draft = complete(seeded)
    DraftService(store).save(draft)
    assert visit_problems(draft, baby(store, seeded), utc_now()) == []
    result = FinaliseService(store, PRACTITIONER).finalise(draft, baby(store, seeded))
    assert result.problems == []
    assert result.finalised is not None
    assert store.outbox.count() == len(result.finalised.versions) == 3
    assert DraftService(store).get(draft.draft_id) is None


def test_an_over_long_answer_is_a_message_not_a_crash(
    store: DeviceStore, seeded: FamilyIds
) -> None:
    draft = complete(seeded, voice_of_child="x" * 5000)
    result = FinaliseService(store, PRACTITIONER).finalise(draft, baby(store, seeded))
    assert len(result.problems) == 1
    assert "voice_of_child" in result.problems[0]
    assert store.outbox.count() == 0
