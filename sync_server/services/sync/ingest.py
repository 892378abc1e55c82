"""The ingest rules: what happens to each pushed version, decided inside one transaction.

Versions are never overwritten. An edit names the version it replaces (and why); two edits of
the same base are both kept and reported as a conflict for a person to resolve, with a new
version that replaces every head (the first in replaces_version_id, the rest in also_replaces).
Withdrawing a record or marking it entered in error is an ordinary version. An entry or a visit
is changed (amended, withdrawn, marked in error, resolved) only by who made its first version:
the authors of the records a batch edits are looked up once per batch. A version id is stored
once: an identical resubmission is a duplicate, a different one is refused.

Rule V1 (shared.rules.event_time): a current version whose event time is later than its
receipt plus the clock tolerance is refused naming the field, and a record's first version
written more than 24 hours after its event needs a late-entry reason. Taking a record back
(withdrawn, entered in error) is never refused for its times: a wrong time is a reason to.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from shared.models import (
    AnalysisNote,
    Child,
    ChronologyEntry,
    CPPlan,
    DecisionRecord,
    PlanOutcome,
    RecordPayload,
)
from shared.models.link import SameEventLink
from shared.models.review import ReviewDecision
from shared.protocol import ItemStatus, RecordVersion
from shared.rules.event_time import EventClock
from sync_server.repository import (
    ChronologyIndexRow,
    IngestBatch,
    KnownVersion,
    NewVersion,
    ReplacementRow,
)
from sync_server.repository.interface import RestrictionRow, Viewer
from sync_server.services.access.scope import may_read, sees_kind, viewer
from sync_server.services.sync.outcomes import Outcome, rejected
from sync_server.services.sync.push_rules import (
    HELD_TYPES,
    NOT_ALLOCATED,
    PlanLeads,
    PractitionerCases,
    Pusher,
    Refusal,
    approver_of,
    check_authorship,
    check_chair_approval,
    check_event_times,
    check_permission,
    check_plan_holder,
    child_refs,
    is_own_account,
    plan_of,
)
from sync_server.services.sync.visit_rules import (
    birth_dates,
    check_seen_awake,
    children_to_age,
)

# model_dump_json() without its Python wrapper: bytes, ready to hash (a hot path)
_to_json = RecordVersion.__pydantic_serializer__.to_json
_DEVICE_TIME_KEY = b'"device_time":"'


@dataclass(slots=True)
class _Known:
    """Everything looked up once per batch, plus what this batch has added so far."""

    versions: dict[str, KnownVersion | NewVersion]  # stored, or new earlier in this batch
    records: set[str]
    replacers: dict[str, list[str]]  # replaced version id -> versions replacing it
    child_cases: dict[str, str]
    edited: set[str]  # records this batch edits
    heads: dict[str, list[str]]  # record id -> current heads, for records edited in this batch
    # Restriction rows of the records edited or linked in this batch (plus this batch's own).
    restrictions: dict[str, list[RestrictionRow]]
    # Each record a link or a decision names -> (type, case), or None while it is not stored.
    linked: dict[str, tuple[str, str] | None]
    # Who made the first version of each entry or visit this batch edits.
    original_authors: dict[str, str]
    # (type, first pusher's agency) of records edited or named, looked up for a reader whose
    # kinds of record are limited (a partner), so a hidden record answers like a missing one.
    origins: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The plans this batch's outcomes and plan edits name; the chairs its meetings name.
    plans: dict[str, PlanLeads] = field(default_factory=dict)
    # The plan each outcome version an outcome edit replaces names (stored, or new in the batch).
    outcome_plans: dict[str, str] = field(default_factory=dict)
    approvers: dict[str, PractitionerCases] = field(default_factory=dict)
    # The dates of birth of the children this batch's visits name, where V3 needs the age.
    birth_dates: dict[str, list[date | None]] = field(default_factory=dict)
    new_index: dict[str, int] = field(default_factory=dict)  # version_id -> position in batch
    # Server order of every replacing version seen: (0, server_seq) stored, (1, position) new.
    replacer_order: dict[str, tuple[int, int]] = field(default_factory=dict)


def device_time(canonical: bytes) -> str:
    """Return the version's device_time exactly as its canonical JSON writes it.

    Reading it back from the JSON costs a fifth of formatting the datetime again. It is safe:
    a quote inside any string value before it (amend_reason) is escaped, so the key with its
    quotes cannot appear there.
    """
    start = canonical.index(_DEVICE_TIME_KEY) + len(_DEVICE_TIME_KEY)
    return canonical[start : canonical.index(b'"', start)].decode()


def event_time(entry: ChronologyEntry) -> str:
    """Return a chronology entry's event time as fixed-width UTC text (sorts as time)."""
    moment = entry.event_datetime
    if moment.utcoffset():  # most devices send UTC already; converting costs per entry
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _check_lineage(version: RecordVersion, known: _Known, reader: Viewer) -> tuple[str, ...]:
    """Check the version's place in its record's history; return the versions it replaces.

    Every replaced version (replaces_version_id, then each of also_replaces) must be stored,
    or earlier in this batch, and be of the same record and case. A restricted record the
    pusher may not read is answered exactly as a record that is not on the server.
    """
    replaced = version.replaced_ids()
    if not replaced:
        if version.record_id in known.records:
            raise Refusal(
                "record_id",
                "this record already exists: an edit must name the version it replaces",
            )
        return replaced
    for position, base_id in enumerate(replaced):
        if position == 0:
            field, which = "replaces_version_id", "the version this edit replaces"
        else:
            field, which = "also_replaces", f"version {position} named in also_replaces"
        base = known.versions.get(base_id)
        hidden = _hidden(reader, known, version.record_id)
        if base is None or hidden:
            raise Refusal(field, f"{which} is not on the server")
        if base.record_id != version.record_id or base.case_id != version.case_id:
            raise Refusal(field, f"{which} is of another record or case")
        if base.record_type != version.payload.record_type:
            raise Refusal("payload.record_type", "an edit cannot change the kind of record")
    return replaced


