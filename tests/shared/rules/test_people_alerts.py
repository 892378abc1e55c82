"""A8 new or unidentified adults, A8b a known parent's checks, A9 moves, and F4 fathers not
recorded or not seen (finding 4)."""

from datetime import date, datetime

from shared.ids import new_id
from shared.models import FatherQuestion, PersonPresent
from shared.rules import AlertCode, Severity, TransferOutInput, VisitRecord
from shared.vocabulary import EventType, Relationship, VisitType
from tests.shared.rules.builders import CHILD_ID, adult, alerts_of, at, entry, records, visit

NOW = at(2026, 6, 1)


def test_a8_unidentified_adult_needs_identifying_and_checks() -> None:
    stranger = adult(Relationship.UNKNOWN_MALE, name=None, checked=None)
    [alert] = alerts_of(records(adults=(stranger,)), NOW, AlertCode.A8)
    assert "not identified" in alert.message
    assert alert.record_ids == (stranger.record_id,)


def test_a8_named_adult_without_checks() -> None:
    lodger = adult(Relationship.LODGER, checked=None)
    [alert] = alerts_of(records(adults=(lodger,)), NOW, AlertCode.A8)
    assert "no agency checks" in alert.message
    assert alerts_of(records(adults=(adult(Relationship.LODGER),)), NOW, AlertCode.A8) == []


def test_a8_unidentified_person_at_the_last_visit() -> None:
    seen = visit(at(2026, 5, 30), VisitType.TARGETED, described="Man leaving as we arrived")
    [alert] = alerts_of(records(visits=(seen,)), NOW, AlertCode.A8)
    assert alert.record_ids == (seen.record_id,)
    later = visit(at(2026, 5, 31), VisitType.TARGETED)
    assert alerts_of(records(visits=(seen, later)), NOW, AlertCode.A8) == []


def test_a9_move_needs_a_transfer_within_five_working_days() -> None:
    # Moved Thu 21 May 2026; Spring bank holiday Mon 25 May: due Fri 29 May.
    move = entry(at(2026, 5, 21), EventType.ADDRESS_MOVE)
    [due] = alerts_of(records(entries=(move,)), at(2026, 5, 29), AlertCode.A9)
    assert (due.severity, due.due) == (Severity.DUE, date(2026, 5, 29))
    [late] = alerts_of(records(entries=(move,)), at(2026, 6, 1), AlertCode.A9)
    assert late.severity == Severity.OVERDUE


def test_a9_started_transfer_waits_for_notification() -> None:
    move = entry(at(2026, 5, 21), EventType.ADDRESS_MOVE)
    started = TransferOutInput(
        record_id=new_id(), child_ids=(CHILD_ID,), started_at=at(2026, 5, 22)
    )
    [alert] = alerts_of(records(entries=(move,), transfers=(started,)), NOW, AlertCode.A9)
    assert "not notified" in alert.message
    notified = started.model_copy(update={"notified_at": at(2026, 5, 26)})
    assert alerts_of(records(entries=(move,), transfers=(notified,)), NOW, AlertCode.A9) == []


def test_f4_no_father_or_male_carer_recorded() -> None:
    [alert] = alerts_of(records(adults=(adult(Relationship.MOTHER),)), NOW, AlertCode.F4)
    assert "No father or male carer is recorded" in alert.message


def test_f4_father_not_seen_within_the_window() -> None:
    dad = adult(last_seen_at=at(2026, 3, 3))  # 90 days before 1 June
    assert alerts_of(records(adults=(dad,)), NOW, AlertCode.F4) == []
    [alert] = alerts_of(records(adults=(dad,)), at(2026, 6, 2), AlertCode.F4)
    assert alert.record_ids == (dad.record_id,)
    never = adult(Relationship.MOTHER_PARTNER, last_seen_at=None)
    [alert] = alerts_of(records(adults=(never,)), NOW, AlertCode.F4)
    assert "mother partner" in alert.message


def test_a8_is_for_new_adults_a_known_parent_without_checks_is_the_lower_a8b() -> None:
    mum = adult(Relationship.MOTHER, name="Jo Test", checked=None)
    partner = adult(Relationship.MOTHER_PARTNER, checked=None)
    case = records(adults=(mum, partner))
    [new_adult] = alerts_of(case, NOW, AlertCode.A8)
    assert new_adult.record_ids == (partner.record_id,)
    [parent] = alerts_of(case, NOW, AlertCode.A8B)
    assert parent.record_ids == (mum.record_id,)
    assert parent.severity == Severity.DUE  # lower than A8's "act now"
    assert parent.message == (
        "Agency checks are not yet recorded for mother (Jo Test), a known parent: "
        "complete them when you can."
    )
    checked = adult(Relationship.MOTHER, name="Jo Test")
    assert alerts_of(records(adults=(checked,)), NOW, AlertCode.A8B) == []


def test_an_unidentified_parent_is_still_a8() -> None:
    unnamed = adult(Relationship.BIRTH_FATHER, name=None, checked=None)
    [alert] = alerts_of(records(adults=(unnamed,)), NOW, AlertCode.A8)
    assert "not identified" in alert.message
    assert alerts_of(records(adults=(unnamed,)), NOW, AlertCode.A8B) == []


def _present(start: datetime, *person_ids: str) -> VisitRecord:
    """A visit to the test child with these people present."""
    base = visit(start, VisitType.TARGETED)
    people = tuple(PersonPresent(person_id=p) for p in person_ids)
    return base.model_copy(
        update={"visit": base.visit.model_copy(update={"persons_present": people})}
    )


def test_f4_a_father_present_at_a_visit_is_seen_on_that_date() -> None:
    dad = adult(last_seen_at=None)  # never marked seen on his own record
    at_visit = _present(at(2026, 3, 30), dad.record_id)  # 63 days before 1 June
    assert alerts_of(records(adults=(dad,), visits=(at_visit,)), NOW, AlertCode.F4) == []
    # Present 91 days ago is outside the 90 days: F4 names him again.
    old = _present(at(2026, 3, 2), dad.record_id)
    [alert] = alerts_of(records(adults=(dad,), visits=(old,)), NOW, AlertCode.F4)
    assert alert.record_ids == (dad.record_id,)
    # Someone else present does not count for him.
    other = _present(at(2026, 5, 30), new_id())
    assert alerts_of(records(adults=(dad,), visits=(other,)), NOW, AlertCode.F4) != []


def test_f4_father_not_known_because_resolves_not_recorded() -> None:
    answered = visit(at(2026, 5, 30))  # answered "not known: Mother declined to say."
    assert alerts_of(records(visits=(answered,)), NOW, AlertCode.F4) == []
    [alert] = alerts_of(records(), NOW, AlertCode.F4)
    assert "No father or male carer is recorded" in alert.message
    # A later visit naming a father nobody recorded leaves "not recorded" open again.
    named = _present(at(2026, 5, 31), new_id())
    named = named.model_copy(
        update={
            "visit": named.visit.model_copy(
                update={"father_or_male_carer": FatherQuestion(adult_ids=(new_id(),))}
            )
        }
    )
    [again] = alerts_of(records(visits=(answered, named)), NOW, AlertCode.F4)
    assert "No father or male carer is recorded" in again.message
