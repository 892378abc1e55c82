"""Rule V6: a soft warning when a chronology summary reads as opinion rather than fact.

It never blocks a record: it points at the words so the practitioner can say what was seen or
heard, and who said it (docs/domain.md, Validation rules; [C2]).
"""

import re

OPINION_PHRASES = (
    "seems",
    "seemed",
    "seem to",
    "appears to",
    "appeared to",
    "apparently",
    "I feel",
    "I felt",
    "I think",
    "I thought",
    "I believe",
    "in my opinion",
    "obviously",
    "clearly",
    "probably",
)

_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in OPINION_PHRASES) + r")\b",
    re.IGNORECASE,
)
_CANONICAL = {p.casefold(): p for p in OPINION_PHRASES}


def opinion_word_warnings(text: str) -> list[str]:
    """Return one readable warning per opinion phrase found in text, in order of first use.

    The warning quotes only the phrase from the fixed list, never the surrounding text.
    """
    found: dict[str, None] = {}
    for match in _PATTERN.finditer(text):
        phrase = _CANONICAL[" ".join(match.group(1).split()).casefold()]
        found.setdefault(phrase)
    return [
        f'"{phrase}" reads as opinion: record what was seen or heard, and who said it.'
        for phrase in found
    ]
