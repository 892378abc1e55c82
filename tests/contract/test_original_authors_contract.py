"""Conformance: every backend names who made a record's first version (issue 6's lookup)."""

from shared.ids import new_id
from sync_server.repository import Repository
from tests.contract.test_repository_contract import make, store


def test_original_authors_name_the_first_versions_maker_whoever_edited_since(
    repository: Repository,
) -> None:
    case = new_id()
    first = make(case)._replace(author_id="first-author")
    edited = make(case, replaces=first)._replace(author_id="someone-else")
    alone = make(case)._replace(author_id="other-author")
    store(repository, [first, edited, alone])
    with repository.ingest() as batch:
        found = batch.original_authors([first.record_id, alone.record_id, new_id()])
        assert batch.original_authors([]) == {}
    assert found == {first.record_id: "first-author", alone.record_id: "other-author"}
