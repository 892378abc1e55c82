"""Drive the Flet app in a real browser through Flutter's accessibility tree.

Flutter web draws on a canvas: there is no DOM to click until its semantics tree is switched
on. From then on every control is found the way a screen reader finds it: by its role and the
label it announces. A control this driver cannot find has no usable label.
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# A phone held upright (a Pixel 7's CSS size).
PHONE = {"width": 412, "height": 915}
WAIT_MS = 15_000  # a screen change or an answer from Python
SLOW_MS = 45_000  # key derivation, sign-in and sync with the real server
RETRY_MS = 5_000  # a tap that changed nothing by then is tried once more
SEMANTICS_TRIES = 5
FILL_TRIES = 3
FILL_SETTLE_S = 0.7  # how long a typed text must stay in its box to count as taken
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
TAPPABLE = ("button", "radio", "checkbox", "textbox", "combobox", "link", "slider")
TOUCH_PX = 48
# Between the scrolling content and the bottom buttons: the screen's spacing (8), the bar's
# padding (8) and its border (1). Above the content: the 56 px app bar below its 48 px lock
# button (4) and the screen's padding (16). See mobile_app/ui/controls.py `screen`.
BAR_GAP_PX = 17
BOTTOM_BUTTONS = ("Back", "Next", "Finalise visit", "Save amended visit", "Save and leave")
APP_BAR_GAP_PX = 20
SCROLL_SETTLE_S = 0.5
SETTLE_S = 5  # at most this long for the screen to stop changing before a screenshot
# A child's line on the caseload: "Isla Lomax, 4 months", "Dylan Rushworth, 9 years".
CHILD_LINE = re.compile(r"\b([A-Z][\w'-]+) ([A-Z][\w'-]+), \d+ (?:months?|years)\b")


def _step_line(title: str) -> re.Pattern[str]:
    """A visit step's heading line: "Step 2 of 7: Seeing the child"."""
    return re.compile(rf"\bStep \d+ of \d+: {re.escape(title)}")


