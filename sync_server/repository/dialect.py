"""The seam between the two backends' SQL: one spelling of each query, read by both.

Queries are written once, in SQLite's spelling with `?` placeholders. The SQLite backend runs
them as they are; the PostgreSQL backend reads them through `to_postgres`, which rewrites the
few constructs the two spell differently. Anything else must be portable SQL: a query that
cannot be goes in a backend's own module instead.

| SQLite                      | PostgreSQL                                  |
| `?`                         | `%s` (and a literal `%` doubled)            |
| `json_each(?)` (an id list) | `jsonb_array_elements_text(%s::jsonb)`      |
| `instr(text, part)`         | `strpos(text, part)`                        |

Id lists are passed as one JSON array parameter on both (`ids_json`), so a batch of any size
is one statement with one parameter. No query parses a stored payload (version_fields.py).
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any, Protocol


class SqlResult(Protocol):
    """What a query's result offers both backends' callers."""

    @property
    def rowcount(self) -> int:
        """The rows an UPDATE or DELETE changed."""
        ...

    def fetchone(self) -> Any:
        """The next row, or None."""
        ...

    def fetchall(self) -> list[Any]:
        """Every remaining row."""
        ...

    def __iter__(self) -> Iterator[Any]:
        """The rows, one by one."""
        ...


class SqlConnection(Protocol):
    """A connection as the shared query modules use it (sqlite3's, or the PostgreSQL one)."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> SqlResult:
        """Run one statement."""
        ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any:
        """Run one statement once per parameter row."""
        ...


_JSON_IDS = re.compile(r"json_each\(\?\)")
_INSTR = re.compile(r"\binstr\(")
_LITERAL_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?|%")


def _mark(match: re.Match[str]) -> str:
    found = match.group(0)
    if found == "?":
        return "%s"
    return found.replace("%", "%%")  # a bare %, or a string literal whose text stays


@cache
def to_postgres(sql: str) -> str:
    """Return a query written in SQLite's spelling as PostgreSQL reads it (see the table)."""
    out = _JSON_IDS.sub("jsonb_array_elements_text(?::jsonb)", sql)
    out = _INSTR.sub("strpos(", out)
    return _LITERAL_OR_MARK.sub(_mark, out)
