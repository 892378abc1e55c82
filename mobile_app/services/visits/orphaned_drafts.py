"""Drafts left behind when a case leaves this device's scope or a record is withdrawn.

Such a draft can never be finished: its child and visit are gone from the device and the
server refuses anything about them from this user. Kept, it would be invisible yet counted as
unsynced work, refusing every other user's sign-in for good. So it goes with its case or
record, and the sync says how many went (the practitioner has lost access to them).
"""

from mobile_app.services.visits.drafts import DraftService
from mobile_app.services.visits.form_drafts import drop_form_drafts_about
from mobile_app.store import DeviceStore


def discard_orphaned_drafts(store: DeviceStore, case_ids: set[str], record_ids: set[str]) -> int:
    """Delete visit and form drafts about cases or records no longer held; return how many.

    Args:
        store: the unlocked device store.
        case_ids: cases that left this device's scope.
        record_ids: records gone from this device (every record of those cases, and any
            withdrawn record), so a form about a child of a gone case, or a review of a
            withdrawn record, goes too.
    """
    if not case_ids and not record_ids:
        return 0  # the common sync: nothing left, so no draft is decrypted
    drafts = DraftService(store)
    draft_ids = store.drafts.keys()  # a sealed table, not a dict
    doomed = [
        draft.draft_id
        for draft in (drafts.get(draft_id) for draft_id in draft_ids)
        if draft is not None
        and (
            draft.case_id in case_ids
            or draft.child_id in record_ids
            or draft.amends_record_id in record_ids
        )
    ]
    for draft_id in doomed:
        drafts.delete(draft_id)
    return len(doomed) + drop_form_drafts_about(store, record_ids)
