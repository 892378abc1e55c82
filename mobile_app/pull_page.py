"""A pull page read from the server's bytes, keeping the exact JSON of each item.

A first pull stores thousands of versions, each sealed on its own. Re-encoding every
validated model to seal it cost the device more than validating it did; the server's bytes
already are the record. So each item is sealed as the very JSON it was validated from.

Every sealed byte is validated exactly as the store reads it back: the items array is walked
with the standard library's JSON scanner only to find where each item starts and ends; each
item's text is then validated alone as a PulledVersion (the same parser and model the store
opens it with), and the rest of the page, with an empty items array in place, as a
PullResponse. A page with any bad item, malformed JSON or trailing bytes is refused whole
(ValueError), so a faulty or hostile server cannot plant an invalid record on the device.

Walking the items with the scanner builds every item as Python objects only to learn where it
ends, over half the cost of validating it. So the items are first split where the server's
compact JSON puts one record after another (`},{"schema_version":`), and the scanner only finds
where the last one ends. That split needs no trust: each piece is then validated as one
complete JSON record, and records that each parse completely, joined by commas, can only be
read as exactly those elements (JSON has one reading). When any piece fails, the page is
walked again with the scanner and validated once more, so only a truly bad page is refused.
"""

import re
from collections.abc import Callable
from json import JSONDecoder
from json.scanner import make_scanner

from pydantic import PrivateAttr

from shared.protocol import PulledVersion, PullResponse

# The C scanner where there is one: positions, quickly (typeshed types make_scanner oddly).
_SCAN = make_scanner(JSONDecoder())  # type: ignore[arg-type]
_SPACE = re.compile(r"[ \t\n\r]*")
_BLANK = frozenset(" \t\n\r")
# Where one record ends and the next begins in the server's compact JSON: outside a string
# only (a quote inside one is escaped), but possibly deeper than the items array.
_NEXT_RECORD = '},{"schema_version":'
_Elements = Callable[[str, int], tuple[list[tuple[int, int]], int]]


class PulledPage(PullResponse):
    """A PullResponse read by read_pull_page, with the JSON each of its items came from."""

    # version id -> (the model validated from the bytes, the bytes)
    _received: dict[str, tuple[PulledVersion, bytes]] = PrivateAttr(default_factory=dict)

    def received_json(self) -> dict[str, bytes]:
        """Return version id -> the exact JSON that item was validated from, for this page's
        items as they are now: an item replaced since (a copy with other fields) has none."""
        found, received = {}, self._received  # a private attribute costs a lookup each time
        for version in self.items:
            kept = received.get(version.version_id)
            if kept is not None and kept[0] is version:  # the very object read from the bytes
                found[version.version_id] = kept[1]
        return found


def read_pull_page(body: bytes) -> PulledPage:
    """Validate a pull page and keep each item's JSON.

    Raises:
        ValueError: the page is not valid JSON or not a valid PullResponse (pydantic's
            ValidationError is a ValueError), or an item is not a valid PulledVersion.
    """
    text = body.decode("utf-8")
    try:
        start, end, bounds = _walk(text, _split)
        received, items = _validated(text, bounds)
    except ValueError:  # a bad page, or a split the layout misled: walk every element
        start, end, bounds = _walk(text, _elements)
        received, items = _validated(text, bounds)
    envelope = PullResponse.model_validate_json(text[:start] + "[]" + text[end:])
    if envelope.items:  # a second "items" key the walk did not take
        raise ValueError("the pull page names its items twice")
    if len({v.version_id for v in items}) != len(items):
        raise ValueError("the pull page holds a version twice")
    page = PulledPage.model_construct(
        envelope.model_fields_set | {"items"}, **{**dict(envelope), "items": items}
    )
    page._received = {v.version_id: (v, raw) for v, raw in zip(items, received, strict=True)}
    return page


def _walk(text: str, elements: "_Elements") -> tuple[int, int, list[tuple[int, int]]]:
    """_items_array, any way the JSON fails to parse raised as a ValueError."""
    try:
        return _items_array(text, elements)
    except (StopIteration, IndexError, RecursionError) as exc:  # the scanner, slicing, nesting
        raise ValueError("the pull page is not well-formed JSON") from exc


def _validated(text: str, bounds: list[tuple[int, int]]) -> tuple[list[bytes], list[PulledVersion]]:
    """Return each span's bytes and the PulledVersion validated from them alone."""
    received = [text[a:b].encode() for a, b in bounds]
    validate = PulledVersion.__pydantic_validator__.validate_json  # model_validate_json's core
    return received, [validate(raw) for raw in received]


def _items_array(text: str, elements: "_Elements") -> tuple[int, int, list[tuple[int, int]]]:
    """Return where the top-level "items" array starts and ends and each element's span
    (found by `elements`: _split, or _elements where every span must be exact).

    Only the array's own punctuation is checked here: everything outside it is validated as
    the envelope, and every element on its own.
    """
    i = _skip(text, 0)
    _expect(text, i, "{")
    i = _skip(text, i + 1)
    found: tuple[int, int, list[tuple[int, int]]] | None = None
    while text[i] == '"':
        key, i = _SCAN(text, i)
        i = _skip(text, i)
        _expect(text, i, ":")
        i = _skip(text, i + 1)
        if key == "items":
            if found is not None:
                raise ValueError("the pull page names its items twice")
            bounds, end = elements(text, i)
            found = (i, end, bounds)
            i = end
        else:
            i = _SCAN(text, i)[1]
        i = _skip(text, i)
        if text[i] != ",":
            break
        i = _skip(text, i + 1)
    if found is None:
        raise ValueError("the pull page has no items")
    return found


def _split(text: str, i: int) -> tuple[list[tuple[int, int]], int]:
    """Return candidate spans of the array's elements starting at text[i] == "[", and its end:
    split where the server's compact JSON starts each record, exact only once each span is
    validated alone (see the module's docstring); _elements where the layout differs."""
    _expect(text, i, "[")
    a = i + 1
    if text[a] != "{":  # empty, or not the server's compact layout
        return _elements(text, i)
    bounds: list[tuple[int, int]] = []
    add, find = bounds.append, text.find
    cut = find(_NEXT_RECORD, a)
    while cut != -1:
        add((a, cut + 1))
        a = cut + 2
        cut = find(_NEXT_RECORD, a)
    end = _SCAN(text, a)[1]  # the last element: only its end is needed
    add((a, end))
    if text[end] != "]":  # a cut missed (spaces between items, say): walk every element
        return _elements(text, i)
    return bounds, end + 1


def _elements(text: str, i: int) -> tuple[list[tuple[int, int]], int]:
    """Return the spans of the array's elements starting at text[i] == "[", and its end."""
    _expect(text, i, "[")
    i = _skip(text, i + 1)
    bounds: list[tuple[int, int]] = []
    if text[i] == "]":
        return bounds, i + 1
    scan, add = _SCAN, bounds.append
    while True:
        end = scan(text, i)[1]
        add((i, end))
        if text[end] in _BLANK:  # the server writes none between items: a regex call saved
            end = _skip(text, end)
        if text[end] == "]":
            return bounds, end + 1
        _expect(text, end, ",")
        i = end + 1
        if text[i] in _BLANK:
            i = _skip(text, i)


def _skip(text: str, i: int) -> int:
    match = _SPACE.match(text, i)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _expect(text: str, i: int, char: str) -> None:
    if text[i] != char:
        raise ValueError(f"the pull page is not well-formed JSON at character {i}")
