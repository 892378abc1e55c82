"""The facts every rule needs about one child, worked out once from the case records."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from shared.rules.calendar import WorkingDayCalendar, local_date
from shared.rules.inputs import (
    CaseRecords,
    CPPlanInput,
    EntryRecord,
    MeetingInput,
    MeetingType,
    VisitRecord,
)
from shared.rules.settings import RuleSettings
from shared.vocabulary import ChildStatus, CPCategory


class _Keyed(Protocol):
    @property
    def record_id(self) -> str: ...

    def model_dump_json(self) -> str: ...


_T = TypeVar("_T", bound=_Keyed)

_LISTS = (
    "visits",
    "visit_progress",
    "entries",
    "adults",
    "plans",
    "meetings",
    "decisions",
    "escalations",
    "transfers",
)


def _unique(items: Sequence[_T]) -> tuple[_T, ...]:
    """Keep one record per id (the same one whatever the order) sorted by id."""
    chosen: dict[str, _T] = {}
    for item in items:
        held = chosen.get(item.record_id)
        if held is None or item.model_dump_json() > held.model_dump_json():
            chosen[item.record_id] = item
    return tuple(chosen[key] for key in sorted(chosen))


def normalise(records: CaseRecords) -> CaseRecords:
    """Return the records with duplicates dropped and each list in record-id order."""
    return records.model_copy(update={name: _unique(getattr(records, name)) for name in _LISTS})


@dataclass(frozen=True)
class RuleContext:
    """One child's records (only those naming the child), the calendar, settings and now."""

    records: CaseRecords
    now: datetime
    calendar: WorkingDayCalendar
    settings: RuleSettings

    @property
    def child_id(self) -> str:
        """Return the child these alerts are for."""
        return self.records.child_id

    @property
    def today(self) -> date:
        """Return today's date in England."""
        return local_date(self.now)

    @property
    def on_cp(self) -> bool:
        """Return True when the child is on a child protection plan."""
        return self.records.child.status == ChildStatus.CP

    @property
    def neglect_cp(self) -> bool:
        """Return True when the child is on a CP plan under the neglect category."""
        return self.on_cp and CPCategory.NEGLECT in self.records.child.cp_categories

    def visits(self) -> list[VisitRecord]:
        """Return the child's visits, oldest first (ties broken by record id)."""
        mine = [v for v in self.records.visits if self.child_id in v.visit.child_ids]
        return sorted(mine, key=lambda v: (v.visit.start, v.record_id))

    def entries(self) -> list[EntryRecord]:
        """Return the child's chronology entries, oldest event first."""
        mine = [e for e in self.records.entries if self.child_id in e.entry.child_ids]
        return sorted(mine, key=lambda e: (e.entry.event_datetime, e.record_id))

    def meetings(self, *types: MeetingType) -> list[MeetingInput]:
        """Return the child's meetings of the given types, oldest first."""
        mine = [
            m
            for m in self.records.meetings
            if self.child_id in m.child_ids and m.meeting_type in types
        ]
        return sorted(mine, key=lambda m: (m.held_on, m.record_id))

    def active_plan(self) -> CPPlanInput | None:
        """Return the CP plan in force today, the latest started if several."""
        live = [
            p
            for p in self.records.plans
            if self.child_id in p.child_ids
            and p.start_date <= self.today
            and (p.end_date is None or p.end_date >= self.today)
        ]
        return max(live, key=lambda p: (p.start_date, p.record_id), default=None)
