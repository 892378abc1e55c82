"""What a partner contributor is given of a child or a family record (docs/domain.md, Roles).

A partner (school, housing, police liaison) reads "own entries plus plan summary": of the
child and family records, only what lets them recognise the child and add an entry about
them. Every read path that can hand a child or family version to a partner passes it
through here (pull, a record's history), so the rule lives in one place.

What is kept, and why:

- ids and the version's own fields (version_id, record_id, case_id, lineage): untouched.
- the child's given and family name and date of birth (or expected date): to recognise them.
  Aliases are not kept: the names the case is held under, with the date of birth, pick out
  one of a handful of children, and an alias can be a name the child left behind to be safe.
- the child's status and CP categories: the plan summary, which the partner reads whole in
  the cp_plan anyway; a CP child reset to the default status would show on the partner's
  caseload as "universal", which is false, not withheld (and status CP needs a category).
- the family's name and address (line, town, postcode): `Family.address` is required.

Every other field (NHS number, ethnicity, language, address history, GP, setting, the
family's think-family flags, agencies involved, team around the family, lead practitioner)
is reset to the model's default. A kept list, not a removed one: a field added to the model
later stays away from partners until someone decides otherwise here.

The reduced version keeps the stored version's ids and server_seq, though its content is
not the stored content: partners may not push child or family versions (push_rules), so no
edit can ever be based on it.
"""

from typing import Any

from pydantic import BaseModel

from shared.models import Address, Child, Family, Practitioner, RecordPayload
from shared.protocol import RecordVersion
from shared.vocabulary import Role
from sync_server.services.access.scope import PARTNER_REDUCED_TYPES
from sync_server.services.sync.bodies import RECORD_VERSION

CHILD_KEPT = ("given_name", "family_name", "dob", "edd", "status", "cp_categories")
FAMILY_KEPT = ("family_name",)
ADDRESS_KEPT = ("line1", "town", "postcode")

# Serialise as ingest stores a version (model_dump_json without its Python wrapper).
_to_json = RecordVersion.__pydantic_serializer__.to_json
# A key the stored (compact) JSON of a child or family version holds; a string value in
# JSON escapes its quotes, so no free text can imitate it.
_MARKERS = tuple(f'"record_type":"{kind}"' for kind in sorted(PARTNER_REDUCED_TYPES))


def reads_reduced(practitioner: Practitioner) -> bool:
    """Return True when the practitioner is given child and family records reduced."""
    return practitioner.role == Role.PARTNER_CONTRIBUTOR


def may_be_reduced(version_json: str) -> bool:
    """Return True when stored version JSON may be a child or family version (a cheap test
    before parsing: False means it is certainly neither)."""
    return any(marker in version_json for marker in _MARKERS)


def reduced_payload(payload: RecordPayload) -> RecordPayload:
    """Return a child or family payload reduced to what a partner is given; any other
    payload unchanged."""
    if isinstance(payload, Child):
        return Child.model_validate(_kept(payload, CHILD_KEPT))
    if isinstance(payload, Family):
        address = Address.model_validate(_kept(payload.address, ADDRESS_KEPT))
        return Family.model_validate({**_kept(payload, FAMILY_KEPT), "address": address})
    return payload


def reduced_version_json(version_json: str) -> str:
    """Return stored RecordVersion JSON with a child or family payload reduced (any other
    version's JSON is returned as it is).

    Raises:
        pydantic.ValidationError: the stored JSON is not a RecordVersion (a corrupt store).
    """
    if not may_be_reduced(version_json):
        return version_json
    version = RECORD_VERSION.validate_json(version_json)
    if version.payload.record_type not in PARTNER_REDUCED_TYPES:
        return version_json
    reduced = version.model_copy(update={"payload": reduced_payload(version.payload)})
    return _to_json(reduced).decode()


def _kept(model: BaseModel, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(model, name) for name in names}
