"""Merged chronologies, per child and per family: the current version of every entry.

The chronology is a view over immutable versions, never an overwritten row. An entry with
two or more current versions (an unresolved conflict) shows them all, flagged; a withdrawn
or entered-in-error entry is still shown, flagged by its lifecycle. Each entry lists the
entries a current same-event link joins it with. The caller sees their scope (a supervisor:
their team's caseload) less the entries they may not read (services/scope.readable: restricted
entries, and for a partner every entry their agency did not make). Every read, and every
refusal, is audited.
"""

from collections.abc import Sequence
from datetime import datetime

from shared.chronology import ChronologyLine, ChronologyQuery, entry_line_fields, run_query
from shared.ids import is_id
from shared.models import ChronologyEntry, Practitioner
from shared.protocol import (
    CaseChronologyResponse,
    ChronologyItem,
    ChronologyResponse,
    RecordVersion,
)
from sync_server.errors import NotFound, StorageError
from sync_server.repository import ChronologyHead, Repository
from sync_server.repository.authority_transfers import Provenance
from sync_server.services.access.audit import AuditAction, AuditTrail
from sync_server.services.access.auth import Session
from sync_server.services.access.scope import CallerScope, caller_scope, readable
from sync_server.services.chronology.same_event import (
    SameEventSuggestions,
    current_entries,
    current_links,
    linked_entries,
    suggest,
)
from sync_server.services.sync.bodies import RECORD_VERSION

UNKNOWN_AUTHOR = "unknown"


def author_labels(author: Practitioner | None) -> tuple[str, str]:
    """Return an author's display name and role, or "unknown" for both."""
    if author is None:
        return UNKNOWN_AUTHOR, UNKNOWN_AUTHOR
    return author.display_name, author.role.value


def _version(head: ChronologyHead) -> tuple[RecordVersion, ChronologyEntry]:
    version = RECORD_VERSION.validate_json(head.payload_json)
    if not isinstance(version.payload, ChronologyEntry):
        raise StorageError("a chronology query returned a version that is not an entry")
    return version, version.payload


def _line(head: ChronologyHead) -> ChronologyLine[tuple[ChronologyHead, RecordVersion]]:
    version, entry = _version(head)
    return ChronologyLine(head.record_id, head.version_id, entry, (head, version))


def received_from(provenance: Provenance) -> str:
    """Return where a received version came from, in words."""
    day = datetime.fromisoformat(provenance.received_at)
    return f"received from {provenance.from_authority} on {day.day} {day:%B %Y}"


def _item(  # noqa: PLR0917 - one line of the chronology, from its parts
    head: ChronologyHead,
    version: RecordVersion,
    entry: ChronologyEntry,
    author: Practitioner | None,
    same_event: list[str],
    provenance: Provenance | None = None,
    *,
    before_transfer: bool = False,
) -> ChronologyItem:
    author_name, author_role = author_labels(author)
    if provenance is not None and provenance.author is not None:  # named as their authority did
        author_name, author_role = provenance.author.name, provenance.author.role
    return ChronologyItem(
        version_id=head.version_id,
        record_id=head.record_id,
        case_id=head.case_id,
        **entry_line_fields(entry),
        lifecycle=version.lifecycle,
        amend_reason=version.amend_reason,
        author_id=head.author_id,
        author_name=author_name,
        author_role=author_role,
        author_agency=head.author_agency,
        recorded_at=head.recorded_at,
        version_count=head.version_count,
        in_conflict=head.head_count > 1,
        same_event=same_event,
        received_from=received_from(provenance) if provenance else None,
        recorded_before_transfer=before_transfer,
    )


