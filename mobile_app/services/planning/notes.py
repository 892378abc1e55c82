"""Chronology analysis and supervision notes written on the device (issue 6, docs/domain.md, Notes).

Analysis and supervision are kept apart from the facts: a note is a record of its own, never
a chronology entry. Who may write which is the permissions table the server's push rules also
read (services/offers.py): an analysis by a social worker or a supervisor, a supervision note
by a supervisor only.
"""

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime

from pydantic import ValidationError

from mobile_app.errors import MobileError
from mobile_app.services.chronology.chronology import ChronologyService
from mobile_app.services.offers import offered
from mobile_app.services.planning.note_drafts import AnalysisForm, SupervisionForm
from mobile_app.services.planning.note_lines import NoteLine, child_notes
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.sync.device_clock import corrected_clock
from mobile_app.services.sync.form_errors import form_error_text
from mobile_app.services.visits.actions import parse_due
from mobile_app.store import DeviceStore
from shared.chronology import ChronologyQuery
from shared.clock import utc_now
from shared.models import AnalysisNote, Practitioner
from shared.models.review import AgreedAction, SupervisionNote
from shared.protocol import RecordVersion
from shared.rules.permissions import Act

DEFAULT_MONTHS = 3
MAX_ENTRY_IDS = 500  # AnalysisNote.entry_ids
DATE_HELP = "Year-month-day, for example 2026-11-20"
_SPLIT = re.compile(r"\s*;\s*")


class NoteRefused(MobileError):
    """The note cannot be written as asked; the message names the field and says why."""


def months_before(day: date, months: int) -> date:
    """Return the same day `months` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _typed_date(text: str, field: str) -> date:
    if not text.strip():
        raise NoteRefused(f"{field}: give a date, year-month-day.")
    day = parse_due(text)
    if day is None:
        raise NoteRefused(f"{field}: write a real date as year-month-day, for example 2026-11-20.")
    return day


def _agreed_actions(text: str, today: date) -> tuple[AgreedAction, ...]:
    out = []
    lines = [line for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        parts = _SPLIT.split(line.strip())
        due = parse_due(parts[2]) if len(parts) == 3 else None
        if due is None:
            raise NoteRefused(
                f"agreed_actions: write line {number} as what; who; due date (year-month-day)."
            )
        if due < today:
            raise NoteRefused(f"agreed_actions: line {number} is due before today.")
        try:
            out.append(AgreedAction(action=parts[0], owner=parts[1], due=due))
        except ValidationError:
            raise NoteRefused(
                f"agreed_actions: line {number} needs what is to happen and who does it, "
                "each up to 200 characters."
            ) from None
    return tuple(out)


class NotesService:
    """Write a child's analysis and supervision notes offline; they sync with the next sync."""

    def __init__(
        self, store: DeviceStore, me: Practitioner, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._me = me
        self._clock = corrected_clock(store, clock)  # V1: the server-corrected time

    @property
    def can_analyse(self) -> bool:
        """True when my role may write a chronology analysis (as the server also checks)."""
        return offered(self._me, "analysis_note", Act.CREATE)

    @property
    def can_supervise(self) -> bool:
        """True when my role may write a supervision note (as the server also checks)."""
        return offered(self._me, "supervision_note", Act.CREATE)

    def notes_for(self, child_id: str) -> list[NoteLine]:
        """Return the child's analysis and supervision notes, newest written first."""
        return child_notes(self._store, child_id, self._me.id)

    def default_period(self, child_id: str) -> tuple[date, date]:
        """Return the period a new analysis covers: since the last one, else the last 3 months."""
        today = self._clock().date()
        ends = [n.period_to for n in child_notes(self._store, child_id, self._me.id) if n.period_to]
        start = min(max(ends), today) if ends else months_before(today, DEFAULT_MONTHS)
        return start, today

    def new_analysis(self, child_id: str) -> AnalysisForm:
        """Return an empty analysis form with the default period filled in."""
        start, end = self.default_period(child_id)
        return AnalysisForm(period_from=start.isoformat(), period_to=end.isoformat())

    def write_analysis(self, case_id: str, child_id: str, form: AnalysisForm) -> RecordVersion:
        """Write the analysis, naming the child's entries of the period, and queue it for sync.

        Raises:
            NoteRefused: my role may not analyse a chronology, or a field is missing or wrong.
        """
        if not self.can_analyse:
            raise NoteRefused("Only a social worker or a supervisor writes a chronology analysis.")
        start = _typed_date(form.period_from, "period_from")
        end = _typed_date(form.period_to, "period_to")
        period = ChronologyQuery(start=start, end=end)
        items = ChronologyService(self._store, self._me).for_child(child_id, period)
        entry_ids = tuple(dict.fromkeys(i.record_id for i in items))[:MAX_ENTRY_IDS]
        patterns = tuple(p.strip() for p in form.patterns.splitlines() if p.strip())
        try:
            note = AnalysisNote(
                child_ids=(child_id,),
                period_from=start,
                period_to=end,
                analysis=form.analysis,
                patterns=patterns,
                entry_ids=entry_ids,
                author_id=self._me.id,
                author_role=self._me.role,
            )
        except ValidationError as exc:
            raise NoteRefused(form_error_text(exc)) from None
        return RecordService(self._store).record([NewRecord(case_id, note)])[0]

    def write_supervision(
        self, case_id: str, child_id: str, form: SupervisionForm
    ) -> RecordVersion:
        """Write a supervision note held now, with its agreed actions, and queue it for sync.

        Raises:
            NoteRefused: I am not a supervisor, or a field is missing or wrong.
        """
        if not self.can_supervise:
            raise NoteRefused("Only a supervisor writes a supervision note.")
        if not form.discussion.strip():
            raise NoteRefused("discussion: write what was discussed.")
        now = self._clock()
        actions = _agreed_actions(form.actions, now.date())
        try:
            note = SupervisionNote(
                child_ids=(child_id,),
                held_at=now,
                discussion=form.discussion,
                agreed_actions=actions,
                author_id=self._me.id,
            )
        except ValidationError as exc:
            raise NoteRefused(form_error_text(exc)) from None
        return RecordService(self._store).record([NewRecord(case_id, note)])[0]
