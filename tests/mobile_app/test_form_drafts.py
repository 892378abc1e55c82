"""Form drafts: sealed per writer, form and subject; counted as unsynced work when the device
changes hands or is erased; gone with the child or record they are about."""

from pathlib import Path

import pytest

from mobile_app.errors import StoreError
from mobile_app.services.planning.note_drafts import AnalysisForm, NoteDraftStore, note_draft_count
from mobile_app.services.security.wipe import WipeReport, count_unsynced
from mobile_app.services.visits.form_drafts import (
    AmendmentDraft,
    DecisionDraft,
    FormDraftStore,
    MeetingDraft,
    PlanOutcomeDraft,
    ReviewDraft,
    form_draft_count,
)
from mobile_app.services.visits.orphaned_drafts import discard_orphaned_drafts
from mobile_app.store import DeviceStore
from mobile_app.store.database import database_files
from shared.ids import new_id
from shared.models import Practitioner
from tests.mobile_app.test_account import sign_in

SECRET = "Mother said the bruise came from the cot bars."


def on_disk(data_dir: Path) -> bytes:
    return b"".join(path.read_bytes() for path in database_files(data_dir) if path.exists())


def test_a_draft_is_kept_sealed_and_read_back_by_its_writer_only(
    store: DeviceStore, data_dir: Path, practitioner: Practitioner
) -> None:
    child_id = new_id()
    mine = FormDraftStore(store, practitioner.id)
    mine.save("decision", child_id, DecisionDraft(rationale=SECRET))

    assert mine.get("decision", child_id, DecisionDraft) == DecisionDraft(rationale=SECRET)
    assert FormDraftStore(store, new_id()).get("decision", child_id, DecisionDraft) is None
    assert mine.get("decision", new_id(), DecisionDraft) is None
    assert SECRET.encode() not in on_disk(data_dir)
    assert b"cot bars" not in on_disk(data_dir)

    mine.drop("decision", child_id)
    assert not mine.has("decision", child_id)
    assert form_draft_count(store) == 0


def test_review_drafts_are_one_per_version_of_a_record(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    record_id, first, second = new_id(), new_id(), new_id()
    drafts = FormDraftStore(store, practitioner.id)
    drafts.save("review", record_id, ReviewDraft(comment="One"), first)
    drafts.save("review", record_id, ReviewDraft(comment="Two", stage="2"), second)

    assert drafts.get("review", record_id, ReviewDraft, first) == ReviewDraft(comment="One")
    assert drafts.get("review", record_id, ReviewDraft, second) == ReviewDraft(
        comment="Two", stage="2"
    )
    assert form_draft_count(store) == 2


def test_an_unreadable_draft_reads_as_none(store: DeviceStore, practitioner: Practitioner) -> None:
    record_id = new_id()
    drafts = FormDraftStore(store, practitioner.id)
    drafts.save("amendment", record_id, ReviewDraft(comment="not an amendment"))
    assert drafts.get("amendment", record_id, AmendmentDraft) is None


def test_note_drafts_are_form_drafts_counted_among_them(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    child_id = new_id()
    NoteDraftStore(store, practitioner.id).save(child_id, AnalysisForm(analysis="Half typed."))
    FormDraftStore(store, practitioner.id).save("decision", child_id, DecisionDraft(rationale="x"))
    assert note_draft_count(store) == 1
    assert form_draft_count(store) == 2


def test_drafts_of_gone_children_and_records_go_with_them(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    gone_child, kept_child, withdrawn, version = new_id(), new_id(), new_id(), new_id()
    drafts = FormDraftStore(store, practitioner.id)
    drafts.save("decision", gone_child, DecisionDraft(rationale="gone"))
    drafts.save("review", withdrawn, ReviewDraft(comment="gone"), version)
    drafts.save("amendment", withdrawn, AmendmentDraft(text="gone"))
    drafts.save("meeting", kept_child, MeetingDraft(rationale="kept"))

    assert discard_orphaned_drafts(store, {new_id()}, {gone_child, withdrawn}) == 3
    assert form_draft_count(store) == 1
    assert drafts.has("meeting", kept_child)


def test_any_form_draft_keeps_the_device_for_its_writer(store: DeviceStore) -> None:
    writer = sign_in(store, "hv-one")
    drafts = FormDraftStore(store, writer.id)
    drafts.save("review", new_id(), ReviewDraft(comment="Ask about the GP"), new_id())
    with pytest.raises(StoreError, match=r"1 unsynced item"):
        sign_in(store, "hv-two")
    drafts.drop("review", "x")  # dropping another draft changes nothing
    assert form_draft_count(store) == 1


def test_erasing_counts_every_form_draft_as_lost(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    drafts = FormDraftStore(store, practitioner.id)
    drafts.save("plan_outcome", new_id(), PlanOutcomeDraft(plan_id=new_id(), reason="a"))
    drafts.save("amendment", new_id(), AmendmentDraft(text="b"))
    NoteDraftStore(store, practitioner.id).save(new_id(), AnalysisForm(analysis="c"))
    assert count_unsynced(store.db) == WipeReport(unsynced=0, drafts=3)


def test_my_kept_drafts_of_a_kind_are_listed_from_their_names(
    store: DeviceStore, practitioner: Practitioner
) -> None:
    record_id, version_id = new_id(), new_id()
    mine = FormDraftStore(store, practitioner.id)
    mine.save("review", record_id, ReviewDraft(comment="a"), version_id)
    mine.save("decision", new_id(), DecisionDraft(rationale="b"))
    FormDraftStore(store, new_id()).save("review", new_id(), ReviewDraft(), new_id())
    assert mine.kept("review") == [(record_id, version_id)]