class ChronologyService:
    """Read chronologies for callers whose scope covers the case."""

    def __init__(self, repository: Repository, audit: AuditTrail) -> None:
        self._repository = repository
        self._audit = audit

    def for_child(
        self, session: Session, child_id: str, filters: ChronologyQuery | None = None
    ) -> ChronologyResponse:
        """Return the child's chronology, filtered; every read (and refusal) is audited.

        Raises:
            NotFound: no such child, or the child is not in the caller's scope (the two
                look the same, so existence is not revealed).
        """
        scope = caller_scope(self._repository, session.practitioner)
        case_id = self._repository.child_case(child_id) if is_id(child_id) else None
        self._check_scope(session, "child", child_id, case_id, scope)
        heads = self._visible(
            session, self._repository.chronology_heads(child_id, scope.readable_cases)
        )
        entries = self._items(session, heads, filters or ChronologyQuery())
        self._read(session, "child", child_id)
        return ChronologyResponse(child_id=child_id, entries=entries)

    def same_event_suggestions(self, session: Session, child_id: str) -> SameEventSuggestions:
        """Return pairs of the child's entries that may record one event, not yet linked.

        Raises:
            NotFound: no such child, or the child is not in the caller's scope.
        """
        scope = caller_scope(self._repository, session.practitioner)
        case_id = self._repository.child_case(child_id) if is_id(child_id) else None
        self._check_scope(session, "child", child_id, case_id, scope)
        heads = self._visible(
            session, self._repository.chronology_heads(child_id, scope.readable_cases)
        )
        linked = self._linked(session, {head.case_id for head in heads})
        suggestions = suggest(current_entries(heads), linked)
        self._read(session, "child", child_id)
        return SameEventSuggestions(child_id=child_id, suggestions=suggestions)

    def for_case(
        self, session: Session, case_id: str, filters: ChronologyQuery | None = None
    ) -> CaseChronologyResponse:
        """Return the family's chronology (each entry once, whichever children it names).

        Raises:
            NotFound: the case is not in the caller's scope (or does not exist).
        """
        scope = caller_scope(self._repository, session.practitioner)
        self._check_scope(session, "case", case_id, case_id if is_id(case_id) else None, scope)
        heads = self._visible(session, self._repository.case_chronology_heads(case_id))
        entries = self._items(session, heads, filters or ChronologyQuery())
        self._read(session, "case", case_id)
        return CaseChronologyResponse(case_id=case_id, entries=entries)

    def _check_scope(
        self,
        session: Session,
        subject_type: str,
        subject_id: str,
        case_id: str | None,
        scope: CallerScope,
    ) -> None:
        if scope.covers(case_id):
            return
        self._audit.for_session(
            AuditAction.CHRONOLOGY_READ_REFUSED, session, subject_type, subject_id
        )
        raise NotFound()

    def _read(self, session: Session, subject_type: str, subject_id: str) -> None:
        self._audit.for_session(AuditAction.CHRONOLOGY_READ, session, subject_type, subject_id)

    def _visible(self, session: Session, heads: Sequence[ChronologyHead]) -> list[ChronologyHead]:
        """Leave out the restricted entries the caller may not read, as if they did not exist."""
        allowed = readable(self._repository, session.practitioner, {h.record_id for h in heads})
        return [head for head in heads if head.record_id in allowed]

    def _linked(self, session: Session, case_ids: set[str]) -> dict[str, list[str]]:
        """Return, per entry, the readable entries a current readable link joins it with."""
        heads = self._repository.same_event_link_heads(case_ids)
        if not heads:
            return {}
        links = current_links(heads)
        named = {entry_id for _, link in links for entry_id in link.entry_record_ids}
        allowed = readable(self._repository, session.practitioner, named | {r for r, _ in links})
        return linked_entries((link for record_id, link in links if record_id in allowed), allowed)

    def _items(
        self, session: Session, heads: Sequence[ChronologyHead], filters: ChronologyQuery
    ) -> list[ChronologyItem]:
        shown = [(*line.held, line.entry) for line in run_query(filters, map(_line, heads))]
        authors = self._repository.practitioners({head.author_id for head, _, _ in shown})
        cases = {head.case_id for head, _, _ in shown}
        linked = self._linked(session, cases) if shown else {}
        received = self._repository.provenance({head.version_id for head, _, _ in shown})
        late = {mark.version_id for mark in self._repository.handover_arrivals(cases)}
        return [
            _item(
                head,
                version,
                entry,
                authors.get(head.author_id),
                linked.get(head.record_id, []),
                received.get(head.version_id),
                before_transfer=head.version_id in late,
            )
            for head, version, entry in shown
        ]
