"""Accessible building blocks: every control gets a stable key, a label a screen reader
announces, a touch target of at least 48 px, and text that wraps at twice the text size."""

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar

import flet as ft

from mobile_app.diagnostics import log_failure
from mobile_app.ui.state import AppState

log = logging.getLogger(__name__)
P = ParamSpec("P")
C = TypeVar("C", bound=ft.Control)

TOUCH_PX = 48
RENDER_FAILED = (
    "This part of the screen could not be shown. Everything you typed is kept on this device: "
    "go back and try again."
)
_PAD = ft.Padding.symmetric(vertical=14, horizontal=20)
Handler = Callable[[Any], Any]
Options = Sequence[tuple[str, str]]


class Actions(Protocol):
    """What a view acts through: its own flow (or, on the hub screens, all of them)."""

    def act(self, fn: Callable[..., Any]) -> Handler:
        """Wrap a button handler."""
        ...

    def lock(self, message: str = "") -> None:
        """Lock the app now."""
        ...

    def show_caseload(self, message: str = "", tone: str = "info") -> None:
        """Back to the caseload."""
        ...


@dataclass
class CopyPolicy:
    """Whether typed text may be selected and copied out of the app (flet.toml `allow_copy`).

    Process-wide because the profile is: every session reads the same flet.toml.
    """

    allowed: bool = False


COPY = CopyPolicy()


def allow_copy(allowed: bool) -> None:
    """Set whether text boxes offer selection and the copy toolbar (the app calls this at start)."""
    COPY.allowed = allowed


def use_form(**initial: str) -> dict[str, str]:
    """Component-local form values that live until the screen goes (no re-render on typing)."""
    ref: ft.MutableRef[dict[str, str]] = ft.use_ref(dict(initial))
    return ref.current if ref.current is not None else {}


def keep(form: dict[str, str], name: str) -> Handler:
    """A text handler that keeps what is typed in the form."""

    def handler(e: Any) -> None:
        form[name] = str(e.control.value or "")

    return handler


# Longer than this, a button's words may wrap (large text, a narrow phone): its corners are
# then rounded rather than a pill's half-circle ends, which ran into the wrapped lines.
_PILL_CHARS = 28
_CARD_SHAPE = ft.RoundedRectangleBorder(radius=12)


def button(text: str, key: str, on_click: Handler, *, primary: bool = False) -> ft.Control:
    """A text button with a 48 px minimum height that grows with the text."""
    style = ft.ButtonStyle(
        padding=_PAD,
        visual_density=ft.VisualDensity.STANDARD,
        shape=_CARD_SHAPE if len(text) > _PILL_CHARS else None,
    )
    if primary:
        return ft.FilledButton(content=text, key=key, on_click=on_click, style=style)
    return ft.OutlinedButton(content=text, key=key, on_click=on_click, style=style)


def number_button(
    number: int,
    key: str,
    label: str,
    on_click: Handler,
    *,
    done: bool = False,
    selected: bool = False,
) -> ft.Control:
    """A numbered button (a step, an area) announced by its full name, 48 px to touch; a
    tick icon once done (an icon: a tick character has no glyph in the offline web font)."""
    content: ft.Control | str = (
        ft.Row(
            [ft.Text(str(number)), ft.Icon(ft.Icons.CHECK, size=16)],
            spacing=2,
            tight=True,
            wrap=True,
        )
        if done
        else str(number)
    )
    return ft.Semantics(
        label=label,
        button=True,
        container=True,
        exclude_semantics=True,
        content=ft.TextButton(
            content=content,
            key=key,
            tooltip=label,
            on_click=on_click,
            style=ft.ButtonStyle(
                bgcolor=ft.Colors.SECONDARY_CONTAINER if selected else None,
                padding=ft.Padding.symmetric(vertical=14, horizontal=10),
                visual_density=ft.VisualDensity.STANDARD,
            ),
        ),
    )


def icon_button(icon: ft.IconData, label: str, key: str, on_click: Handler) -> ft.Control:
    """An icon button announced by its label (a tooltip alone is not its accessible name)."""
    return ft.IconButton(
        icon=ft.Icon(icon, semantics_label=label),
        tooltip=label,
        key=key,
        on_click=on_click,
        size_constraints=ft.BoxConstraints(min_width=TOUCH_PX, min_height=TOUCH_PX),
    )