def _rivals(version_id: str, replaced: tuple[str, ...], known: _Known, record_id: str) -> list[str]:
    """Return the versions this one competes with: none when it replaces every current head.

    A rival is another version that already replaces one of the versions this one replaces,
    unless this one replaces it too. A version replacing every head of its record resolves
    the record's conflict, whatever else it names.
    """
    heads = known.heads.get(record_id, ())
    if heads and set(heads).issubset(replaced):
        return []
    rivals = {
        other
        for base_id in replaced
        for other in known.replacers.get(base_id, ())
        if other != version_id and other not in replaced
    }
    return sorted(rivals, key=known.replacer_order.__getitem__)


def _first_sender(stored: KnownVersion | NewVersion, pusher: Pusher) -> bool:
    """True when the pusher's device is the one that first sent this stored version."""
    return stored.device_id == pusher.device_id and stored.author_id == pusher.practitioner.id


def _reachable(stored: KnownVersion | NewVersion, pusher: Pusher) -> bool:
    """True when the stored version's case is one the pusher may push to."""
    return stored.case_id in pusher.cases or stored.case_id in pusher.team_cases


def _check_children(version: RecordVersion, known: _Known) -> None:
    where, child_ids = child_refs(version)
    for child_id in child_ids:
        if known.child_cases.get(child_id) != version.case_id:
            raise Refusal(where, "names a child who is not in this case")


def _check_named_entries(version: RecordVersion, known: _Known, reader: Viewer) -> None:
    """Check a same-event link, or a decision, names readable chronology entries of its own
    case (a record it may not read answers like one that is not there)."""
    payload = version.payload
    if isinstance(payload, SameEventLink):
        field, entry_ids = "payload.entry_record_ids", payload.entry_record_ids
    elif isinstance(payload, DecisionRecord):
        field, entry_ids = "payload.trigger_entry_id", (payload.trigger_entry_id,)
    else:
        return
    for entry_id in entry_ids:
        kind = known.linked.get(entry_id)
        if kind != ("chronology_entry", version.case_id) or _hidden(reader, known, entry_id):
            raise Refusal(field, "names an entry that is not in this case")


def _hidden(reader: Viewer, known: _Known, record_id: str) -> bool:
    """True when the pusher may not read this stored record (restricted, or of a kind or an
    agency their role does not see)."""
    origin = known.origins.get(record_id)
    return not may_read(reader, known.restrictions.get(record_id, ())) or (
        origin is not None and not sees_kind(reader, *origin)
    )


