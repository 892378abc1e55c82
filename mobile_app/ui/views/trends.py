"""A child's trends: the 0-10 safety scale and the checklist concerns, visit by visit.

Drawn with flet-charts (Flet 1.x keeps charts in that package; the web client flet-web ships
already renders its LineChart and BarChart). Each chart also has its figures as text, which
is what a screen reader announces and what a small screen can always show.
"""

from datetime import datetime

import flet as ft
import flet_charts as fch  # type: ignore[import-untyped]

from mobile_app.services.chronology.trends import ChildTrends, ConcernPoint, ScalePoint
from mobile_app.services.visits.scaling import TEN_ANCHOR, ZERO_ANCHOR
from mobile_app.services.wording import label
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
from mobile_app.ui.screens import TrendsScreen
from mobile_app.ui.state import TRENDS, AppState

COLOURS = (ft.Colors.INDIGO, ft.Colors.ORANGE_800, ft.Colors.TEAL, ft.Colors.PINK_700)
CHART_HEIGHT = 220


def _day(at: datetime) -> str:
    return at.astimezone().strftime("%d %b")


def _axis_labels(moments: list[datetime]) -> list[object]:
    return [fch.ChartAxisLabel(value=x, label=_day(at)) for x, at in enumerate(moments)]


def rater_text(rated_by: str, points: list[ScalePoint]) -> str:
    """Say one rater's ratings in words, with the change since their previous one."""
    values = ", ".join(f"{p.value} on {_day(p.at)}" for p in points)
    text = f"{label(rated_by)}: {values}."
    if len(points) >= 2:
        change = points[-1].value - points[-2].value
        if change:
            text += f" {'Up' if change > 0 else 'Down'} {abs(change)} since the previous rating."
        else:
            text += " No change since the previous rating."
    return text


def concerns_text(points: list[ConcernPoint]) -> str:
    """Say the concern counts in words."""
    return "; ".join(
        f"{_day(p.at)}: {p.concerns} concern{'s' if p.concerns != 1 else ''}"
        f" ({p.significant} significant)"
        for p in points
    )


def _scale_chart(trends: ChildTrends) -> ft.Control:
    moments = sorted({p.at for p in trends.scale})
    x_of = {at: x for x, at in enumerate(moments)}
    series = [
        fch.LineChartData(
            points=[
                fch.LineChartDataPoint(x_of[p.at], p.value, tooltip=f"{label(who)}: {p.value}")
                for p in trends.series(who)
            ],
            color=COLOURS[n % len(COLOURS)],
            stroke_width=3,
            point=True,
        )
        for n, who in enumerate(trends.raters())
    ]
    chart: ft.Control = fch.LineChart(
        data_series=series,
        min_y=0,
        max_y=10,
        min_x=0,
        max_x=max(len(moments) - 1, 1),
        left_axis=fch.ChartAxis(
            labels=[fch.ChartAxisLabel(value=v, label=str(v)) for v in (0, 5, 10)],
            label_size=32,
        ),
        bottom_axis=fch.ChartAxis(labels=_axis_labels(moments), label_size=32),
        height=CHART_HEIGHT,
        key="trends.scale.chart",
    )
    return chart


def _concerns_chart(points: list[ConcernPoint]) -> ft.Control:
    top = max(p.concerns for p in points)
    groups = [
        fch.BarChartGroup(
            x=x,
            rods=[
                fch.BarChartRod(
                    to_y=p.concerns,
                    width=18,
                    color=ft.Colors.RED_700 if p.significant else ft.Colors.AMBER_700,
                    tooltip=f"{p.concerns} concerns, {p.significant} significant",
                )
            ],
        )
        for x, p in enumerate(points)
    ]
    chart: ft.Control = fch.BarChart(
        groups=groups,
        min_y=0,
        max_y=max(top, 1),
        bottom_axis=fch.ChartAxis(labels=_axis_labels([p.at for p in points]), label_size=32),
        left_axis=fch.ChartAxis(label_size=32),
        height=CHART_HEIGHT,
        key="trends.concerns.chart",
    )
    return chart


def _scale(trends: ChildTrends) -> list[ft.Control]:
    out: list[ft.Control] = [
        subheading("Safety scale, visit by visit"),
        note(f"{ZERO_ANCHOR}; {TEN_ANCHOR}."),
    ]
    if not trends.scale:
        return [*out, note("No safety scale recorded yet.", key="trends.scale.empty")]
    out.append(ft.Semantics(label="Safety scale chart", content=_scale_chart(trends)))
    out += [
        note(rater_text(who, trends.series(who)), key=f"trends.scale.{who}")
        for who in trends.raters()
    ]
    return out


def _concerns(trends: ChildTrends) -> list[ft.Control]:
    out: list[ft.Control] = [subheading("Checklist concerns, visit by visit")]
    points = list(trends.concerns)
    if not points:
        return [*out, note("No checklist completed yet.", key="trends.concerns.empty")]
    return [
        *out,
        ft.Semantics(label="Checklist concerns chart", content=_concerns_chart(points)),
        note(concerns_text(points), key="trends.concerns.text"),
    ]


@ft.component
@guarded(failed_screen)
def trends_view(shown: TrendsScreen | None, state: AppState, review: ReviewFlow) -> ft.View:
    """The child, the safety scale, the checklist concerns, and the way back."""
    body: list[ft.Control] = [*status_line(state)]
    if shown is None:
        body.append(note("No child chosen.", key="trends.none"))
    else:
        body.append(heading(f"{shown.child.name}, {shown.child.age}", key="trends.child"))
        body += [*_scale(shown.trends), *_concerns(shown.trends)]
    back = [back_to_caseload(review)]
    if state.review is not None:
        back.insert(0, button("Back to review", "nav.review", review.act(review.open)))
    body.append(buttons(*back))
    lock = lock_action(review)
    return screen("screen.trends", TRENDS, "Trends", body, [lock])
