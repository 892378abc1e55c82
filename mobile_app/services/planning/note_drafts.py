"""Notes being written: supervision and analysis forms, kept as form drafts (one per writer,
child and kind of note) after every change so the auto-lock loses nothing."""

from typing import TypeVar

from pydantic import BaseModel

from mobile_app.services.visits.form_drafts import (
    FormDraftStore,
    form_draft_count,
)
from mobile_app.store import DeviceStore


class AnalysisForm(BaseModel):
    """A chronology analysis as typed so far; dates are year-month-day text."""

    period_from: str = ""
    period_to: str = ""
    analysis: str = ""
    patterns: str = ""  # one a line


class SupervisionForm(BaseModel):
    """A supervision note as typed so far."""

    discussion: str = ""
    actions: str = ""  # one a line: what; who; due date


NoteForm = AnalysisForm | SupervisionForm
F = TypeVar("F", AnalysisForm, SupervisionForm)
NOTE_KINDS = frozenset({"note_analysis", "note_supervision"})


def _kind(form_type: type[NoteForm]) -> str:
    return "note_analysis" if form_type is AnalysisForm else "note_supervision"


class NoteDraftStore:
    """Saves, reads and drops one writer's note drafts, sealed in the store."""

    def __init__(self, store: DeviceStore, writer_id: str) -> None:
        self._drafts = FormDraftStore(store, writer_id)

    def save(self, child_id: str, form: NoteForm) -> None:
        """Seal and store the form as it stands now."""
        self._drafts.save(_kind(type(form)), child_id, form)

    def get(self, child_id: str, form_type: type[F]) -> F | None:
        """Return the draft of this kind for the child, or None (none, or unreadable)."""
        return self._drafts.get(_kind(form_type), child_id, form_type)

    def has(self, child_id: str, form_type: type[NoteForm]) -> bool:
        """Return True when a draft of this kind is kept for the child."""
        return self._drafts.has(_kind(form_type), child_id)

    def drop(self, child_id: str, form_type: type[NoteForm]) -> None:
        """Forget the draft of this kind (once its note is safely in the outbox)."""
        self._drafts.drop(_kind(form_type), child_id)


def note_draft_count(store: DeviceStore) -> int:
    """Return how many note drafts, of any writer, this device holds."""
    return form_draft_count(store, NOTE_KINDS)
