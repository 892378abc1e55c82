"""How strong a chosen device passphrase is, in words a practitioner can act on."""

import math
import string
from dataclasses import dataclass

from mobile_app.store.keyring import MIN_PASSPHRASE_CHARS

_COMMON = frozenset(
    {"password", "passphrase", "qwertyuiop", "1234567890", "letmein", "iloveyou", "doorstep"}
)
_LABELS = ("Too short", "Weak", "Fair", "Strong", "Very strong")


@dataclass(frozen=True)
class PassphraseStrength:
    """A score from 0 (too short) to 4 (very strong), its label and what would improve it."""

    score: int
    label: str
    advice: str

    @property
    def acceptable(self) -> bool:
        """True when the passphrase may protect this device."""
        return self.score >= 2


def _pool(passphrase: str) -> int:
    pool = 0
    for chars, size in (
        (string.ascii_lowercase, 26),
        (string.ascii_uppercase, 26),
        (string.digits, 10),
        (" ", 1),
    ):
        if any(c in chars for c in passphrase):
            pool += size
    if any(not c.isalnum() and c != " " for c in passphrase):
        pool += 33
    return max(pool, 1)


def passphrase_strength(passphrase: str) -> PassphraseStrength:
    """Estimate a passphrase's strength from its length, variety and repetition."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        return PassphraseStrength(
            0,
            _LABELS[0],
            f"Use at least {MIN_PASSPHRASE_CHARS} characters: three or four unrelated words "
            "work well.",
        )
    lowered = passphrase.lower()
    distinct = len(set(lowered))
    # Repeated characters and well-known phrases add length but almost no guessing cost.
    if distinct <= 3 or any(word in lowered for word in _COMMON):
        return PassphraseStrength(
            1, _LABELS[1], "Avoid common words and repeated characters: add unrelated words."
        )
    bits = len(passphrase) * math.log2(_pool(passphrase)) * min(1.0, distinct / 8)
    if bits < 60:
        return PassphraseStrength(2, _LABELS[2], "Good enough; another word makes it stronger.")
    if bits < 90:
        return PassphraseStrength(3, _LABELS[3], "")
    return PassphraseStrength(4, _LABELS[4], "")
