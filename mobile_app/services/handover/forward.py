"""Forward a record the server refused after the case was transferred (issue 13).

The practitioner's supervisor, at this device, gives their own username and password; the
device sends the kept version with them. The server checks the supervisor like a sign-in
and stores the version in the author's name, marked as recorded before the transfer. On
acceptance the record is synced here and its sync issue is cleared; on refusal the issue
keeps the server's new reason.
"""

from dataclasses import dataclass

from mobile_app.services.sync.issues import issue_detail
from mobile_app.store import DeviceStore, SyncState
from mobile_app.sync_client import SyncClient
from shared.handover import HandoverForwardRequest
from shared.protocol import ItemStatus, PulledVersion

NOT_REFUSED = "Only a record the server refused can be forwarded."
_STATES = {
    ItemStatus.ACCEPTED: SyncState.SYNCED,
    ItemStatus.DUPLICATE: SyncState.SYNCED,
    ItemStatus.CONFLICT: SyncState.CONFLICT,
}


@dataclass(frozen=True)
class ForwardResult:
    """What the server did with a forwarded record, in plain words."""

    accepted: bool
    message: str


def forward_refused(
    store: DeviceStore, client: SyncClient, version_id: str, supervisor: str, password: str
) -> ForwardResult:
    """Send a refused version with the supervisor's countersignature; record the answer.

    Raises:
        ValueError: this device holds no refused version with this id.
        ServerRefused, ServerUnreachable, ServerFault: as for any call to the server.
    """
    stored = store.records.get(version_id)
    if stored.state != SyncState.REJECTED or isinstance(stored.version, PulledVersion):
        raise ValueError(NOT_REFUSED)
    request = HandoverForwardRequest(
        supervisor_username=supervisor, supervisor_password=password, version=stored.version
    )
    result = client.forward(request)
    state = _STATES.get(result.status)
    with store.atomic():
        if state is None:  # refused again: the issue says the new reason
            store.sync_issues.put(version_id, result.model_dump(mode="json"), status=result.status)
            return ForwardResult(False, issue_detail(result))
        store.records.set_state(version_id, state, result.server_seq)
        if state == SyncState.CONFLICT:
            store.sync_issues.put(version_id, result.model_dump(mode="json"), status=result.status)
        else:
            store.sync_issues.delete(version_id)
    return ForwardResult(True, "Forwarded: the receiving team will see it.")
