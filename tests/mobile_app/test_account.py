"""A device changes hands only once the previous user's work has reached the server."""

import httpx
import pytest

from mobile_app.errors import StoreError
from mobile_app.services.planning.note_drafts import AnalysisForm, NoteDraftStore
from mobile_app.services.records import NewRecord, RecordService
from mobile_app.services.security.account import AccountService
from mobile_app.store import DeviceStore
from shared.ids import new_id
from shared.models import Practitioner, SignificantAdult
from shared.protocol import LoginRequest, LoginResponse
from shared.vocabulary import Agency, Relationship, Role

USERS = {
    name: Practitioner(
        id=new_id(), username=name, display_name=name, role=Role.HEALTH_VISITOR,
        agency=Agency.HEALTH_VISITING, team="North",
    )
    for name in ("hv-one", "hv-two")
}  # fmt: skip


def login_server() -> httpx.MockTransport:
    """Stands in for the server's login answer (the real one is covered in tests/e2e)."""

    def answer(request: httpx.Request) -> httpx.Response:
        username = LoginRequest.model_validate_json(request.content).username
        body = LoginResponse(
            token="t-" + username, device_id=new_id(), practitioner=USERS[username]
        )
        return httpx.Response(200, content=body.model_dump_json())

    return httpx.MockTransport(answer)


def sign_in(store: DeviceStore, username: str) -> Practitioner:
    return AccountService(store, login_server()).sign_in("http://s.test", username, "pw", "d")


def test_another_user_cannot_sign_in_over_unsynced_work(
    store: DeviceStore, caseload: dict[str, str]
) -> None:
    sign_in(store, "hv-one")
    RecordService(store).record([
        NewRecord(caseload["case_id"], SignificantAdult(
            child_ids=(caseload["child_id"],), relationship=Relationship.BIRTH_FATHER, name="X Y",
        ))
    ])  # fmt: skip
    with pytest.raises(StoreError, match=r"1 unsynced item.*hv-one must sign in and sync"):
        sign_in(store, "hv-two")
    assert AccountService(store).session().practitioner.username == "hv-one"
    assert sign_in(store, "hv-one").username == "hv-one", "the same user may sign in again"


def test_another_user_may_sign_in_once_nothing_waits(store: DeviceStore) -> None:
    sign_in(store, "hv-one")
    assert sign_in(store, "hv-two").username == "hv-two"


def test_a_half_written_note_also_keeps_the_device_for_its_writer(store: DeviceStore) -> None:
    writer = sign_in(store, "hv-one")
    NoteDraftStore(store, writer.id).save(new_id(), AnalysisForm(analysis="Missed appointments"))
    with pytest.raises(StoreError, match=r"1 unsynced item"):
        sign_in(store, "hv-two")
