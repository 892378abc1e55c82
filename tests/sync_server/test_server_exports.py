"""Exports: the transfer pack (JSON against its published schema, and PDF) and chronology
PDFs with the JSON chronology's filters; every export audited, out-of-scope callers refused."""

import io
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from shared.clock import utc_now
from shared.handover import TRANSFER_PACK_SCHEMA_FILE, published_schema_text
from shared.ids import new_id
from shared.models import Practitioner
from shared.synthetic import family_name, given_name
from shared.vocabulary import Agency, Role
from sync_server.demo import DemoSeed
from sync_server.repository import Repository
from sync_server.services import ServiceContainer
from sync_server.services.handover.pdf_render import latin1_safe
from tests.sync_server.server_builders import (
    PASSWORD,
    edit,
    entry,
    push,
    sign_in,
    version,
)

pytestmark = pytest.mark.usefixtures("push_clock_in_2032")

ROOT = Path(__file__).resolve().parents[2]
Headers = dict[str, str]
RNG = random.Random(55)
# Synthetic names, dressed with the characters that trip core PDF fonts.
FATHER = f"Se\u00e1n O\u2019{family_name(RNG)}"  # an accent Latin-1 has, and a curly apostrophe
PARTNER = f"\u0141ukasz {family_name(RNG)}-Zo\u00eb"  # a letter Latin-1 lacks
MOTHER = f"{given_name(RNG, 'female')} {family_name(RNG)}"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def adult(case_id: str, child_ids: list[str], relationship: str, name: str, **more: Any) -> Any:
    payload = {"record_type": "significant_adult", "child_ids": child_ids,
               "relationship": relationship, "name": name, **more}  # fmt: skip
    return version(case_id, payload)


@pytest.fixture
async def family(client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed) -> dict[str, Any]:
    """Family 1 with three adults (a mother first) and five entries pushed out of event order,
    one amended; returns the ids and the summaries in event order."""
    fam = demo.cases[0]
    sw_id = demo.practitioners["demo-sw"].id
    kids = list(fam.child_ids)
    adults = [
        adult(fam.family_id, kids, "mother", MOTHER, residency="resident"),
        adult(fam.family_id, kids, "birth_father", FATHER, parental_responsibility="yes",
              pr_basis="birth_reg", residency="non_resident",
              last_seen_at="2031-01-05T10:00:00+00:00"),
        adult(fam.family_id, kids, "mother_partner", PARTNER, residency="frequent_visitor"),
    ]  # fmt: skip
    hours = {"EVT-C": 30, "EVT-A": 10, "EVT-E": 50, "EVT-B": 20, "EVT-D": 40}
    significance = {"EVT-B": "serious", "EVT-D": "serious", "EVT-E": "positive"}
    entries = [
        entry(fam.family_id, sw_id, [kids[0]], hours=24 * 365 * 6 + h, summary=f"{name} noted",
              significance=significance.get(name, "contextual"),
              source_agency="police" if name == "EVT-D" else "CSC")
        for name, h in hours.items()
    ]  # fmt: skip
    amended = edit(entries[0], summary="EVT-C noted (corrected)")
    plan = version(
        fam.family_id,
        {
            "record_type": "cp_plan",
            "child_ids": kids,
            "categories": ["neglect"],
            "icpc_date": "2031-02-01",
            "visit_frequency_days": 10,
            "lead_practitioner_id": sw_id,
        },
    )
    outcome = version(fam.family_id, {"record_type": "plan_outcome", "plan_id": plan["record_id"],
                                      "danger_statement": "DANGER-1 baby left unfed",
                                      "safety_goal": "GOAL-1 fed on time every day",
                                      "consequence_if_not_achieved": "CONSEQUENCE-1 legal advice",
                                      "measure": "Weight checked weekly", "owner": "Parents",
                                      "due": "2031-06-01", "progress_rating": 3})  # fmt: skip
    results = await push(client, sw, [*adults, *entries, amended, plan, outcome])
    assert {r["status"] for r in results} == {"accepted"}
    return {
        "fam": fam,
        "order": ["EVT-A", "EVT-B", "EVT-C", "EVT-D", "EVT-E"],
        "amended": amended["record_id"],
        "outcome": outcome["record_id"],
    }


