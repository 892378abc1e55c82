"""Sync: push the outbox in order, then pull everything new, each step safe to interrupt.

Push: the oldest queued versions go first; a version leaves the outbox only in the same
transaction that records the server's answer for it. If the answer is lost (a dropped
connection after the server committed), the version is pushed again and the server answers
`duplicate`: nothing is lost, nothing is stored twice.

Pull: each page is stored together with its cursor in one transaction, so a crash costs at
most a page of re-download, never a record (a power cut, the last few pages: their commits do
not wait for the disk, see DeviceStore.refetchable). The next page downloads while one is
stored (services.pages_ahead); pages are still stored strictly in order. Each item is sealed
as the JSON the server sent, validated on its own (mobile_app.pull_page).

Scope: the first page of a pull says which cases the user may see now and which have left
their allocation. A case that left is removed from the device (its own unsynced and rejected
versions stay). A case that entered (or came back under a new allocation) needs its whole
history, older than the cursor: the cursor goes back to 0 in the same transaction that records
the new scope, and the pull runs again from there. Merging is idempotent, so this costs only
time, and an interrupted re-pull resumes from wherever its stored cursor got to. A case that
came back under a new allocation is removed first: something hidden from the user while it was
away would otherwise stay.

Withdrawal: each page names the records that became hidden from the user (a later version
restricted them); they are removed in the page's own transaction, except versions the server
does not hold (a pending amendment is pushed, refused as unknown, and kept as a sync issue).
Drafts about a case that left or a record withdrawn are removed with them and counted in the
report (see orphaned_drafts). When the server's read-rules generation differs from the one
stored here, everything the server holds is removed (except versions in conflict, whose prompt
to resolve must stay) and the pull starts again from 0, so nothing read under older rules
stays on the device.

Never stuck: a version that cannot be opened is set aside (store.quarantine) and the rest is
pushed. A batch the server fails on (5xx) is halved until the version it fails on is alone;
the others go on, later versions of its record wait behind it, and once the pull shows the
server is up it counts a try against that version: after `hold_after` tries it is held back
until the practitioner asks to try it again (see services.set_aside).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mobile_app.errors import RecordTampered, ServerFault, ServerRefused, StoreError
from mobile_app.pull_page import PulledPage
from mobile_app.services.sync.device_clock import Clock, learn_offset
from mobile_app.services.sync.issues import issue_detail
from mobile_app.services.sync.pages_ahead import PagesAhead, cycles_uncollected
from mobile_app.services.sync.sync_settings import LAST_SYNC_SETTING, READ_RULES_SETTING
from mobile_app.services.visits.orphaned_drafts import discard_orphaned_drafts
from mobile_app.store import DeviceStore, SyncState
from shared.clock import iso, utc_now
from shared.protocol import ItemStatus, PullResponse, PushItemResult, PushRequest, RecordVersion

if TYPE_CHECKING:  # a type only: `status` reads LAST_SYNC_SETTING without the HTTP client
    from mobile_app.sync_client import SyncClient

PUSH_BATCH = 500
DEFAULT_HOLD_AFTER = 5  # server failures (5xx) of one version before it is held back
PULL_PAGE = 1000
# The first page has nothing to overlap its download with: a small one starts the storing sooner.
PULL_FIRST_PAGE = 250
_STATE_FOR = {
    ItemStatus.ACCEPTED: SyncState.SYNCED,
    ItemStatus.DUPLICATE: SyncState.SYNCED,
    ItemStatus.CONFLICT: SyncState.CONFLICT,
    ItemStatus.REJECTED: SyncState.REJECTED,
}


@dataclass
class SyncReport:
    """What one sync did."""

    pushed: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # rejected version id -> why
    pulled: int = 0
    left_scope: list[str] = field(default_factory=list)
    entered_scope: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)  # records removed: hidden from the user
    read_rules_changed: bool = False  # the device dropped server copies and pulled again
    drafts_discarded: int = 0  # unfinished drafts of cases or records no longer held here
    set_aside: list[str] = field(default_factory=list)  # damaged versions found and set aside
    not_sent: list[str] = field(default_factory=list)  # the server failed on them: tried again
    held: list[str] = field(default_factory=list)  # failed too often: held back until released


@dataclass
class _Failing:
    """Versions the server failed on (5xx) when pushed alone in this sync."""

    versions: list[str] = field(default_factory=list)
    records: set[str] = field(default_factory=set)  # their later versions wait behind them
    any_accepted: bool = False

    def add(self, version: RecordVersion) -> None:
        self.versions.append(version.version_id)
        self.records.add(version.record_id)


Progress = Callable[[str, int, int], None]


class SyncService:
    """Runs one sync of this device against its server."""

    def __init__(
        self,
        store: DeviceStore,
        client: "SyncClient",
        clock: Clock = utc_now,
        *,
        hold_after: int = DEFAULT_HOLD_AFTER,
    ) -> None:
        self._store = store
        self._client = client
        self._clock = clock  # the phone's clock, corrected by the server's after each sync
        self._hold_after = hold_after

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Push the whole outbox, then pull to the end; returns what happened.

        Whatever happens, the server's clock told on the way is kept (device_clock, V1).
        """
        try:
            return self._sync(progress)
        finally:
            learn_offset(self._store, self._client, self._clock)

    def _sync(self, progress: Progress | None) -> SyncReport:
        report = SyncReport()
        failing = _Failing()
        try:
            self._push_all(report, progress, failing)
        except (ServerFault, ServerRefused):
            # The outbox is kept for the next sync, but one version the server cannot take
            # must not stop this device receiving everyone else's safeguarding updates.
            self._pull_all(report, progress)
            raise
        self._pull_all(report, progress)
        # The pull worked, so the server is up: what failed alone is that version's problem.
        for version_id in failing.versions:
            held = self._store.outbox.count_server_failure(version_id, self._hold_after)
            (report.held if held else report.not_sent).append(version_id)
        self._store.settings.put(LAST_SYNC_SETTING, iso(utc_now()))
        return report

    def _push_all(self, report: SyncReport, progress: Progress | None, failing: _Failing) -> None:
        total = self._store.outbox.count()
        while version_ids := self._store.outbox.peek(PUSH_BATCH, failing.records):
            versions = self._readable(version_ids, report)
            if versions:
                self._push(versions, report, failing)
            if progress:
                progress("push", report.pushed, total)

    def _readable(self, version_ids: list[str], report: SyncReport) -> list[RecordVersion]:
        """Open the versions to push; a damaged one is set aside (and leaves the outbox)."""
        versions = []
        for version_id in version_ids:
            try:
                versions.append(self._store.records.get(version_id).version)
            except RecordTampered:
                report.set_aside.append(version_id)
        return versions

    def _push(self, versions: list[RecordVersion], report: SyncReport, failing: _Failing) -> None:
        """Push a batch; on a server failure, halve it until the version it fails on is alone.

        Two versions failing alone before any push went through means the server, not a
        version, is at fault: that stops the push as before (nothing is counted against them).
        """
        try:
            answer = self._client.push(PushRequest(items=versions))
        except ServerFault:
            if len(versions) == 1:
                failing.add(versions[0])
                if len(failing.versions) >= 2 and not failing.any_accepted:
                    raise
                return
            middle = len(versions) // 2
            self._push(versions[:middle], report, failing)
            rest = [v for v in versions[middle:] if v.record_id not in failing.records]
            if rest:
                self._push(rest, report, failing)
            return
        failing.any_accepted = True
        if [r.version_id for r in answer.results] != [v.version_id for v in versions]:
            raise StoreError("The server answered for different records than were sent.")
        self._settle(answer.results, report)

    def _settle(self, results: list[PushItemResult], report: SyncReport) -> None:
        with self._store.atomic():
            for result in results:
                self._store.records.set_state(
                    result.version_id, _STATE_FOR[result.status], result.server_seq
                )
                if result.status in (ItemStatus.CONFLICT, ItemStatus.REJECTED):
                    self._store.sync_issues.put(
                        result.version_id, result.model_dump(mode="json"), status=result.status
                    )
            self._store.outbox.discard(r.version_id for r in results)
        report.pushed += len(results)
        report.accepted += sum(r.status == ItemStatus.ACCEPTED for r in results)
        report.duplicates += sum(r.status == ItemStatus.DUPLICATE for r in results)
        report.conflicts += [r.version_id for r in results if r.status == ItemStatus.CONFLICT]
        report.rejected += [r.version_id for r in results if r.status == ItemStatus.REJECTED]
        report.reasons.update(
            (r.version_id, issue_detail(r)) for r in results if r.status == ItemStatus.REJECTED
        )

    def _pull_all(self, report: SyncReport, progress: Progress | None) -> None:
        scope_checked = False
        # Pulled pages can be fetched again, so their commits need not wait for the disk.
        with (
            self._store.refetchable(),
            cycles_uncollected(),
            PagesAhead(self._client, PULL_PAGE, PULL_FIRST_PAGE) as pages,
        ):
            while True:
                cursor = self._store.cursor.get()
                page = pages.fetch(cursor)
                if not scope_checked:
                    scope_checked = True
                    rewound = self._apply_scope(page, cursor, report)
                    if self._apply_read_rules(page, cursor, report) or rewound:
                        continue  # the cursor went back to 0: pull the page again from there
                if page.has_more:
                    pages.fetch_ahead(page.next_cursor)  # downloads while this page is stored
                self._store_page(page, report)
                if progress:
                    progress("pull", report.pulled, report.pulled)
                if not page.has_more:
                    return

    def _store_page(self, page: PullResponse, report: SyncReport) -> None:
        """Store a page with its cursor, withdrawals and orphaned drafts in one transaction."""
        with self._store.atomic():
            # A page read from the server's bytes seals each item's JSON as it came.
            received = page.received_json() if isinstance(page, PulledPage) else None
            report.pulled += self._store.records.merge_pulled(page.items, received)
            self._store.outbox.discard(v.version_id for v in page.items)
            report.withdrawn += self._withdraw(page.withdrawn)
            report.drafts_discarded += discard_orphaned_drafts(
                self._store, set(), set(page.withdrawn)
            )
            self._store.cursor.set(page.next_cursor)

    def _apply_scope(self, page: PullResponse, cursor: int, report: SyncReport) -> bool:
        """Remove cases that left; note cases that entered. True when the cursor was reset."""
        if page.scope is None:
            return False  # a server from before scope: nothing to learn
        now = {case.case_id: case.allocation_id for case in page.scope}
        held = self._store.scope.get()
        left = sorted((set(held) | set(page.left_scope)) - set(now))
        entered = {
            case: allocation for case, allocation in now.items() if held.get(case) != allocation
        }
        reset = bool(entered) and cursor > 0
        returned = [case for case in entered if case in held]
        # Read before the purge: a note draft names its child, a record of the leaving case.
        gone_records = {row.record_id for c in left for row in self._store.records.rows(case_id=c)}
        with self._store.atomic():
            for case_id in (*left, *returned):
                self._store.records.purge_case(case_id)
            report.drafts_discarded += discard_orphaned_drafts(self._store, set(left), gone_records)
            self._store.scope.remove(left)
            self._store.scope.put(entered)
            if reset:
                self._store.cursor.rewind()
        report.left_scope += [c for c in left if c in held]
        report.entered_scope += sorted(entered)
        return reset

    def _apply_read_rules(self, page: PullResponse, cursor: int, report: SyncReport) -> bool:
        """Drop server copies when the read rules changed. True when the cursor was reset."""
        if page.read_rules is None or self._store.settings.get(READ_RULES_SETTING) == (
            page.read_rules
        ):
            return False  # a server from before generations, or nothing changed
        reset = cursor > 0
        with self._store.atomic():
            purged = self._store.records.purge_synced()
            self._store.settings.put(READ_RULES_SETTING, page.read_rules)
            if reset:
                self._store.cursor.rewind()
        report.read_rules_changed = purged > 0
        return reset

    def _withdraw(self, record_ids: list[str]) -> list[str]:
        """Remove records hidden from the user; return those this device held."""
        return [r for r in record_ids if self._store.records.purge_record(r)]