def _check_review(version: RecordVersion, known: _Known, reader: Viewer) -> None:
    """Check a review decision names a stored version of the reviewed record, in its own case,
    that its reviewer did not make (nobody reviews their own work)."""
    payload = version.payload
    if not isinstance(payload, ReviewDecision):
        return
    reviewed = known.versions.get(payload.reviewed_version_id)
    hidden = not may_read(reader, known.restrictions.get(payload.reviewed_record_id, ()))
    if (
        reviewed is None
        or hidden
        or reviewed.record_id != payload.reviewed_record_id
        or reviewed.case_id != version.case_id
    ):
        raise Refusal(
            "payload.reviewed_version_id", "is not a version of the reviewed record in this case"
        )
    if reviewed.author_id == payload.reviewer_id:
        raise Refusal("payload.reviewer_id", "you cannot review a version you made")


def _named_records(payload: RecordPayload) -> tuple[str, ...]:
    """The records a record is about: a link's entries, a review's record, a decision's trigger,
    an analysis note's entries.

    Its storage twin is repository.version_fields.KEPT_FIELDS, which restriction inheritance
    reads: change both together (tests/sync_server/test_version_fields.py holds them so).
    """
    if isinstance(payload, SameEventLink):
        return payload.entry_record_ids
    if isinstance(payload, ReviewDecision):
        return (payload.reviewed_record_id,)
    if isinstance(payload, DecisionRecord):
        return (payload.trigger_entry_id,)
    if isinstance(payload, AnalysisNote):
        return payload.entry_ids
    return ()


def _inherited_restrictions(version: RecordVersion, known: _Known) -> list[RestrictionRow]:
    """Return rows restricting a record as much as each restricted record it is about: a
    review of a restricted entry (or a decision on one) describes it, so it is hidden alike.

    This covers a record pushed after the restriction; one stored before it gets the rows when
    the restricting version is stored (`_BatchIngest.finish`, `inherit_restrictions`).
    """
    rules = {
        (row.owner_agency, row.roles)
        for named_id in _named_records(version.payload)
        for row in known.restrictions.get(named_id, ())
    }
    return [
        RestrictionRow(version.record_id, version.version_id, version.case_id, owner, roles)
        for owner, roles in rules
    ]


def _look_up(batch: IngestBatch, versions: Sequence[RecordVersion], reader: Viewer) -> _Known:
    ids = {v.version_id for v in versions}
    edits = [v for v in versions if v.replaces_version_id is not None]
    edited = {v.record_id for v in edits}
    own_accounts = {v.record_id for v in edits if is_own_account(v.payload.record_type)}
    bases = {base_id for v in edits for base_id in v.replaced_ids()}
    new_records = {v.record_id for v in versions if v.replaces_version_id is None}
    children = {c for v in versions for c in child_refs(v)[1]}
    linked = {
        entry_id
        for v in versions
        if isinstance(v.payload, SameEventLink)
        for entry_id in v.payload.entry_record_ids
    } | {v.payload.trigger_entry_id for v in versions if isinstance(v.payload, DecisionRecord)}
    reviews = [v.payload for v in versions if isinstance(v.payload, ReviewDecision)]
    reviewed = {r.reviewed_version_id for r in reviews}
    named = {n for v in versions for n in _named_records(v.payload)}
    # A batch of new entries only (the common push) costs no restriction or link query, and
    # no plan or practitioner query.
    restricted = edited | named
    held = [v for v in versions if v.payload.record_type in HELD_TYPES]
    plans = {plan_id for v in held if (plan_id := plan_of(v)) is not None}
    outcome_bases = {
        base_id for v in held if isinstance(v.payload, PlanOutcome) for base_id in v.replaced_ids()
    }
    approvers = {chair for v in held if (chair := approver_of(v)) is not None}
    to_age = children_to_age(versions)
    stored: dict[str, KnownVersion | NewVersion] = dict(
        batch.known_versions(ids | bases | reviewed)
    )
    # A batch of new records only (the common push) costs no heads or replacers query.
    replacing = batch.replacing_versions(bases)
    return _Known(
        versions=stored,
        records=batch.existing_records(new_records),
        replacers={base: [vid for vid, _ in found] for base, found in replacing.items()},
        child_cases=batch.child_cases(children),
        edited=edited,
        heads=batch.heads(edited) if edited else {},
        restrictions=batch.restrictions(restricted) if restricted else {},
        linked={**dict.fromkeys(linked), **batch.record_kinds(linked)} if linked else {},
        original_authors=batch.original_authors(own_accounts) if own_accounts else {},
        origins=batch.record_origins(edited | linked)
        if reader.whole_types is not None and (edited | linked)
        else {},
        plans=batch.plan_leads(plans) if plans else {},
        outcome_plans=batch.outcome_plans(outcome_bases) if outcome_bases else {},
        approvers=batch.practitioner_cases(approvers) if approvers else {},
        birth_dates=birth_dates(batch.child_heads(to_age)) if to_age else {},
        replacer_order={vid: (0, seq) for found in replacing.values() for vid, seq in found},
    )


