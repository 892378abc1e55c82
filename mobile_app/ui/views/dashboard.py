"""The team dashboard (issue 6): each figure a row with its count that opens the list behind it,
and on-time conference paperwork month by month against the standard.

The chart is drawn with flet-charts; its figures are also said as text, which is what a screen
reader announces. The standard is the chart's one horizontal grid line (flet-charts has no
separate "target line"): with the y axis in percent, a grid interval of the standard draws it.
"""

import flet as ft
import flet_charts as fch  # type: ignore[import-untyped]

from mobile_app.services.supervision.dashboard import (
    DashboardFigure,
    PaperworkSummary,
    TeamDashboardView,
)
from mobile_app.ui.controls import (
    back_to_caseload,
    button,
    buttons,
    failed_screen,
    guarded,
    heading,
    lock_action,
    note,
    screen,
    status_line,
    subheading,
)
from mobile_app.ui.flows.review import ReviewFlow
from mobile_app.ui.review_screens import DashboardScreen
from mobile_app.ui.state import DASHBOARD, AppState

CHART_HEIGHT = 220
PAPERWORK = "paperwork"  # the paperwork row's key, beside the figures' own keys


def _percent(share: float | None) -> str:
    return "no paperwork due" if share is None else f"{round(share * 100)}% on time"


def paperwork_text(paper: PaperworkSummary) -> str:
    """Say the paperwork figures in words, month by month, against the standard."""
    standard = round(paper.standard * 100)
    overall = f"Overall {_percent(paper.share_on_time)} against the {standard}% standard"
    overall += f" ({paper.on_time} on time, {paper.late} late, {paper.pending} not yet due)."
    months = [
        f"{p.period}: {_percent(p.share_on_time)}"
        + ("" if p.meets_standard is None else (" (meets)" if p.meets_standard else " (below)"))
        for p in paper.periods
    ]
    return overall + (" " + "; ".join(months) + "." if months else "")


def _chart(paper: PaperworkSummary) -> ft.Control:
    standard = round(paper.standard * 100)
    groups = [
        fch.BarChartGroup(
            x=x,
            rods=[
                fch.BarChartRod(
                    to_y=0 if p.share_on_time is None else round(p.share_on_time * 100),
                    width=18,
                    color=ft.Colors.GREEN_700 if p.meets_standard else ft.Colors.RED_700,
                    tooltip=f"{p.period}: {_percent(p.share_on_time)}",
                )
            ],
        )
        for x, p in enumerate(paper.periods)
    ]
    chart: ft.Control = fch.BarChart(
        groups=groups,
        min_y=0,
        max_y=100,
        horizontal_grid_lines=fch.ChartGridLines(
            interval=standard or 100, color=ft.Colors.BLUE_GREY_700, width=2, dash_pattern=[6, 4]
        ),
        left_axis=fch.ChartAxis(
            labels=[fch.ChartAxisLabel(value=v, label=f"{v}%") for v in sorted({0, standard, 100})],
            label_size=40,
        ),
        bottom_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(value=x, label=p.period) for x, p in enumerate(paper.periods)
            ],
            label_size=32,
        ),
        height=CHART_HEIGHT,
        key="dashboard.paperwork.chart",
    )
    return chart


def _late_meetings(paper: PaperworkSummary) -> list[ft.Control]:
    if not paper.late_meetings:
        return [note("No conference paperwork went out late.", key="dashboard.paperwork.empty")]
    return [
        note(f"Paperwork sent late: {meeting}.", key=f"dashboard.paperwork.line.{n}")
        for n, meeting in enumerate(paper.late_meetings)
    ]


def _paperwork(paper: PaperworkSummary, is_open: bool, review: ReviewFlow) -> list[ft.Control]:
    share = (
        "none due yet" if paper.share_on_time is None else f"{round(paper.share_on_time * 100)}%"
    )
    tap = review.act(lambda: review.dashboard_figure(PAPERWORK))
    title = f"Conference paperwork sent on time: {share}"
    out: list[ft.Control] = [
        subheading("Conference paperwork"),
        buttons(button(title, "dashboard.paperwork", tap, primary=is_open)),
    ]
    if is_open:
        out += _late_meetings(paper)
    if paper.periods:
        label = "On-time paperwork by month, with the standard line"
        out.append(ft.Semantics(label=label, content=_chart(paper)))
    out.append(note(paperwork_text(paper), key="dashboard.paperwork.text"))
    return out


def _lines(figure: DashboardFigure) -> list[ft.Control]:
    if not figure.lines:
        return [note("Nothing behind this figure.", key=f"dashboard.{figure.key}.empty")]
    out: list[ft.Control] = []
    for n, line in enumerate(figure.lines):
        out.append(note(f"{line.about}: {line.detail}", key=f"dashboard.{figure.key}.line.{n}"))
    return out


def _figure(figure: DashboardFigure, is_open: bool, review: ReviewFlow) -> ft.Control:
    count = "not known" if figure.count is None else str(figure.count)
    tap = review.act(lambda: review.dashboard_figure(figure.key))
    row: list[ft.Control] = [
        button(f"{figure.title}: {count}", f"dashboard.{figure.key}", tap, primary=is_open)
    ]
    if figure.note:
        row.append(note(figure.note, key=f"dashboard.{figure.key}.note"))
    if is_open:
        row += _lines(figure)
    return ft.Semantics(container=True, content=ft.Column(row, spacing=4))


def _board(board: TeamDashboardView, open_figure: str, review: ReviewFlow) -> list[ft.Control]:
    if not board.online:
        return [note(board.message, key="dashboard.offline", strong=True)]
    when = board.as_of.astimezone().strftime("%d %b %Y %H:%M") if board.as_of else ""
    out: list[ft.Control] = [note(f"Team {board.team}, as of {when}.", key="dashboard.as_of")]
    out += [_figure(f, f.key == open_figure, review) for f in board.figures]
    if board.paperwork is not None:
        out += _paperwork(board.paperwork, open_figure == PAPERWORK, review)
    return out


@ft.component
@guarded(failed_screen)
def dashboard_view(shown: DashboardScreen | None, state: AppState, review: ReviewFlow) -> ft.View:
    """The figures, the paperwork chart with its words, and the way back."""
    body: list[ft.Control] = [*status_line(state), heading("Team dashboard")]
    if shown is None:
        body.append(note("The dashboard has not been fetched.", key="dashboard.none"))
    else:
        body += _board(shown.board, shown.open_figure, review)
    body.append(
        buttons(
            button("Fetch again", "dashboard.refresh", review.act(review.dashboard)),
            back_to_caseload(review),
        )
    )
    lock = lock_action(review)
    return screen("screen.dashboard", DASHBOARD, "Dashboard", body, [lock])
