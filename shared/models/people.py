"""Practitioners: the people who use Doorstep."""

from typing import Literal

from shared.ids import RecordId
from shared.models.base import DoorstepModel, ShortText
from shared.vocabulary import Agency, Role


class Practitioner(DoorstepModel):
    """A health visitor, social worker, supervisor or other user, with their agency."""

    schema_version: Literal[1] = 1
    id: RecordId
    username: ShortText
    display_name: ShortText
    role: Role
    agency: Agency
    team: ShortText
