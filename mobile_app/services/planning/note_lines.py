"""A child's supervision and analysis notes as this device holds them, newest first.

The notes are kept apart from the facts (docs/domain.md, Notes): nothing here reads or makes a
chronology entry. The overview also says when the last chronology analysis was written, and
whether one is due before a review conference (RCPC) planned on this device (docs/domain.md, Notes).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from mobile_app.services.records import RecordService
from mobile_app.services.wording import label
from mobile_app.store import DeviceStore, StoredVersion
from shared.models import AnalysisNote, Meeting
from shared.models.review import SupervisionNote
from shared.protocol import PulledVersion
from shared.vocabulary import MeetingType

NoteKind = Literal["analysis", "supervision"]
YOU = "You"
LATEST_SHOWN = 3
_CONFERENCES = frozenset({MeetingType.ICPC, MeetingType.RCPC})


@dataclass(frozen=True)
class NoteLine:
    """One note, ready to show: what kind, when written and by whom, and what it says."""

    record_id: str
    kind: NoteKind
    title: str
    written_at: datetime
    author: str
    text: str
    details: tuple[str, ...] = ()
    period_to: date | None = None


@dataclass(frozen=True)
class NotesOverview:
    """What the child's screen says about supervision and analysis."""

    latest: tuple[NoteLine, ...]
    last_analysis_at: datetime | None
    next_rcpc: date | None
    analysis_due: bool


def _day(moment: date) -> str:
    return moment.strftime("%d %b %Y")


def written_at(stored: StoredVersion) -> datetime:
    """When a version was written: the server's receipt, or the moment it was made here."""
    version = stored.version
    return version.recorded_at if isinstance(version, PulledVersion) else version.device_time


def _author(stored: StoredVersion, author_id: str, me_id: str, role: str | None) -> str:
    version = stored.version
    if not isinstance(version, PulledVersion) or author_id == me_id:
        return YOU  # not from the server: made on this device, by its user
    who = label(role) if role else "A supervisor"
    return f"{who}, {label(version.author_agency)}"


def _line(stored: StoredVersion, me_id: str) -> NoteLine | None:
    payload = stored.version.payload
    record_id, at = stored.version.record_id, written_at(stored)
    if isinstance(payload, AnalysisNote):
        patterns = tuple(f"Pattern: {p}" for p in payload.patterns)
        return NoteLine(
            record_id=record_id,
            kind="analysis",
            title=(
                f"Chronology analysis, {_day(payload.period_from)} to {_day(payload.period_to)}"
            ),
            written_at=at,
            author=_author(stored, payload.author_id, me_id, payload.author_role),
            text=payload.analysis,
            details=(*patterns, f"Entries analysed: {len(payload.entry_ids)}"),
            period_to=payload.period_to,
        )
    if isinstance(payload, SupervisionNote):
        actions = tuple(
            f"Agreed: {a.action} ({a.owner}, by {_day(a.due)})" for a in payload.agreed_actions
        )
        return NoteLine(
            record_id=record_id,
            kind="supervision",
            title=f"Supervision, {_day(payload.held_at)}",
            written_at=at,
            author=_author(stored, payload.author_id, me_id, None),
            text=payload.discussion,
            details=actions,
        )
    return None


def child_notes(store: DeviceStore, child_id: str, me_id: str) -> list[NoteLine]:
    """Return the child's analysis and supervision notes, newest written first."""
    records = RecordService(store)
    found = [
        line
        for kind in ("analysis_note", "supervision_note")
        for stored in records.current(kind)
        if child_id in getattr(stored.version.payload, "child_ids", ())
        and (line := _line(stored, me_id)) is not None
    ]
    return sorted(found, key=lambda n: (n.written_at, n.record_id), reverse=True)


def _conferences(store: DeviceStore, child_id: str) -> list[Meeting]:
    found = (s.version.payload for s in RecordService(store).current("meeting"))
    return [
        m
        for m in found
        if isinstance(m, Meeting) and m.meeting_type in _CONFERENCES and child_id in m.child_ids
    ]


def notes_overview(store: DeviceStore, child_id: str, me_id: str, now: datetime) -> NotesOverview:
    """Return the latest notes, the last analysis, and whether one is due before an RCPC.

    An analysis is due when an RCPC is planned (held after now) and none was written since the
    last conference already held, or at all.
    """
    notes = child_notes(store, child_id, me_id)
    analyses = [n for n in notes if n.kind == "analysis"]
    last_analysis = analyses[0].written_at if analyses else None
    meetings = _conferences(store, child_id)
    planned = sorted(
        m.held_at for m in meetings if m.meeting_type == MeetingType.RCPC and m.held_at > now
    )
    next_rcpc = planned[0] if planned else None
    held = [m.held_at for m in meetings if m.held_at <= now]
    since = max(held, default=None)
    due = next_rcpc is not None and (
        last_analysis is None or (since is not None and last_analysis < since)
    )
    return NotesOverview(
        latest=tuple(notes[:LATEST_SHOWN]),
        last_analysis_at=last_analysis,
        next_rcpc=next_rcpc.date() if next_rcpc else None,
        analysis_due=due,
    )
