"""What the app offers the signed-in practitioner to record (docs/domain.md, Roles).

The app offers an act exactly when the server would accept it: both read the one table in
shared.rules.permissions. The server still decides; an offer only spares a practitioner
writing something that would be refused at the next sync.
"""

from collections.abc import Collection

from shared.models import Practitioner
from shared.rules.permissions import Act, may


def offered(
    me: Practitioner,
    record_type: str,
    act: Act,
    *,
    plan_leads: Collection[str] = (),
    first_author: str | None = None,
) -> bool:
    """True when the app offers me this act on this record type.

    Args:
        me: the signed-in practitioner.
        record_type: the record's type, as synced (`RECORD_TYPES`).
        act: making its first version, or changing it.
        plan_leads: the lead practitioners of the plan the record belongs to, in every current
            version of the plan on this device (for a plan or an outcome).
        first_author: who made the record's first version, when it exists already.
    """
    return may(
        me.role,
        record_type,
        act,
        plan_lead=me.id in plan_leads,
        own_account=first_author is not None and first_author == me.id,
    )
