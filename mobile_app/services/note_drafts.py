"""Notes being written, kept sealed in the store after every change so the auto-lock loses nothing.

The visit drafts service (mobile_app.services.drafts) holds visits only: it reads every row of
the drafts table as a visit, whatever its kind. A note draft there would be counted as a visit
in progress, or logged as unreadable on every caseload read. So note drafts are sealed values
of the store's settings, one per writer, child and kind of note; only the writer reads them.
"""

import logging
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from mobile_app.diagnostics import log_failure
from mobile_app.errors import StoreError
from mobile_app.store import DeviceStore

log = logging.getLogger(__name__)
NOTE_DRAFT_PREFIX = "note_draft"  # the clear settings name: note_draft/writer/child/kind


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


def _key(writer_id: str, child_id: str, form_type: type[NoteForm]) -> str:
    kind = "analysis" if form_type is AnalysisForm else "supervision"
    return f"{NOTE_DRAFT_PREFIX}/{writer_id}/{child_id}/{kind}"


class NoteDraftStore:
    """Saves, reads and drops one writer's note drafts, sealed in the store."""

    def __init__(self, store: DeviceStore, writer_id: str) -> None:
        self._store = store
        self._writer = writer_id

    def save(self, child_id: str, form: NoteForm) -> None:
        """Seal and store the form as it stands now."""
        self._store.settings.put(_key(self._writer, child_id, type(form)), form.model_dump())

    def get(self, child_id: str, form_type: type[F]) -> F | None:
        """Return the draft of this kind for the child, or None (none, or unreadable)."""
        try:
            stored = self._store.settings.get(_key(self._writer, child_id, form_type))
            return None if stored is None else form_type.model_validate(stored)
        except (StoreError, ValidationError) as exc:
            log_failure(log, "A note draft could not be read", exc)
            return None

    def has(self, child_id: str, form_type: type[NoteForm]) -> bool:
        """Return True when a draft of this kind is kept for the child."""
        return self._store.settings.get(_key(self._writer, child_id, form_type)) is not None

    def drop(self, child_id: str, form_type: type[NoteForm]) -> None:
        """Forget the draft of this kind (once its note is safely in the outbox)."""
        self._store.settings.delete(_key(self._writer, child_id, form_type))


def note_draft_count(store: DeviceStore) -> int:
    """Return how many note drafts, of any writer, this device holds."""
    names = store.settings.keys()  # a sealed table, not a dict
    return sum(1 for name in names if name.startswith(f"{NOTE_DRAFT_PREFIX}/"))


def drop_note_drafts_about(store: DeviceStore, child_ids: set[str]) -> int:
    """Forget every writer's note drafts about these children; return how many went."""
    names = store.settings.keys()  # a sealed table, not a dict
    doomed = [
        name
        for name in names
        if name.startswith(f"{NOTE_DRAFT_PREFIX}/") and name.split("/")[2] in child_ids
    ]
    for name in doomed:
        store.settings.delete(name)
    return len(doomed)
