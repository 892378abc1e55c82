"""Supervision and analysis notes over the real server process (issue 6): notes written on the
supervisor's device reach the social worker's device of the same case; a health visitor's app
offers neither, and the server refuses one pushed anyway."""

from pathlib import Path

import pytest

from mobile_app.services.planning.note_drafts import AnalysisForm, SupervisionForm
from mobile_app.services.planning.notes import NoteRefused, NotesService
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.sync.issues import sync_issues
from mobile_app.store import SyncState
from shared.clock import utc_now
from shared.models import AnalysisNote
from shared.models.review import SupervisionNote
from tests.e2e.conftest import ServerProcess
from tests.e2e.sync_devices import SyncDevice

pytestmark = pytest.mark.e2e


def test_notes_reach_the_case_social_worker_and_a_health_visitors_are_refused(
    server: ServerProcess, tmp_path: Path
) -> None:
    devices = [
        SyncDevice.sign_in(name, tmp_path / name, server.url, f"demo-{name}")
        for name in ("sup", "sw", "hv")
    ]
    sup, sw, hv = devices
    try:
        # A family all three hold: its first child.
        case_id = next(c for c in sorted(hv.children) if c in sup.children and c in sw.children)
        child_id = hv.children[case_id][0]

        notes = NotesService(sup.store, sup.me)
        today = utc_now().date().isoformat()
        notes.write_analysis(
            case_id,
            child_id,
            AnalysisForm(period_from="2026-01-01", period_to=today, analysis="Drift since May."),
        )
        notes.write_supervision(
            case_id, child_id, SupervisionForm(discussion="Core groups missed twice.")
        )
        report = sup.sync()
        assert (report.accepted, report.rejected) == (2, []), report

        sw.sync()
        on_sw = NotesService(sw.store, sw.me).notes_for(child_id)
        assert sorted((n.kind, n.text) for n in on_sw) == [
            ("analysis", "Drift since May."),
            ("supervision", "Core groups missed twice."),
        ]
        assert all(n.author != "You" for n in on_sw), "the supervisor wrote them"

        hv.sync()
        on_hv = NotesService(hv.store, hv.me)
        assert (on_hv.can_analyse, on_hv.can_supervise) == (False, False)
        with pytest.raises(NoteRefused):
            on_hv.write_analysis(case_id, child_id, AnalysisForm(analysis="Mine."))
        # Pushed past the app all the same: the server refuses both kinds.
        forged = [
            AnalysisNote(
                child_ids=(child_id,),
                period_from=utc_now().date(),
                period_to=utc_now().date(),
                analysis="Not mine to write.",
                author_id=hv.me.id,
                author_role=hv.me.role,
            ),
            SupervisionNote(
                child_ids=(child_id,),
                held_at=utc_now(),
                discussion="Not mine to write.",
                author_id=hv.me.id,
            ),
        ]
        made = RecordService(hv.store).record([NewRecord(case_id, p) for p in forged])
        report = hv.sync()
        assert sorted(report.rejected) == sorted(v.version_id for v in made)
        assert {hv.store.records.get(v.version_id).state for v in made} == {SyncState.REJECTED}
        assert len(sync_issues(hv.store)) == 2
    finally:
        for device in devices:
            device.close()