class FletPage:
    """One browser tab on one app instance, with a numbered screenshot after each step."""

    def __init__(
        self, browser: Browser, url: str, shots: Path, name: str, *, android: bool = False
    ) -> None:
        self.url = url
        self.shots = shots
        # What a person did, for the tap counts the browser flows print (bench figures).
        self.taps = 0
        self.typed = 0
        self.name = name
        self._count = 0
        # As an Android phone's browser, Flutter sizes controls as on a phone: radio buttons
        # and checkboxes get their 48 px touch targets (a desktop browser shrink-wraps them).
        self.android = android
        phone = {"user_agent": ANDROID, "is_mobile": True, "has_touch": True} if android else {}
        self.context = browser.new_context(viewport=PHONE, locale="en-GB", **phone)
        # Only the app itself may be reached: the test proves it needs nothing from outside.
        self.context.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda r: r.abort())
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)

    def close(self) -> None:
        self.context.close()

    # -- opening the app -----------------------------------------------------------------

    def open(self) -> None:
        """Load the app and switch Flutter's accessibility tree on."""
        self.page.goto(self.url, wait_until="domcontentloaded", timeout=SLOW_MS)
        self._semantics_on()

    def reload(self) -> None:
        """Reload the tab (as the browser's reload button does), then switch semantics on."""
        self.page.reload(wait_until="domcontentloaded", timeout=SLOW_MS)
        self._semantics_on()

    def _semantics_on(self) -> None:
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=SLOW_MS)
        time.sleep(1)  # the placeholder ignores clicks until Flutter has finished starting
        for _ in range(SEMANTICS_TRIES):
            if placeholder.count() and self.android:
                # A phone's browser turns the tree on with a real tap inside the placeholder.
                placeholder.tap(force=True)
            elif placeholder.count():
                placeholder.dispatch_event("click")
            try:
                self.page.locator("flt-semantics").first.wait_for(state="attached", timeout=2_000)
                return
            except PlaywrightTimeout:
                continue
        raise AssertionError(f"Flutter's semantics tree never appeared at {self.url}")

    # -- finding and using controls ---------------------------------------------------------

    def text(self, text: str | re.Pattern[str]) -> Locator:
        """Text on screen. Flutter merges a card's lines into one node, so a string matches
        part of a node (ignoring case), and a pattern is searched for, not matched whole."""
        return self.page.get_by_text(text)

    def see(self, text: str | re.Pattern[str], timeout: int = WAIT_MS) -> Locator:
        """Wait until the text shows; returns the node that shows it."""
        found = self.text(text).first
        expect(found).to_be_visible(timeout=timeout)
        return found

    def see_announced(self, text: str | re.Pattern[str], timeout: int = WAIT_MS) -> Locator:
        """Wait until a node shows or announces the text (a card's lines can be merged into
        the label of the group it becomes); returns that node."""
        found = self.page.get_by_label(text).or_(self.text(text)).first
        expect(found).to_be_visible(timeout=timeout)
        return found

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def tap(self, name: str) -> None:
        """Tap the one button with that label."""
        self.taps += 1
        self.button(name).click()

    def first_child(self) -> str:
        """The name of the first child on the caseload ("Isla Lomax")."""
        child = self.page.get_by_role("group", name=CHILD_LINE)
        card = self.page.get_by_role("banner", name=CHILD_LINE)
        first = child.or_(card).first
        expect(first).to_be_visible()
        found = CHILD_LINE.search(announced(first))
        assert found, announced(first)
        return f"{found[1]} {found[2]}"

    def tap_for_child(self, child: str, name: str) -> None:
        """Tap a child's `name` button on the caseload ("Record a visit", "Chronology")."""
        own = self.page.get_by_role("group", name=re.compile(rf"^{re.escape(child)}, "))
        if own.count() == 1:  # the child's line and buttons are announced as one group
            own.get_by_role("button", name=name, exact=True).click()
            return
        # Else a family card is announced as one node that reads every child's line in
        # order, and holds each child's buttons in the same order.
        card = self.page.get_by_role("banner", name=re.compile(rf"\b{re.escape(child)}, "))
        expect(card).to_have_count(1)
        children = [f"{m[0]} {m[1]}" for m in CHILD_LINE.findall(announced(card))]
        assert child in children, children
        card.get_by_role("button", name=name, exact=True).nth(children.index(child)).click()

    def fill(self, label: str | re.Pattern[str], value: str) -> None:
        """Type into the text box with that label (tapped first, as a person would)."""
        self.typed += 1
        exact = isinstance(label, str)
        self.fill_box(self.page.get_by_label(label, exact=exact), value)

    def fill_box(self, box: Locator, value: str) -> None:
        """Type into one text box, and wait until the text has stayed there a moment.

        On a busy machine a redraw the app worked out before the typing reached it can empty
        the box again, just after it showed the text: the text is typed again if so. The wait
        also lets the text reach the app before the next tap, which may use it.
        """
        for attempt in range(FILL_TRIES):
            box.click()
            # Flutter listens to a text box only once it has taken the focus: typed before
            # then, the words show in the box but never reach the app (a new action's box,
            # on a busy machine). So tap again until it has the focus; only the last try
            # types regardless, and the checks below then catch a box that never took it.
            try:
                expect(box).to_be_focused(timeout=RETRY_MS)
            except AssertionError:
                if attempt < FILL_TRIES - 1:
                    continue
            # Keys, as a keyboard sends them, to whatever has the focus: Flutter's own text
            # editing element, which a freshly added box only makes once it is tapped.
            self.page.keyboard.press("ControlOrMeta+a")
            self.page.keyboard.press("Delete")
            self.page.keyboard.type(value)
            try:
                expect(box).to_have_value(value, timeout=RETRY_MS)
            except AssertionError:
                continue
            time.sleep(FILL_SETTLE_S)
            if box.input_value() == value:
                return
        expect(box).to_have_value(value)

    def question(self, label: str | re.Pattern[str]) -> Locator:
        """A question answered with radio buttons, found by the question it asks."""
        exact = isinstance(label, str)
        return self.page.get_by_role("group", name=label, exact=exact)

    def questions(self, offering: str) -> Locator:
        """Every question on screen that can be answered with `offering`."""
        radio = self.page.get_by_role("radio", name=offering, exact=True)
        return self.page.locator("[role=group][aria-label]").filter(has=radio)

    def choose(self, label: str | re.Pattern[str], answer: str) -> None:
        """Answer a question, and wait until the app shows the answer as chosen."""
        radio = self.question(label).get_by_role("radio", name=answer, exact=True)
        self.taps += 1
        radio.click()
        try:
            expect(radio).to_be_checked(timeout=RETRY_MS)
        except AssertionError:  # the tap landed while the screen was being redrawn
            radio.click()
            expect(radio).to_be_checked()

    def labels(self, nodes: Locator) -> list[str]:
        """What a screen reader announces for each of the nodes (waits for the first)."""
        expect(nodes.first).to_be_visible()
        return [announced(node) for node in nodes.all()]

    def at_step(self, title: str) -> Locator:
        """Wait until the visit shows the step with that title ("Step 2 of 7: Seeing...")."""
        return self.see(_step_line(title))

    def next_step(self, title: str) -> Locator:
        """Tap Next and wait for the step with that title."""
        step = self.text(_step_line(title)).first
        self.tap("Next")
        try:
            expect(step).to_be_visible(timeout=RETRY_MS)
        except AssertionError:
            # Next marks unanswered questions before it goes on: that is a failure here, not
            # a lost tap to try again.
            marked = self.page.get_by_text(re.compile(r"^Missing: "))
            assert not marked.count(), [announced(m) for m in marked.all()]
            self.button("Next").click()  # the tap landed during a redraw: the same tap again
        return self.at_step(title)

    def go_to_step(self, number: int, title: str) -> Locator:
        """Tap a step's numbered button and wait for that step."""
        step = self.text(_step_line(title)).first
        button = f"Step {number}: {title}"
        self.to_top()  # the step buttons sit above the step's questions
        self.tap(button)
        try:
            expect(step).to_be_visible(timeout=RETRY_MS)
        except AssertionError:  # the tap landed while the screen was being redrawn
            self.button(button).click()  # the same tap again: not counted twice
        return self.at_step(title)

    def to_top(self) -> None:
        """Scroll the screen's content back to its top, as a thumb would."""
        size = self.page.viewport_size or {"width": 412, "height": 915}
        self.page.mouse.move(size["width"] / 2, size["height"] / 2)
        self.page.mouse.wheel(0, -20 * size["height"])
        time.sleep(SCROLL_SETTLE_S)

    def next_area(self, number: int, of: int) -> Locator:
        """Tap Next inside the checklist and wait for its area `number` of `of`."""
        area = self.text(re.compile(rf"\bArea {number} of {of}: ")).first
        self.tap("Next")
        expect(area).to_be_visible()
        return area

    # -- evidence ---------------------------------------------------------------------------

    def shot(self, name: str) -> Path:
        """Save a screenshot of what the screen shows once it has stopped changing.

        Flutter paints the canvas after it updates the accessibility tree, so the text a step
        waited for can be on the tree a frame or two before it is on the screen.
        """
        self._count += 1
        path = self.shots / f"{self.name}-{self._count:02d}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)  # another run may have cleared it
        previous, deadline = b"", time.monotonic() + SETTLE_S
        while True:
            image = self.page.screenshot(animations="disabled")
            if image == previous or time.monotonic() > deadline:
                break
            previous = image
            time.sleep(0.2)
        path.write_bytes(image)
        return path

    def small_targets(self) -> list[str]:
        """What on screen fails the touch rules: a control under 48 px, or one running off the
        right of the screen (its text cut off), read from the accessibility tree."""
        size = self.page.viewport_size or {"width": 412, "height": 915}
        width = size["width"]
        top, bottom = self._content_area(size["height"])
        found = []
        for role in TAPPABLE:
            for node in self.page.get_by_role(role).all():
                box = node.bounding_box()
                # Flutter clips a node half scrolled out of view to what shows: not measured.
                if box is None or box["y"] < top + 1 or box["y"] + box["height"] > bottom - 1:
                    continue
                name = f"{role} {announced(node)[:60]!r}"
                if min(box["width"], box["height"]) < TOUCH_PX - 0.5:
                    found.append(f"{name} is {box['width']:.0f} x {box['height']:.0f} px")
                if box["x"] + box["width"] > width + 1:
                    found.append(f"{name} runs off the screen")
        return found

    def _content_area(self, height: float) -> tuple[float, float]:
        """Where a screen's scrolling content shows: under the app bar (its lock button) and
        above the buttons kept at the bottom (Save and leave), where those are shown."""
        top, bottom = 0.0, height
        lock = self.button("Lock the app")
        if lock.count() and (box := lock.first.bounding_box()):
            top = box["y"] + box["height"] + APP_BAR_GAP_PX
        for name in BOTTOM_BUTTONS:  # the highest of them: the row wraps at large text
            kept = self.button(name)
            if kept.count() and (box := kept.first.bounding_box()):
                bottom = min(bottom, box["y"] - BAR_GAP_PX)
        return top, bottom

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """One step of the flow: a screenshot when it is done, or of where it failed."""
        try:
            yield
        except BaseException:
            self.shot(f"{name}-FAILED")
            raise
        self.shot(name)


def announced(locator: Locator) -> str:
    """What a screen reader announces for a node: its label, else its text."""
    return locator.get_attribute("aria-label") or locator.text_content() or ""
