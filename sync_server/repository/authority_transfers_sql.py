"""Bundles sent to and received from other authorities (append-only tables, schema_ddl.py).

Portable SQL: the PostgreSQL backend runs these same queries (dialect.py)."""

from collections.abc import Collection, Sequence
from datetime import datetime

from sync_server.repository.authority_transfers import (
    Provenance,
    ReceivedAuthor,
    ReceivedBundle,
    SentBundle,
)
from sync_server.repository.dialect import SqlConnection
from sync_server.repository.interface import NewVersion


def _marks(values: Collection[str]) -> str:
    return ", ".join("?" for _ in values)


class SqliteAuthorityTransferQueries:
    """The AuthorityTransferQueries of both backends' repositories."""

    _conn: SqlConnection

    def case_versions(self, case_id: str) -> list[NewVersion]:
        """Return every stored version of every record of the case, in server order."""
        rows = self._conn.execute(
            f"SELECT {', '.join(NewVersion._fields)} FROM versions WHERE case_id = ? "
            "ORDER BY server_seq",
            [case_id],
        ).fetchall()
        return [NewVersion(*row) for row in rows]

    def add_sent_bundle(self, sent: SentBundle) -> None:
        """Record a bundle sent (its case is closed here from now)."""
        self._conn.execute(
            f"INSERT INTO bundles_sent VALUES ({_marks(SentBundle._fields)})", list(sent)
        )

    def closed_cases(self, case_ids: Collection[str]) -> dict[str, SentBundle]:
        """Return, per closed case among these, the bundle that closed it."""
        if not case_ids:
            return {}
        ids = list(case_ids)
        sent: dict[str, SentBundle] = {}
        for row in self._conn.execute(
            f"SELECT * FROM bundles_sent WHERE case_id IN ({_marks(ids)})", ids
        ):
            bundle = SentBundle(*row)
            earlier = sent.get(bundle.case_id)
            if earlier is None or _at(bundle.exported_at) > _at(earlier.exported_at):
                sent[bundle.case_id] = bundle
        if not sent:
            return {}
        received = self._conn.execute(
            f"SELECT case_id, received_at FROM bundles_received WHERE case_id IN ({_marks(sent)})",
            list(sent),
        ).fetchall()
        # A case received back after it was sent is open again.
        for case_id, received_at in received:
            if case_id in sent and _at(received_at) > _at(sent[case_id].exported_at):
                del sent[case_id]
        return sent

    def received_bundle(self, bundle_id: str) -> ReceivedBundle | None:
        """Return the bundle received with this id, if it was imported before."""
        row = self._conn.execute(
            "SELECT * FROM bundles_received WHERE bundle_id = ?", [bundle_id]
        ).fetchone()
        return ReceivedBundle(*row) if row else None

    def add_received_bundle(
        self,
        received: ReceivedBundle,
        version_ids: Sequence[str],
        authors: Sequence[ReceivedAuthor],
    ) -> None:
        """Record a bundle received, the versions it stored and its authors."""
        conn, bundle_id = self._conn, received.bundle_id
        conn.execute(
            f"INSERT INTO bundles_received VALUES ({_marks(ReceivedBundle._fields)})",
            list(received),
        )
        conn.executemany(
            "INSERT INTO received_versions VALUES (?, ?)", [(v, bundle_id) for v in version_ids]
        )
        conn.executemany(
            "INSERT INTO received_authors VALUES (?, ?, ?, ?, ?, ?)",
            [(bundle_id, *author) for author in authors],
        )

    def provenance(self, version_ids: Collection[str]) -> dict[str, Provenance]:
        """Return the provenance of each received version among these ids."""
        if not version_ids:
            return {}
        ids = list(version_ids)
        rows = self._conn.execute(
            "SELECT rv.version_id, b.from_authority, b.received_at, a.practitioner_id, a.name,"
            " a.role, a.agency, a.team FROM received_versions rv"
            " JOIN bundles_received b ON b.bundle_id = rv.bundle_id"
            " JOIN versions v ON v.version_id = rv.version_id"
            " LEFT JOIN received_authors a"
            "   ON a.bundle_id = rv.bundle_id AND a.practitioner_id = v.author_id"
            f" WHERE rv.version_id IN ({_marks(ids)})",
            ids,
        ).fetchall()
        return {
            version_id: Provenance(
                authority, received_at, ReceivedAuthor(*author) if author[0] else None
            )
            for version_id, authority, received_at, *author in rows
        }


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)