def text_field(
    label: str,
    key: str,
    value: str,
    on_change: Handler,
    *,
    password: bool = False,
    multiline: bool = False,
    helper: str | None = None,
    on_submit: Handler | None = None,
    error: str | None = None,
    keyboard: ft.KeyboardType | None = None,
    child_data: bool = True,
) -> ft.Control:
    """A labelled text box; multiline boxes grow with what is typed; errors wrap.

    What is typed is a child's record: no selection or copy toolbar unless the profile allows
    copying, and the keyboard does not learn its words. Flutter then also stops the caret
    being moved by a tap, so a box that never holds a child's details (a server address, a
    username) passes `child_data=False` and keeps both. A passphrase box is hidden, which
    already stops copying, so it keeps them too.
    """
    return ft.TextField(
        label=label,
        key=key,
        value=value,
        on_change=on_change,
        on_submit=on_submit,
        password=password,
        can_reveal_password=password,
        multiline=multiline,
        min_lines=3 if multiline else None,
        helper=helper,
        helper_max_lines=4,
        error=error,
        error_max_lines=4,
        keyboard_type=keyboard or ft.KeyboardType.TEXT,
        enable_interactive_selection=password or not child_data or COPY.allowed,
        enable_ime_personalized_learning=False,
    )


def choice(
    label: str,
    key: str,
    options: Options,
    value: str | None,
    on_change: Handler,
    *,
    option_width: int | None = None,
    error: str | None = None,
) -> ft.Control:
    """A question answered by one of several radio buttons, announced with its question.

    Radios take the whole line unless given an `option_width`: short answers (0 to 10) then
    sit several to a line, each still at least 48 px to touch. An `error` shows under the
    question, in words as well as colour.
    """
    radios: list[ft.Control] = [
        ft.Radio(value=v, label=text, key=f"{key}.{v}", width=option_width) for v, text in options
    ]
    group = ft.RadioGroup(
        key=key, value=value, on_change=on_change, content=ft.Row(radios, wrap=True, spacing=4)
    )
    # The group is announced once by its label; the visible question is not read again.
    question = ft.Semantics(
        exclude_semantics=True, content=ft.Text(label, weight=ft.FontWeight.W_600)
    )
    parts: list[ft.Control] = [question, group]
    if error:
        parts.insert(1, field_error(error, f"{key}.error"))
    return ft.Semantics(label=label, container=True, content=ft.Column(parts, spacing=2))


def field_error(text: str, key: str) -> ft.Control:
    """What is missing at a question: announced when it appears, marked by words and colour."""
    return ft.Semantics(
        live_region=True,
        content=ft.Text(
            f"Missing: {text}", key=key, color=ft.Colors.ERROR, weight=ft.FontWeight.W_600
        ),
    )


def yes_no(
    label: str, key: str, value: bool | None, on_change: Handler, *, error: str | None = None
) -> ft.Control:
    """A yes / no question; unanswered shows neither chosen."""
    current = None if value is None else ("yes" if value else "no")
    return choice(label, key, (("yes", "Yes"), ("no", "No")), current, on_change, error=error)


def check_box(label: str, key: str, value: bool, on_change: Handler) -> ft.Control:
    """One of several things that can all be true, ticked or not; the label is tappable too."""
    return ft.Checkbox(
        label=label,
        key=key,
        value=value,
        on_change=on_change,
        visual_density=ft.VisualDensity.STANDARD,
    )


def dropdown(label: str, key: str, options: Options, value: str, on_select: Handler) -> ft.Control:
    """A labelled pick-list, as wide as the screen."""
    menu = ft.Dropdown(
        label=label,
        key=key,
        value=value,
        on_select=on_select,
        options=[ft.DropdownOption(key=v, text=text) for v, text in options],
        expand=True,  # along the row: a column's expand would ask for unbounded height
    )
    # The menu's own label is not announced: name the control for screen readers.
    return ft.Semantics(label=label, container=True, content=ft.Row([menu]))


def subheading(text: str, key: str | None = None) -> ft.Control:
    """A card's own title: announced as a heading, never merged into the next field's label."""
    return ft.Semantics(
        header=True,
        container=True,
        content=ft.Text(text, key=key, weight=ft.FontWeight.W_600),
    )


def heading(text: str, key: str | None = None) -> ft.Control:
    """A heading screen readers announce as one."""
    # A container of its own: else the flag merges into the enclosing card, which is then
    # announced as a "banner" landmark with everything in it.
    return ft.Semantics(
        header=True,
        container=True,
        content=ft.Text(text, key=key, theme_style=ft.TextThemeStyle.TITLE_LARGE),
    )


def note(text: str, key: str | None = None, *, strong: bool = False) -> ft.Control:
    """A paragraph of text that wraps."""
    return ft.Text(text, key=key, weight=ft.FontWeight.W_600 if strong else None)


def buttons(*controls: ft.Control) -> ft.Control:
    """A row of buttons that wraps onto more lines when the text is large."""
    return ft.Row(list(controls), wrap=True, spacing=8, run_spacing=8)


