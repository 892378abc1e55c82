"""Read a caseload file (JSON or CSV) into validated rows, each with where it was in the file.

Every row is checked on its own and every fault is collected, so the administrator sees all
of them at once: "line 4, dob: must be a date like 2024-05-01". A fault anywhere refuses the
whole file (the import stores nothing).

The CSV layout is flat: one record per line, its kind in the `record` column (family, child,
adult, allocation); a cell left empty takes the format's default; lists (a child's
cp_categories, an adult's child_refs) are separated by ";".
"""

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from sync_server.errors import ValidationFailed
from sync_server.services.caseload.caseload_format import (
    CaseloadImport,
    ImportAdult,
    ImportAllocation,
    ImportChild,
    ImportFamily,
)

_KINDS: dict[str, type[BaseModel]] = {
    "family": ImportFamily,
    "child": ImportChild,
    "adult": ImportAdult,
    "allocation": ImportAllocation,
}
_JSON_LISTS = {"families": "family", "children": "child", "adults": "adult",
               "allocations": "allocation"}  # fmt: skip
_CSV_ADDRESS = {"address_line1": "line1", "address_town": "town", "address_postcode": "postcode"}
_CSV_LISTS = frozenset({"cp_categories", "child_refs"})
# JSON tokens: a string (escapes and all), a bracket, brace or comma, a newline, anything else.
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[][{},\n]|[^\s"\][{},]+')
CSV_COLUMNS = ("record", "ref", "family_ref", "case_id", "family_name", "given_name",
               *_CSV_ADDRESS, "dob", "edd", "nhs_number", "sex", "status", "cp_categories",
               "child_refs", "relationship", "name", "description_if_unidentified", "residency",
               "parental_responsibility", "pr_basis", "username")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fault:
    """One thing wrong in the file: where (a line, or a JSON position), the field, why."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.field}: {self.message}"


@dataclass(slots=True)
class Caseload:
    """A file's rows by kind, each with where it was, and the faults found reading it."""

    source: str
    rows: dict[str, list[tuple[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in _KINDS}
    )
    faults: list[Fault] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # refs of rows with faults of their own


class CaseloadRefused(ValidationFailed):
    """The caseload file has faults: nothing was imported."""

    def __init__(self, faults: list[Fault]) -> None:
        lines = "\n  ".join(str(fault) for fault in faults)
        super().__init__(
            f"the caseload was not imported, nothing was stored; fix and import again:\n  {lines}",
            {
                "errors": [
                    {"where": f.where, "field": f.field, "message": f.message} for f in faults
                ]
            },
        )


_PLAIN = {
    "missing": "is required",
    "date_from_datetime_parsing": "must be a date like 2024-05-01",
    "date_parsing": "must be a date like 2024-05-01",
    "date_type": "must be a date like 2024-05-01",
    "extra_forbidden": "is not a field of this kind of record",
}


def plain(error: Mapping[str, Any]) -> str:
    """Return a pydantic error in plain words."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in ("enum", "literal_error"):
        return f"must be one of: {context.get('expected', '')}".replace("'", "")
    if kind == "string_pattern_mismatch" and "d{10}" in str(context.get("pattern", "")):
        return "must be 10 digits, no spaces"
    return str(error["msg"]).removeprefix("Value error, ")


def _validate(
    caseload: Caseload, kind: str, where: str, data: object, name: Callable[[tuple[Any, ...]], str]
) -> None:
    try:
        caseload.rows[kind].append((where, _KINDS[kind].model_validate(data)))
    except ValidationError as exc:
        for error in exc.errors():
            caseload.faults.append(Fault(where, name(error["loc"]) or kind, plain(error)))
        if isinstance(data, dict) and isinstance(data.get("ref"), str):
            caseload.refused.add(data["ref"])  # rows naming it are not blamed for its fault


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def read_json(text: str) -> Caseload:
    """Read a caseload JSON document (format v1); faults are collected, not raised.

    Raises:
        CaseloadRefused: the text is not JSON, or not a caseload document at all.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseloadRefused([Fault(f"line {exc.lineno}", "file", "is not valid JSON")]) from exc
    if not isinstance(document, dict):
        raise CaseloadRefused([Fault("line 1", "file", "must be one JSON object")])
    header = {key: document.get(key) for key in ("format", "schema_version", "source")}
    try:
        CaseloadImport.model_validate({k: v for k, v in header.items() if v is not None})
    except ValidationError as exc:
        faults = [Fault("the file", _dotted(e["loc"]), plain(e)) for e in exc.errors()]
        raise CaseloadRefused(faults) from exc
    caseload = Caseload(source=str(document["source"]))
    lines = item_lines(text)
    for key in set(document) - {*header, *_JSON_LISTS}:
        caseload.faults.append(Fault("the file", key, "is not a part of a caseload file"))
    for key, kind in _JSON_LISTS.items():
        items = document.get(key, [])
        if not isinstance(items, list):
            caseload.faults.append(Fault("the file", key, "must be a list"))
            continue
        starts = lines.get(key, [])
        for index, item in enumerate(items):
            ref = item.get("ref") if isinstance(item, dict) else None
            where = f"{key}[{index}]" + (f", {ref}" if isinstance(ref, str) else "")
            if len(starts) == len(items):
                where = f"line {starts[index]} ({where})"
            _validate(caseload, kind, where, item, _dotted)
    return caseload


def item_lines(text: str) -> dict[str, list[int]]:
    """Return, per top-level key whose value is a list, the line each of its items starts on
    (json.loads keeps no positions; this walks the text's tokens once)."""
    lines: dict[str, list[int]] = {}
    depth, line, key, current, expect_item = 0, 1, "", None, False
    for match in _TOKENS.finditer(text):
        part = match.group()
        if part == "\n":
            line += 1
            continue
        if expect_item and current is not None and part != "]":
            lines[current].append(line)
        expect_item = False
        if part in ("{", "["):
            depth += 1
            if depth == 2:  # a top-level key's value: the list of items, or something else
                current = key if part == "[" else None
                lines[key], expect_item = [], part == "["
        elif part in ("}", "]"):
            depth -= 1
        elif part == ",":
            expect_item = depth == 2  # a comma between a list's items
        elif depth == 1 and part.startswith('"'):
            key = part[1:-1]
    return lines


def _csv_row(cells: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, cell in cells.items():
        value = (cell or "").strip()
        if column == "record" or not value:
            continue
        if column in _CSV_ADDRESS:
            data.setdefault("address", {})[_CSV_ADDRESS[column]] = value
        elif column in _CSV_LISTS:
            data[column] = [part.strip() for part in value.split(";") if part.strip()]
        else:
            data[column] = value
    return data


def _csv_name(loc: tuple[Any, ...]) -> str:
    if loc[:1] == ("address",) and len(loc) > 1:
        return f"address_{loc[1]}"
    return str(loc[0]) if loc else ""


def read_csv(text: str, source: str) -> Caseload:
    """Read a caseload CSV (header line first, columns CSV_COLUMNS in any order, a subset is
    fine); faults are collected, not raised."""
    reader = csv.DictReader(io.StringIO(text))
    unknown = [name for name in reader.fieldnames or () if name not in CSV_COLUMNS]
    if not reader.fieldnames or "record" not in reader.fieldnames or unknown:
        column = unknown[0] if unknown else "record"
        why = "is not a column of the caseload CSV" if unknown else "the header needs this column"
        raise CaseloadRefused([Fault("line 1", column, why)])
    caseload = Caseload(source=source)
    for cells in reader:
        where = f"line {reader.line_num}"
        kind = (cells.get("record") or "").strip()
        if None in cells:  # more cells than the header has columns
            caseload.faults.append(Fault(where, "record", "has more cells than the header"))
        elif kind not in _KINDS:
            caseload.faults.append(Fault(where, "record", f"must be one of: {', '.join(_KINDS)}"))
        else:
            _validate(caseload, kind, where, _csv_row(cells), _csv_name)
    return caseload


def read_caseload(text: str, csv_source: str | None, is_csv: bool) -> Caseload:
    """Read JSON, or CSV with the source system's name (CSV carries none of its own)."""
    if not is_csv:
        return read_json(text)
    if not csv_source:
        raise CaseloadRefused([Fault("the command", "source", "name the exporting system")])
    return read_csv(text, csv_source)
