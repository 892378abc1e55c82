"""The 0-10 safety scale: who rated and what, kept in the draft, checked, then built.

0 means "not safe in parents' care" and 10 "safe enough to close" (docs/domain.md, Visit; [S4]).
"""

from pydantic import BaseModel

from shared.models import SafetyScale

RATERS = (
    ("practitioner", "Practitioner"),
    ("mother", "Mother"),
    ("father", "Father"),
    ("child", "Child"),
    ("other", "Someone else"),
)
ZERO_ANCHOR = "0 not safe in parents' care"
TEN_ANCHOR = "10 safe enough to close"
NO_SCALE_WARNING = (
    "No safety scale recorded. You can still finalise, but a 0 to 10 rating from you, "
    "and from the family where they can, shows change from visit to visit."
)
_SHORT_MAX = 200


class ScaleDraft(BaseModel):
    """One rating as entered so far."""

    rated_by: str = "practitioner"
    rated_by_other: str = ""
    value: int | None = None

    def who(self) -> str:
        """Who gave the rating, as it will be recorded."""
        return self.rated_by_other.strip() if self.rated_by == "other" else self.rated_by


def scale_problems(scaling: list[ScaleDraft]) -> list[str]:
    """Return what is missing in each rating, numbered as on screen."""
    out = []
    for number, rating in enumerate(scaling, start=1):
        if not rating.who():
            out.append(f"Rating {number}: say who gave this rating.")
        elif len(rating.who()) > _SHORT_MAX:
            out.append(f"Rating {number}: keep who rated to {_SHORT_MAX} characters or fewer.")
        if rating.value is None or not 0 <= rating.value <= 10:
            out.append(f"Rating {number}: choose a number from 0 to 10, or remove the rating.")
    return out


def build_scaling(scaling: list[ScaleDraft]) -> tuple[SafetyScale, ...]:
    """Turn checked ratings into the visit's safety scale."""
    return tuple(
        SafetyScale(rated_by=r.who(), value=r.value) for r in scaling if r.value is not None
    )


def scale_warnings(scaling: list[ScaleDraft]) -> list[str]:
    """Warnings that do not stop finalising: no rating at all."""
    return [] if scaling else [NO_SCALE_WARNING]
