"""The base every Doorstep record model shares: strict, immutable, versioned."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
NonEmptyLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]


def _within_record_years(moment: datetime) -> datetime:
    # Out-of-range years overflow date arithmetic downstream (UTC conversion, day ends).
    if not 1900 <= moment.year <= 2100:
        raise ValueError("must be a real date and time between the years 1900 and 2100")
    return moment


def _day_within_record_years(day: date) -> date:
    if not 1900 <= day.year <= 2100:
        raise ValueError("must be a real date between the years 1900 and 2100")
    return day


RecordTime = Annotated[AwareDatetime, AfterValidator(_within_record_years)]
"""A timezone-aware moment within the years a safeguarding record can be about."""

RecordDate = Annotated[date, AfterValidator(_day_within_record_years)]
"""A calendar day within the years a safeguarding record can be about."""


def filled(hint: str) -> AfterValidator:
    """Return a validator refusing blank text with `hint`, which says what to write.

    The hint must not contain ": " (field_errors would read the part before it as a field).
    """

    def _check(text: str) -> str:
        if not text:
            raise ValueError(hint)
        return text

    return AfterValidator(_check)


class DoorstepModel(BaseModel):
    """Base model: unknown fields are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
