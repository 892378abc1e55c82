"""The models of the supervision and decision screens: each an observable, changed only
through its own methods, so a change re-renders the screen that shows it."""

from dataclasses import dataclass, field, replace

from mobile_app.services.caseload.overview import ChildRow
from mobile_app.services.chronology.decisions import DecisionEntry, PendingDecision
from mobile_app.services.planning.note_drafts import AnalysisForm, SupervisionForm
from mobile_app.services.planning.note_lines import NoteLine
from mobile_app.services.supervision.dashboard import TeamDashboardView
from mobile_app.services.supervision.review import ReturnedItem, ReviewRow
from mobile_app.services.supervision.review_detail import ReviewDetail
from mobile_app.services.supervision.review_order import ChildRisk, QueueChoice
from mobile_app.services.visits.form_drafts import ReviewDraft
from mobile_app.ui.screens import ScreenModel


@dataclass
class ReviewScreen(ScreenModel):
    """Supervision: my review queue (supervisors only) and my records returned to me."""

    rows: list[ReviewRow]
    returned: list[ReturnedItem]
    supervisor: bool
    amendable: frozenset[str] = frozenset()  # returned visits I may amend in the visit form
    forms: dict[str, ReviewDraft] = field(default_factory=dict)  # by version id
    kept: frozenset[str] = frozenset()  # versions whose comment comes from a kept draft
    choice: QueueChoice = field(default_factory=QueueChoice)
    risks: dict[str, ChildRisk] = field(default_factory=dict)  # by child id, from the caseload
    # What I decided here since the queue was opened, by version: the row and the outcome in
    # words, shown beside the item it was about.
    acted: dict[str, tuple[ReviewRow, str]] = field(default_factory=dict)

    def choose(
        self, kind: str | None = None, worker: str | None = None, order: str | None = None
    ) -> None:
        """Filter or sort the queue; what is not given stays as chosen."""
        given = {"kind": kind, "worker": worker, "order": order}
        self.choice = replace(self.choice, **{k: v for k, v in given.items() if v is not None})

    def type(self, version_id: str, name: str, text: str) -> ReviewDraft:
        """Keep the comment or stage typed for one version (no re-render while typing)."""
        form = self.forms.get(version_id) or ReviewDraft()
        form = form.model_copy(update={name: text})
        self._keep(forms={**self.forms, version_id: form})
        return form

    def decided(self, row: ReviewRow, outcome: str) -> None:
        """Remember what I decided on a version, to show beside it when the queue is read again."""
        self._keep(acted={**self.acted, row.version_id: (row, outcome)})


@dataclass
class ReviewItemScreen(ScreenModel):
    """One queued record read in full, and the decision being written on it."""

    row: ReviewRow
    detail: ReviewDetail
    risk: str = ""  # why it sorts where it does, in words
    problem: str = ""  # what stops the decision, said at the reason box
    problem_at: str = ""  # "comment" or "stage": the field the problem is about

    def refuse(self, problem: str, at: str) -> None:
        """Say what stops the decision at the field it is about ("comment" or "stage")."""
        self.problem, self.problem_at = problem, at
        self._redraw()  # the same refusal again still shows


@dataclass
class DashboardScreen(ScreenModel):
    """The team dashboard (supervisors), and the figure whose list is open ("" for none)."""

    board: TeamDashboardView
    open_figure: str = ""

    def toggle(self, key: str) -> None:
        """Open the list behind one figure, or close it when it is already open."""
        self.open_figure = "" if self.open_figure == key else key


@dataclass
class DecisionScreen(ScreenModel):
    """One child's decision prompts (A6), and the "no action" decisions awaiting a signature."""

    child: ChildRow
    prompts: list[PendingDecision]
    waiting: list[DecisionEntry]
    can_decide: bool
    can_countersign: bool
    rationales: dict[str, str] = field(default_factory=dict)  # by the entry needing it
    kept: bool = False  # the rationales come from a kept draft

    def type_rationale(self, trigger_entry_id: str, text: str) -> dict[str, str]:
        """Keep one decision's rationale as it is written (no re-render while typing)."""
        self._keep(rationales={**self.rationales, trigger_entry_id: text})
        return self.rationales


@dataclass
class NotesScreen(ScreenModel):
    """A child's supervision and analysis notes, and the note being written ("" for none)."""

    child: ChildRow
    notes: list[NoteLine]
    can_analyse: bool
    can_supervise: bool
    drafts: frozenset[str] = frozenset()  # kinds of note with a draft kept for this child
    writing: str = ""  # "analysis", "supervision", or "" when no form is open
    analysis: AnalysisForm = field(default_factory=AnalysisForm)
    supervision: SupervisionForm = field(default_factory=SupervisionForm)

    def write_analysis(self, form: AnalysisForm) -> None:
        """Open the analysis form on these fields."""
        self.analysis, self.writing = form, "analysis"
        self._redraw()

    def write_supervision(self, form: SupervisionForm) -> None:
        """Open the supervision form on these fields."""
        self.supervision, self.writing = form, "supervision"
        self._redraw()

    def type(self, name: str, text: str) -> AnalysisForm | SupervisionForm:
        """Keep a field of the open form being typed (no re-render while typing)."""
        if self.writing == "analysis":
            self._keep(analysis=self.analysis.model_copy(update={name: text}))
            return self.analysis
        self._keep(supervision=self.supervision.model_copy(update={name: text}))
        return self.supervision