def status_line(state: AppState) -> list[ft.Control]:
    """The busy spinner and the plain message, announced as they change."""
    out: list[ft.Control] = []
    if state.busy:
        out.append(
            ft.Row(
                [ft.ProgressRing(width=24, height=24), ft.Text(state.busy, key="busy")],
                wrap=True,
            )
        )
    if state.message:
        icon, colour = TONES.get(state.tone, TONES["info"])
        out.append(
            ft.Semantics(
                live_region=True,
                content=ft.Container(
                    ft.Row(
                        [
                            ft.Icon(icon, color=ft.Colors.BLACK, size=20),
                            ft.Text(state.message, key="message", color=ft.Colors.BLACK),
                        ],
                        vertical_alignment=ft.CrossAxisAlignment.START,
                        wrap=True,  # a long message goes under its icon, never cut off
                    ),
                    bgcolor=colour,
                    padding=12,
                    border_radius=8,
                ),
            )
        )
    return out


# A message's look by what it says: an icon as well as a colour, never colour alone.
TONES = {
    "info": (ft.Icons.INFO_OUTLINE, ft.Colors.AMBER_100),
    "done": (ft.Icons.CHECK_CIRCLE_OUTLINE, ft.Colors.GREEN_100),
    "problem": (ft.Icons.ERROR_OUTLINE, ft.Colors.RED_100),
}


def screen(
    key: str,
    route: str,
    title: str,
    body: list[ft.Control],
    actions: list[ft.Control] | None = None,
    *,
    bottom: ft.Control | None = None,
    body_key: str | None = None,
    leading: ft.Control | None = None,
) -> ft.View:
    """A full screen: app bar, then a scrolling column of content.

    `bottom` stays in view under the content (the thumb's reach). A new `body_key` starts the
    content at its top (a new scroll position), as turning a page does. `leading` is the app
    bar's back control.
    """
    appbar = ft.AppBar(
        title=ft.Text(title),
        actions=actions or [],
        leading=leading,
        automatically_imply_leading=False,
    )
    if bottom is None and body_key is None:
        controls: list[ft.BaseControl] = list(body)
        return ft.View(
            route=route,
            key=key,
            appbar=appbar,
            controls=controls,
            scroll=ft.ScrollMode.AUTO,
            padding=16,
            spacing=16,
        )
    # Stretched: text boxes take the phone's whole width, as the thumb expects.
    content = ft.Column(
        body,
        key=body_key,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        spacing=16,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
    parts: list[ft.BaseControl] = [content]
    if bottom is not None:
        # Not a BottomAppBar: its fixed height would cut the buttons off at large text sizes.
        parts.append(
            ft.Container(
                bottom,
                padding=ft.Padding.only(top=8),
                border=ft.Border.only(top=ft.BorderSide(1, ft.Colors.OUTLINE_VARIANT)),
            )
        )
    return ft.View(
        route=route,
        key=key,
        appbar=appbar,
        controls=parts,
        padding=16,
        spacing=8,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )


def guarded(fallback: Callable[..., C]) -> Callable[[Callable[P, C]], Callable[P, C]]:
    """Render with a plain fallback: a failing render must never stop the app updating."""

    def wrap(render: Callable[P, C]) -> Callable[P, C]:
        @functools.wraps(render)
        def safe(*args: P.args, **kwargs: P.kwargs) -> C:
            try:
                return render(*args, **kwargs)
            except Exception as exc:
                log_failure(log, f"Rendering {render.__name__}", exc)
                return fallback(*args, **kwargs)

        return safe

    return wrap


def back_to_caseload(app: Actions) -> ft.Control:
    """The button every case screen ends with: back to the caseload, freshly read."""
    return button("Back to caseload", "nav.caseload", app.act(app.show_caseload))


def back_action(label: str, on_click: Handler) -> ft.Control:
    """The app bar's back arrow, announced by where it goes."""
    return icon_button(ft.Icons.ARROW_BACK, label, "nav.back", on_click)


def lock_action(app: Actions) -> ft.Control:
    """The app bar's lock: every screen with case details offers it."""
    return icon_button(ft.Icons.LOCK, "Lock the app", "nav.lock", app.act(app.lock))


def failed_part(*_: Any) -> ft.Control:
    """What shows where part of a screen failed to render."""
    return note(RENDER_FAILED, key="render.error", strong=True)


def failed_screen(*args: Any) -> ft.View:
    """What shows where a whole screen failed to render: a way back, and the lock (given the
    view's arguments, which end with the app state and the view's flow)."""
    state, app = args[-2:]
    body = [
        failed_part(),
        buttons(
            back_to_caseload(app),
            button("Lock the app", "nav.lock", app.act(app.lock)),
        ),
    ]
    return screen("screen.error", state.route, "Doorstep", body)
