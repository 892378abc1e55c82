"""A headless 'fake client' for Flet 1.0.x: drives the real Session (the code path the socket
and web servers use) with no Flutter client (see docs/architecture.md, Tests)."""

import asyncio
import inspect
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import flet as ft
import msgpack
from flet.controls.base_control import BaseControl
from flet.controls.context import _context_page, context
from flet.messaging.connection import Connection
from flet.messaging.protocol import MessageAction, configure_encode_object_for_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

# Which event a control fires when the person picks a value in it.
_PICK_EVENT = {"Dropdown": "select"}


class FakeClient(Connection):
    """Stands where the Flutter client would: receives patches, sends events."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []
        self.pubsubhub = PubSubHub()
        self.loop = asyncio.get_running_loop()
        self.executor = ThreadPoolExecutor(2)
        self.page_url = "http://127.0.0.1:8550"
        self.session = Session(self)  # strong ref: Page keeps only a weakref
        # The real client sends its page props in REGISTER_CLIENT; encoding them (as the
        # transport does) records the snapshots later diffs are computed against.
        self.session.apply_page_patch(
            {"route": "/", "width": 400, "height": 800, "platform": "android", "web": False}
        )
        self._encode(self.session.get_page_patch())

    @staticmethod
    def _encode(obj: Any) -> bytes:
        return bytes(msgpack.packb(obj, default=configure_encode_object_for_msgpack(BaseControl)))

    def send_message(self, message: Any) -> None:
        """Encode like the real server does, and keep the message."""
        self._encode([message.action, message.body])
        self.messages.append(message)

    @property
    def page(self) -> ft.Page:
        """The session's page."""
        return self.session.page

    def crashes(self) -> list[Any]:
        """Handler crashes the page reported."""
        return [m.body for m in self.messages if m.action == MessageAction.SESSION_CRASHED]

    async def run_main(self, main: Callable[[ft.Page], Any]) -> Any:
        """Run the app's main(page) as a session start does."""
        _context_page.set(self.page)
        context.reset_auto_update()
        result = main(self.page)
        if inspect.isawaitable(result):
            result = await result
        await self.session.after_event(self.page)
        await self.settle()
        return result

    async def settle(self, turns: int = 10) -> None:
        """Let scheduled re-renders and tasks run."""
        for _ in range(turns):
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Settle until condition() holds, or fail after timeout seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out waiting for the screen"
            await self.settle()

    def close(self) -> None:
        """Stop the executor."""
        self.executor.shutdown(wait=False)

    # -- finding controls --------------------------------------------------------------------

    def all_controls(self) -> list[BaseControl]:
        """Every control the session knows of (mounted)."""
        return list(self.session.index.values())

    def find(
        self, key: str | None = None, text: str | None = None, type_: type | None = None
    ) -> list[Any]:
        """Controls matching a key, an exact text, and/or a type."""
        out = []
        for c in self.all_controls():
            if isinstance(c, ft.DropdownOption):
                continue  # its `key` is its value, not a control key
            if key is not None and getattr(c, "key", None) != key:
                continue
            shown = (
                getattr(c, "value", None),
                getattr(c, "content", None),
                getattr(c, "text", None),
            )
            if text is not None and text not in shown:
                continue
            if type_ is not None and not isinstance(c, type_):
                continue
            out.append(c)
        return out

    def one(self, **kw: Any) -> Any:
        """Exactly one control matching, or fail."""
        found = self.find(**kw)
        assert len(found) == 1, f"expected 1 control for {kw}, got {len(found)}"
        return found[0]

    def has(self, key: str) -> bool:
        """True when a control with this key is on screen."""
        return bool(self.find(key=key))

    def value(self, key: str) -> Any:
        """The value (or text) of the control with this key."""
        return self.one(key=key).value

    def texts(self) -> list[str]:
        """Every piece of text on screen: values, contents, labels, titles."""
        out = []
        for c in self.all_controls():
            for name in (
                "value",
                "content",
                "text",
                "label",
                "title",
                "tooltip",
                "semantics_label",
            ):
                v = getattr(c, name, None)
                if isinstance(v, str) and v:
                    out.append(v)
        return out

    # -- acting ----------------------------------------------------------------------------

    async def _fire(self, control: Any, event: str, data: Any) -> None:
        await self.session.dispatch_event(control._i, event, data)
        await self.settle()
        assert not self.crashes(), self.crashes()

    async def tap(self, **kw: Any) -> None:
        """Tap a button."""
        await self._fire(self.one(**kw), "click", None)

    async def enter_text(self, text: str, **kw: Any) -> None:
        """Type into a text box (the client sends the value, then the change event)."""
        c = self.one(**kw)
        self.session.apply_patch(c._i, {"value": text})
        await self._fire(c, "change", text)

    async def choose(self, value: str, **kw: Any) -> None:
        """Pick a value in a radio group or a dropdown."""
        c = self.one(**kw)
        self.session.apply_patch(c._i, {"value": value})
        await self._fire(c, _PICK_EVENT.get(type(c).__name__, "change"), value)

    async def fire(self, control: Any, event: str, data: Any) -> None:
        """Send any event (app lifecycle, connectivity...) to a control."""
        await self._fire(control, event, data)