@pytest.mark.parametrize(
    ("given", "drawn"),
    [("O\u2019Brien", "O'Brien"), ("Zo\u00eb Se\u00e1n", "Zo\u00eb Se\u00e1n"),
     ("\u0141ukasz \u0106wik", "Lukasz Cwik"),
     ("\u201cquoted\u201d \u2013 dash", '"quoted" - dash'),
     ("\u5f20\u4f1f", "??")],
    ids=["curly-apostrophe", "latin1-accents", "other-accents", "quotes-dashes", "no-latin-form"],
)  # fmt: skip
def test_text_is_folded_to_what_the_core_fonts_can_draw(given: str, drawn: str) -> None:
    assert latin1_safe(given) == drawn


def test_published_schema_is_the_models_schema() -> None:
    """Regression: the published file must be regenerated whenever the model changes."""
    published = (ROOT / TRANSFER_PACK_SCHEMA_FILE).read_text(encoding="utf-8")
    assert published == published_schema_text(), "run scripts/publish-schemas"
    assert json.loads(published)["$id"] == "urn:doorstep:schema:transfer-pack:v1"


async def test_json_pack_validates_against_the_published_schema_and_is_audited(
    client: AsyncTestClient[Any], sw: Headers, family: dict[str, Any], repository: Repository
) -> None:
    fam = family["fam"]
    response = await client.get(f"/cases/{fam.family_id}/transfer-pack", headers=sw)
    assert response.status_code == 200, response.text
    pack = response.json()
    schema = json.loads((ROOT / TRANSFER_PACK_SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(pack)

    ours = [line for line in pack["chronology"] if line["summary"].startswith("EVT-")]
    assert [line["summary"][:5] for line in ours] == family["order"]
    [corrected] = [line for line in ours if line["record_id"] == family["amended"]]
    assert corrected["version_count"] == 2
    assert corrected["in_conflict"] is False
    concerns = {c["summary"][:5] for c in pack["summary_of_concerns"]}
    assert {"EVT-B", "EVT-D"} <= concerns
    assert not {"EVT-A", "EVT-E"} & concerns
    assert {c["significance"] for c in pack["summary_of_concerns"]} <= {"significant", "serious"}

    names = [a["name"] for a in pack["significant_adults"]]
    assert names.index(FATHER) < names.index(MOTHER)
    assert names.index(PARTNER) < names.index(MOTHER)
    first_mother = next(i for i, a in enumerate(pack["significant_adults"])
                        if not a["father_or_male_carer"])  # fmt: skip
    assert all(a["father_or_male_carer"] for a in pack["significant_adults"][:first_mother])
    [father] = [a for a in pack["significant_adults"] if a["name"] == FATHER]
    assert (father["parental_responsibility"], father["pr_basis"]) == ("yes", "birth_reg")
    assert (father["residency"], father["seen"]) == ("non_resident", True)

    [plan_outcome] = pack["plan_outcomes"]
    assert plan_outcome["outcome_id"] == family["outcome"]
    assert plan_outcome["consequence_if_not_achieved"] == "CONSEQUENCE-1 legal advice"
    assert plan_outcome["progress_rating"] == 3

    sw_row = next(i for i in pack["current_involvement"] if i["practitioner"]["role"] ==
                  "social_worker")  # fmt: skip
    assert sw_row["allocated"] is True
    assert sw_row["entries_authored"] >= 5
    exported = repository.audit_events("transfer_pack_exported")
    assert {(e.subject_type, e.subject_id) for e in exported} == {
        ("case", fam.family_id),
        ("transfer_pack", pack["pack_id"]),
    }


async def test_pack_lists_the_open_alerts_of_every_child_in_the_case(
    client: AsyncTestClient[Any], sw: Headers, family: dict[str, Any]
) -> None:
    fam = family["fam"]
    pack = (await client.get(f"/cases/{fam.family_id}/transfer-pack", headers=sw)).json()
    expected = []
    for child_id in fam.child_ids:
        response = await client.get(f"/children/{child_id}/alerts", headers=sw)
        assert response.status_code == 200, response.text
        expected += [(a["child_id"], a["code"]) for a in response.json()["alerts"]]
    assert expected, "the demo family has open alerts"
    assert sorted((a["child_id"], a["code"]) for a in pack["open_alerts"]) == sorted(expected)


async def test_pack_pdf_has_marking_sections_fathers_and_entries_in_event_order(
    client: AsyncTestClient[Any],
    sw: Headers,
    family: dict[str, Any],
    demo: DemoSeed,
    repository: Repository,
) -> None:
    fam = family["fam"]
    response = await client.get(f"/cases/{fam.family_id}/transfer-pack.pdf", headers=sw)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    for heading in ("Summary of concerns", "Current involvement", "Significant adults",
                    "Plan outcomes", "Chronology"):  # fmt: skip
        assert heading in text
    assert text.count("OFFICIAL-SENSITIVE") >= 2  # top and foot of the page
    assert "Page 1 of " in text
    assert f"by {demo.practitioners['demo-sw'].display_name}" in text
    assert "Se\u00e1n O'" in text, "an accent kept, a curly apostrophe folded"
    assert latin1_safe(PARTNER) in text
    assert latin1_safe(PARTNER).startswith("Lukasz ")
    assert "CONSEQUENCE-1 legal advice" in text
    chronology = text[text.rindex("Chronology") :]
    positions = [chronology.index(name) for name in family["order"]]
    assert positions == sorted(positions)
    assert "EVT-C noted (corrected)" in chronology
    exported = repository.audit_events("transfer_pack_exported")
    assert [e.subject_type for e in exported] == ["case", "transfer_pack"]


async def test_chronology_pdfs_follow_event_order_and_filters_change_their_content(
    client: AsyncTestClient[Any], sw: Headers, family: dict[str, Any], repository: Repository
) -> None:
    fam = family["fam"]
    for path in (f"/children/{fam.child_ids[0]}/chronology.pdf",
                 f"/cases/{fam.family_id}/chronology.pdf"):  # fmt: skip
        whole = await client.get(path, headers=sw)
        assert whole.status_code == 200, whole.text
        text = pdf_text(whole.content)
        positions = [text.index(name) for name in family["order"]]
        assert positions == sorted(positions)
        assert "Entries shown: all" in text

        serious = pdf_text((await client.get(f"{path}?significance=serious", headers=sw)).content)
        assert "EVT-B" in serious
        assert "EVT-D" in serious
        assert "EVT-A" not in serious
        assert "EVT-E" not in serious
        assert "significance: serious" in serious

        police = pdf_text((await client.get(f"{path}?agency=police", headers=sw)).content)
        assert "EVT-D" in police
        assert "EVT-B" not in police
    exported = repository.audit_events("chronology_exported")
    assert [(e.subject_type, e.subject_id) for e in exported].count(("case", fam.family_id)) == 3


async def test_a_long_chronology_runs_over_pages_each_numbered_and_marked(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    fam = demo.cases[1]
    sw_id = demo.practitioners["demo-sw"].id
    items = [entry(fam.family_id, sw_id, [fam.child_ids[0]], hours=24 * 365 * 6 + n,
                   summary=f"LONG-{n:03d} " + "observed and recorded in full. " * 6)
             for n in range(60)]  # fmt: skip
    assert {r["status"] for r in await push(client, sw, items)} == {"accepted"}
    response = await client.get(f"/cases/{fam.family_id}/chronology.pdf", headers=sw)
    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert "Summary and action" in text, "the table's headings repeat on every page"
    text = pdf_text(response.content)
    positions = [text.index(f"LONG-{n:03d}") for n in range(60)]
    assert positions == sorted(positions)


async def test_an_entry_longer_than_a_page_is_exported_whole(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed
) -> None:
    """The longest valid entry (a 1,000-character summary, a 4,000-character action) does not
    fit in one table row: its whole text follows the table."""
    fam = demo.cases[1]
    sw_id = demo.practitioners["demo-sw"].id
    summary = ("Seen at home; the kitchen had no food. " * 30)[:985] + " SUMMARY-END"
    action = ("Referred to the food bank and booked a joint visit. " * 80)[:3985] + " ACTION-END"
    long_entry = entry(fam.family_id, sw_id, [fam.child_ids[0]], summary=summary,
                       action_taken=action)  # fmt: skip
    assert (await push(client, sw, [long_entry]))[0]["status"] == "accepted"

    for url in (
        f"/cases/{fam.family_id}/chronology.pdf",
        f"/cases/{fam.family_id}/transfer-pack.pdf",
    ):
        response = await client.get(url, headers=sw)
        assert response.status_code == 200, response.text
        text = " ".join(pdf_text(response.content).split())
        assert "Continued from the table above" in text
        assert "SUMMARY-END" in text
        assert "ACTION-END" in text


@pytest.mark.parametrize(
    ("query", "field"),
    [("significance=grave", "significance"), ("from=yesterday", "from"),
     ("agencyy=police", "agencyy"), ("from=2031-03-02&to=2031-03-01", "to")],
    ids=["bad-significance", "bad-from", "misspelt-filter", "backwards-period"],
)  # fmt: skip
async def test_bad_filters_on_a_pdf_are_a_400_naming_the_field(
    client: AsyncTestClient[Any], sw: Headers, demo: DemoSeed, query: str, field: str
) -> None:
    fam = demo.cases[0]
    for path in (f"/children/{fam.child_ids[0]}/chronology.pdf",
                 f"/cases/{fam.family_id}/chronology.pdf"):  # fmt: skip
        response = await client.get(f"{path}?{query}", headers=sw)
        assert response.status_code == 400
        assert response.json()["details"]["errors"][0]["field"] == field


async def test_out_of_scope_callers_get_404_and_nothing_is_exported(
    client: AsyncTestClient[Any], demo: DemoSeed, repository: Repository
) -> None:
    hv2 = await sign_in(client, "demo-hv2")  # South Oxon: no cases
    fam = demo.cases[0]
    for path in (f"/cases/{fam.family_id}/transfer-pack",
                 f"/cases/{fam.family_id}/transfer-pack.pdf",
                 f"/cases/{fam.family_id}/chronology.pdf",
                 f"/children/{fam.child_ids[0]}/chronology.pdf",
                 f"/cases/{new_id()}/transfer-pack",
                 "/cases/not-an-id/chronology.pdf"):  # fmt: skip
        response = await client.get(path, headers=hv2)
        assert response.status_code == 404, path
        assert fam.family_id not in response.text
    assert (await client.get(f"/cases/{fam.family_id}/transfer-pack")).status_code == 401
    assert repository.audit_events("transfer_pack_exported") == []
    assert repository.audit_events("chronology_exported") == []


async def test_a_partner_contributor_allocated_the_case_cannot_export_the_pack(
    client: AsyncTestClient[Any], demo: DemoSeed, services: ServiceContainer
) -> None:
    """docs/domain.md (Roles): a partner contributor reads own entries and the plan summary only."""
    fam = demo.cases[0]
    partner = Practitioner(
        id=new_id(),
        username="test-school",
        display_name=MOTHER,
        role=Role.PARTNER_CONTRIBUTOR,
        agency=Agency.SCHOOL,
        team="School",
    )
    services.auth.add_practitioner(partner, PASSWORD)
    services.repository.allocate(partner.id, fam.family_id, utc_now().isoformat())
    headers = await sign_in(client, "test-school")
    for suffix in ("transfer-pack", "transfer-pack.pdf"):
        response = await client.get(f"/cases/{fam.family_id}/{suffix}", headers=headers)
        assert response.status_code == 403, suffix
        assert response.json()["code"] == "forbidden"
    refused = services.repository.audit_events("export_refused")
    assert {(e.actor_id, e.subject_id) for e in refused} == {(partner.id, fam.family_id)}
