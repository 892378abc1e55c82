"""Forms being written, kept sealed in the store after every keystroke so a lock loses nothing.

The visit drafts service (mobile_app.services.visits.drafts) holds visits only: it reads
every row of the drafts table as a visit. Every other form (a note, a decision's rationale, a
plan outcome, a meeting, an amendment, a review comment) is a sealed value of the store's
settings, one per writer, kind of form and subject; only the writer reads it. The clear name
also says which record the draft is about, so the drafts of a case or record that left go
with it unread.
"""

import logging
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from mobile_app.diagnostics import log_failure
from mobile_app.errors import StoreError
from mobile_app.store import DeviceStore

log = logging.getLogger(__name__)
# The clear settings name: form_draft/writer/kind/about/subject, where "about" is the child or
# record the draft goes with and "subject" what it is written on (the same id, or a version).
FORM_DRAFT_PREFIX = "form_draft"
_ABOUT, _KIND = 3, 2  # positions in the clear name
M = TypeVar("M", bound=BaseModel)


def _key(writer_id: str, kind: str, about_id: str, subject_id: str) -> str:
    return f"{FORM_DRAFT_PREFIX}/{writer_id}/{kind}/{about_id}/{subject_id or about_id}"


class FormDraftStore:
    """Saves, reads and drops one writer's form drafts, sealed in the store."""

    def __init__(self, store: DeviceStore, writer_id: str) -> None:
        self._store = store
        self._writer = writer_id

    def _key(self, kind: str, about_id: str, subject_id: str) -> str:
        return _key(self._writer, kind, about_id, subject_id)

    def save(self, kind: str, about_id: str, form: BaseModel, subject_id: str = "") -> None:
        """Seal and store the form as it stands now.

        Args:
            kind: which form, for example "decision" or "review".
            about_id: the child or record the draft goes with (dropped when it leaves).
            form: the form as typed so far.
            subject_id: what the form is written on, when not about_id itself (a version).
        """
        self._store.settings.put(self._key(kind, about_id, subject_id), form.model_dump())

    def get(self, kind: str, about_id: str, form_type: type[M], subject_id: str = "") -> M | None:
        """Return the kept draft, or None (none, or unreadable)."""
        try:
            stored = self._store.settings.get(self._key(kind, about_id, subject_id))
            return None if stored is None else form_type.model_validate(stored)
        except (StoreError, ValidationError) as exc:
            log_failure(log, "A form draft could not be read", exc)
            return None

    def has(self, kind: str, about_id: str, subject_id: str = "") -> bool:
        """Return True when a draft is kept for this form."""
        return self._store.settings.get(self._key(kind, about_id, subject_id)) is not None

    def drop(self, kind: str, about_id: str, subject_id: str = "") -> None:
        """Forget the draft (once its record is safely in the outbox, or thrown away)."""
        self._store.settings.delete(self._key(kind, about_id, subject_id))

    def kept(self, kind: str) -> list[tuple[str, str]]:
        """Return (about, subject) of each of my drafts of this kind, read from names only."""
        return [
            (parts[_ABOUT], parts[_ABOUT + 1])
            for parts in _draft_names(self._store)
            if parts[1] == self._writer and parts[_KIND] == kind
        ]


def _draft_names(store: DeviceStore) -> list[list[str]]:
    names = store.settings.keys()  # a sealed table, not a dict
    return [name.split("/") for name in names if name.startswith(f"{FORM_DRAFT_PREFIX}/")]


def form_draft_count(store: DeviceStore, kinds: frozenset[str] | None = None) -> int:
    """Return how many form drafts, of any writer, this device holds (of these kinds only)."""
    return sum(1 for parts in _draft_names(store) if kinds is None or parts[_KIND] in kinds)


def drop_form_drafts_about(
    store: DeviceStore, about_ids: set[str], kinds: frozenset[str] | None = None
) -> int:
    """Forget every writer's drafts about these children or records; return how many went."""
    doomed = [
        "/".join(parts)
        for parts in _draft_names(store)
        if parts[_ABOUT] in about_ids and (kinds is None or parts[_KIND] in kinds)
    ]
    for name in doomed:
        store.settings.delete(name)
    return len(doomed)


KEPT_NOTICE = "What you were writing was kept on this device: it is here as you left it."


class DecisionDraft(BaseModel):
    """The rationales typed so far for one child's decisions, one per decision (by the entry
    that needs it). `rationale` is what a draft kept before they were separate."""

    rationales: dict[str, str] = {}
    rationale: str = ""


class PlanOutcomeDraft(BaseModel):
    """A plan outcome form as typed so far (one per child)."""

    plan_id: str
    editing: str = ""  # the outcome being changed ("" for a new outcome)
    fields: dict[str, str] = {}
    reason: str = ""
    base: dict[str, str] = {}  # the outcome as it was when the change began


class MeetingDraft(BaseModel):
    """A professionals-only meeting form as filled in so far (one per child)."""

    reason_code: str = ""
    chair_approved_by: str = ""
    decisions: str = ""
    rationale: str = ""


class AmendmentDraft(BaseModel):
    """An entry's changed text and reason as typed so far (one per record)."""

    text: str
    reason: str = ""
    base_id: str = ""  # the competing version a resolution starts from


class ReviewDraft(BaseModel):
    """A supervisor's comment and chosen stage on one version, as typed so far."""

    comment: str = ""
    stage: str = ""