class _BatchIngest:
    """One batch's decisions: rows to insert and, per item, its answer (in push order)."""

    def __init__(self, known: _Known, pusher: Pusher, recorded_at: str, clock: EventClock) -> None:
        self.known, self.pusher, self.recorded_at = known, pusher, recorded_at
        self.clock = clock
        self.agency = pusher.practitioner.agency.value
        self.rows: list[NewVersion] = []
        self.index_rows: list[ChronologyIndexRow] = []
        self.also_rows: list[ReplacementRow] = []
        self.restricted_rows: list[RestrictionRow] = []
        # Rows of edits that newly hide a stored record: passed on to the records about it.
        self.hiding: list[RestrictionRow] = []
        self.reader = viewer(pusher.practitioner)
        # A finished outcome, or (status, row position, conflicting ids) until seqs are known.
        self.answers: list[Outcome | tuple[ItemStatus, int, list[str]]] = []

    def add(self, item: RecordVersion) -> None:
        """Decide one version: refuse it, call it a duplicate, or queue it for storing."""
        known = self.known
        try:
            canonical = _to_json(item)  # the canonical JSON: what is stored and hashed
            content_hash = hashlib.sha256(canonical).digest()
            stored = known.versions.get(item.version_id)
            # A retry of a version already stored is acknowledged before any permission check:
            # the answer for its lost response may come after the case was re-allocated, and a
            # refusal then would make the practitioner record it a second time.
            # Anyone else learns that an id is taken only in a case they can reach: elsewhere
            # it is answered exactly as an unknown id there (no existence oracle).
            if stored is not None and (
                _first_sender(stored, self.pusher) or _reachable(stored, self.pusher)
            ):
                self._duplicate(item.version_id, stored, content_hash)
                return
            check_permission(item, self.pusher)
            if stored is not None:
                raise Refusal("case_id", NOT_ALLOCATED)
            check_event_times(item, self.clock)
            replaced = _check_lineage(item, known, self.reader)
            check_authorship(item, known.original_authors.get(item.record_id), self.pusher)
            if item.payload.record_type in HELD_TYPES:
                self._check_holders(item)
            _check_children(item, known)
            check_seen_awake(item, known.birth_dates)
            _check_named_entries(item, known, self.reader)
            _check_review(item, known, self.reader)
        except Refusal as refusal:
            self.answers.append(rejected(item.version_id, refusal.field, refusal.message))
            return
        self._store(item, replaced, canonical, content_hash)

    def _check_holders(self, item: RecordVersion) -> None:
        """Check who may change a plan or its outcomes, and a meeting's chair approval."""
        plan_id, approver = plan_of(item), approver_of(item)
        known = self.known
        if isinstance(item.payload, PlanOutcome):
            bases = {known.outcome_plans.get(base_id) for base_id in item.replaced_ids()}
            if bases - {None, item.payload.plan_id}:
                # else a plan's lead could take another plan's outcome over by moving it
                raise Refusal(
                    "payload.plan_id", "an outcome stays on its plan: add one to the other plan"
                )
            known.outcome_plans[item.version_id] = item.payload.plan_id
        check_plan_holder(item, known.plans.get(plan_id) if plan_id else None, self.pusher)
        check_chair_approval(item, known.approvers.get(approver) if approver else None)

    def _duplicate(
        self, version_id: str, stored: KnownVersion | NewVersion, content_hash: bytes
    ) -> None:
        if stored.content_hash != content_hash:
            raise Refusal("version_id", "already used for a different version")
        if isinstance(stored, KnownVersion):
            self.answers.append(Outcome(version_id, ItemStatus.DUPLICATE, stored.server_seq))
        else:  # the same version twice in this batch: its seq is not known yet
            self.answers.append((ItemStatus.DUPLICATE, self.known.new_index[version_id], []))

    def _store(
        self, item: RecordVersion, replaced: tuple[str, ...], canonical: bytes, content_hash: bytes
    ) -> None:
        known, payload = self.known, item.payload
        version_id, record_id = item.version_id, item.record_id
        record_type = payload.record_type
        rivals = _rivals(version_id, replaced, known, record_id) if replaced else []
        position = len(self.rows)
        row = NewVersion(
            version_id, record_id, record_type, item.replaces_version_id, item.case_id,
            self.pusher.practitioner.id, self.agency, self.pusher.device_id,
            device_time(canonical), self.recorded_at, content_hash, canonical.decode(),
        )  # fmt: skip
        self.rows.append(row)
        if item.also_replaces:  # only resolutions write the side table
            self.also_rows.extend(ReplacementRow(b, version_id) for b in item.also_replaces)
        if isinstance(payload, ChronologyEntry):
            when = event_time(payload)
            for child_id in dict.fromkeys(payload.child_ids):
                self.index_rows.append(ChronologyIndexRow(child_id, version_id, when))
            if payload.restricted:
                self._restrict(item, frozenset(payload.restricted_roles), replaced)
        else:
            rows = _inherited_restrictions(item, known)
            self.restricted_rows.extend(rows)
            if rows:
                known.restrictions.setdefault(record_id, []).extend(rows)
        status = ItemStatus.CONFLICT if rivals else ItemStatus.ACCEPTED
        self.answers.append((status, position, rivals))
        # Later items in this batch see this one as stored.
        known.versions[version_id] = row
        known.new_index[version_id] = position
        known.records.add(record_id)
        if replaced:
            for base_id in replaced:
                known.replacers.setdefault(base_id, []).append(version_id)
            known.replacer_order[version_id] = (1, position)
            heads = known.heads.get(record_id, ())
            known.heads[record_id] = [h for h in heads if h not in replaced] + [version_id]
        elif record_id in known.edited:  # created and edited in this one batch
            known.heads[record_id] = [version_id]
            known.original_authors[record_id] = row.author_id
        if isinstance(payload, Child):
            known.child_cases[record_id] = item.case_id
            known.birth_dates[record_id] = [payload.dob]  # a visit later in this batch
        elif isinstance(payload, CPPlan):  # an outcome later in this batch may name it
            lead = frozenset({payload.lead_practitioner_id})
            earlier = known.plans.get(record_id)
            in_conflict = len(known.heads.get(record_id, ())) > 1
            leads = earlier[1] | lead if earlier is not None and in_conflict else lead
            known.plans[record_id] = (item.case_id, leads)
        if record_id in known.linked:  # a link later in this batch may name it
            known.linked[record_id] = (record_type, item.case_id)

    def _restrict(
        self, item: RecordVersion, roles: frozenset[str], replaced: tuple[str, ...]
    ) -> None:
        # The agency that first restricted the record keeps owning it, whoever amends it.
        earlier = self.known.restrictions.setdefault(item.record_id, [])
        owner = earlier[0].owner_agency if earlier else self.agency
        row = RestrictionRow(item.record_id, item.version_id, item.case_id, owner, roles)
        # An edit that restricts the record, or narrows its roles, hides it from someone who
        # read it until now: the records about it stored before must be hidden from them too.
        # A row naming a subset of these roles already hides everyone this one would.
        if replaced and not any(e.owner_agency == owner and e.roles <= roles for e in earlier):
            self.hiding.append(row)
        earlier.append(row)
        self.restricted_rows.append(row)

    def finish(self, batch: IngestBatch) -> list[Outcome]:
        """Insert the queued rows and return every item's outcome, in push order."""
        seqs = batch.insert(self.rows, self.index_rows, self.also_rows, self.restricted_rows)
        if self.hiding:  # after the insert, so records about it earlier in the batch count
            batch.inherit_restrictions(self.hiding)
        rows = self.rows
        return [
            answer
            if isinstance(answer, Outcome)
            else Outcome(
                rows[answer[1]].version_id, answer[0], seqs[answer[1]], None, None, answer[2]
            )
            for answer in self.answers
        ]


def ingest(
    batch: IngestBatch,
    pusher: Pusher,
    items: Sequence[RecordVersion | Outcome],
    recorded_at: str,
    clock: EventClock | None = None,
) -> list[Outcome]:
    """Apply the ingest rules to items in order, store what passes, and answer each item.

    `clock` is the receipt time with the clock tolerance (default: recorded_at, 5 minutes).
    """
    versions = [item for item in items if isinstance(item, RecordVersion)]
    reader = viewer(pusher.practitioner)
    clock = clock or EventClock(datetime.fromisoformat(recorded_at))
    decisions = _BatchIngest(_look_up(batch, versions, reader), pusher, recorded_at, clock)
    for item in items:
        if isinstance(item, Outcome):  # refused while decoding
            decisions.answers.append(item)
        else:
            decisions.add(item)
    return decisions.finish(batch)
