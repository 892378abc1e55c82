"""Conformance of PeopleQueries on every backend: practitioners and their sign-in credentials."""

from shared.ids import new_id
from shared.vocabulary import Agency, Role
from sync_server.repository import Repository
from tests.contract.factories import AT, person


def test_a_practitioner_is_found_by_username_and_by_id(repository: Repository) -> None:
    someone = person("someone")
    repository.add_practitioner(someone, "$argon2id$stand-in", AT)
    assert repository.practitioner_login("someone") == (someone, "$argon2id$stand-in")
    assert repository.practitioner_login("nobody") is None
    assert repository.practitioners([someone.id, new_id()]) == {someone.id: someone}


def test_every_field_is_read_back_and_a_username_matches_exactly(
    repository: Repository,
) -> None:
    worker = person("sam.okafor", team="Banbury", role=Role.SOCIAL_WORKER, agency=Agency.CSC)
    visitor = person("sam.okafor2", team="Bicester")
    repository.add_practitioner(worker, "$argon2id$v=19$m=65536,t=3,p=4$one", AT)
    repository.add_practitioner(visitor, "$argon2id$v=19$m=65536,t=3,p=4$two", AT)

    assert repository.practitioner_login("sam.okafor") == (
        worker, "$argon2id$v=19$m=65536,t=3,p=4$one")  # fmt: skip
    assert repository.practitioner_login("Sam.Okafor") is None
    assert repository.practitioner_login("sam.okafor ") is None
    assert repository.practitioner_login("sam") is None
    assert repository.practitioners([worker.id, visitor.id]) == {
        worker.id: worker,
        visitor.id: visitor,
    }
    assert repository.practitioners([]) == {}
