"""Render chronologies and transfer packs as readable A4 PDFs (fpdf2, core fonts only).

Every page is marked OFFICIAL-SENSITIVE at the top and carries, at the foot, its page
number and when and by whom the document was generated. The core fonts only know Latin-1,
so text is folded to it first: accents Latin-1 has are kept (Zoë, José), curly quotes and
dashes become their plain forms, other letters lose their accent (Łukasz -> Lukasz), and
anything left becomes "?", so no name can make the export fail.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from shared.clock import iso
from shared.handover import PackChronologyLine, TransferPack
from shared.rules.handover import BEFORE_TRANSFER_LABEL

MARKING = "OFFICIAL-SENSITIVE"
_FONT = "Helvetica"
_CHRONOLOGY_COLUMNS = (24, 24, 70, 34, 20, 18)  # mm; 190 mm between A4's 10 mm margins
_PLAIN_FORMS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "*",
        "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i",
        "\u0152": "OE", "\u0153": "oe", "\u00a0": " ",
    }
)  # fmt: skip


def latin1_safe(text: str) -> str:
    """Return text the core fonts can draw: Latin-1 kept, other letters folded, rest '?'."""
    out = []
    for char in text.translate(_PLAIN_FORMS):
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(
            part
            for part in unicodedata.normalize("NFKD", char)
            if ord(part) < 256 and not unicodedata.combining(part)
        )
        out.append(base or "?")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class DocumentStamp:
    """When, and by whom, a document was generated: printed at the foot of every page."""

    generated_at: datetime
    generated_by: str


class _MarkedDocument(FPDF):
    """An A4 page with the marking at the top and the stamp and page number at the foot."""

    def __init__(self, stamp: DocumentStamp) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._stamp = stamp
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title("Doorstep export")
        self.set_creator("Doorstep")
        self.add_page()

    def header(self) -> None:
        self.set_font(_FONT, style="B", size=9)
        self.cell(0, 5, MARKING, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(_FONT, size=7)
        generated = f"Generated {iso(self._stamp.generated_at)} by {self._stamp.generated_by}"
        self.cell(0, 4, latin1_safe(generated), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        page = f"{MARKING}  -  Page {self.page_no()} of {{nb}}"
        self.cell(0, 4, page, align=Align.C)

    def heading(self, text: str, size: int = 12) -> None:
        """Write a bold heading on its own line."""
        self.ln(2)
        self.set_font(_FONT, style="B", size=size)
        self.multi_cell(0, size * 0.5, latin1_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(_FONT, size=9)

    def line_of_text(self, text: str) -> None:
        """Write a paragraph of body text."""
        self.set_font(_FONT, size=9)
        self.multi_cell(0, 4.5, latin1_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self, widths: Sequence[int], headings: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        """Write a table with a heading row repeated on every page it spans."""
        if not rows:
            self.line_of_text("None recorded.")
            return
        self.set_font(_FONT, size=8)
        continued: list[str] = []
        with self.table(
            col_widths=tuple(widths),
            text_align=Align.L,
            line_height=4,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD"),
        ) as table:
            for cells in (headings, *rows):
                row = table.row()
                for text in cells:
                    row.cell(latin1_safe(_within_a_page(text, continued)))
        self.set_font(_FONT, size=9)
        if continued:
            self.heading("Continued from the table above", size=10)
            for number, text in enumerate(continued, start=1):
                self.line_of_text(f"[{number}] {text}")

    def finish(self) -> bytes:
        """Return the PDF's bytes."""
        return bytes(self.output())


# A table row cannot run over a page break, so a cell keeps this much and the whole text
# follows the table: an export never drops part of a record, and never fails on a long one.
CELL_CHARS = 600


def _within_a_page(text: str, continued: list[str]) -> str:
    if len(text) <= CELL_CHARS:
        return text
    continued.append(text)
    return f"{text[:CELL_CHARS]}... [continued below, {len(continued)}]"


def _when(line: PackChronologyLine) -> str:
    moment = line.event_datetime
    if line.event_date_precision == "date_only":
        return moment.date().isoformat()
    text = moment.strftime("%Y-%m-%d %H:%M")
    return f"c. {text}" if line.event_date_precision == "approx" else text


def _chronology_row(line: PackChronologyLine) -> list[str]:
    summary = line.summary
    if line.recorded_before_transfer:
        summary = f"{summary}\n({BEFORE_TRANSFER_LABEL.capitalize()}.)"
    action = line.action_taken or f"No action: {line.no_action_reason}"
    flags = [f"v{line.version_count}"]
    if line.in_conflict:
        flags.append("CONFLICT")
    if line.lifecycle != "current":
        flags.append(line.lifecycle.replace("_", " "))
    return [
        _when(line),
        line.event_type.replace("_", " "),
        f"{summary}\nAction: {action}",
        f"{line.author_name} ({line.author_role.replace('_', ' ')}, {line.author_agency})"
        + (f"\n{line.received_from}" if line.received_from else ""),
        line.significance,
        " ".join(flags),
    ]


def _chronology_table(document: _MarkedDocument, lines: Sequence[PackChronologyLine]) -> None:
    if not lines:
        document.line_of_text("No entries match.")
        return
    headings = ("Event time", "Event", "Summary and action", "Author", "Significance", "Ver.")
    document.grid(_CHRONOLOGY_COLUMNS, headings, [_chronology_row(line) for line in lines])


def chronology_pdf(
    title: str, scope_text: str, lines: Sequence[PackChronologyLine], stamp: DocumentStamp
) -> bytes:
    """Return a chronology as a PDF: a title, what it covers, then one row per entry."""
    document = _MarkedDocument(stamp)
    document.heading(title, size=14)
    document.line_of_text(scope_text)
    _chronology_table(document, lines)
    return document.finish()


def transfer_lines(pack: TransferPack) -> list[str]:
    """Return the pack's transfer facts as the PDF says them (issue 13)."""
    transfer = pack.transfer
    informed = pack.housing_provider_informed
    if transfer is None:
        return [f"Housing provider informed: {informed or 'not recorded'}"]
    to = transfer.to
    whom = f"{to.name} ({to.role}, {to.agency}, {to.team})" if to else transfer.to_team
    moved = f"Transferred to {whom}"
    if transfer.from_team:
        moved += f" from {transfer.from_team}"
    if transfer.transferred_at is not None:
        moved += f" on {transfer.transferred_at:%Y-%m-%d %H:%M} UTC"
    if transfer.transferred_by is not None:
        moved += f" by {transfer.transferred_by.name}"
    told = f" ({transfer.housing_provider_told})" if transfer.housing_provider_told else ""
    return [
        f"{moved}.",
        f"Reason: {transfer.reason}",
        f"Housing provider informed: {informed or 'not recorded'}{told}",
    ]


def transfer_pack_pdf(pack: TransferPack, stamp: DocumentStamp) -> bytes:
    """Return a transfer pack as a PDF, section by section in the order a receiver reads it."""
    document = _MarkedDocument(stamp)
    family = pack.family
    document.heading(f"Transfer pack: {family.family_name} family", size=14)
    document.line_of_text(
        f"Address: {family.address_line1}, {family.town}, {family.postcode}. "
        f"Think-family flags: {', '.join(family.think_family_flags) or 'none recorded'}."
    )
    for text in transfer_lines(pack):
        document.line_of_text(text)
    document.heading("Children")
    document.grid(
        (60, 30, 40, 60),
        ("Name", "Born / due", "NHS number", "Status"),
        [
            [
                f"{c.given_name} {c.family_name}",
                str(c.dob or f"due {c.edd}"),
                c.nhs_number or "-",
                " ".join([c.status, *c.cp_categories]),
            ]
            for c in pack.children
        ],
    )
    document.heading("Summary of concerns")
    document.grid(
        (28, 30, 22, 110),
        ("Event time", "Event", "Significance", "Summary"),
        [
            [
                c.event_datetime.strftime("%Y-%m-%d"),
                c.event_type.replace("_", " "),
                c.significance,
                c.summary,
            ]
            for c in pack.summary_of_concerns
        ],
    )
    document.heading("Open alerts")
    document.grid(
        (16, 22, 24, 128),
        ("Alert", "Severity", "Due", "What"),
        [[a.code, a.severity, str(a.due or "-"), a.message] for a in pack.open_alerts],
    )
    _people_sections(document, pack)
    document.heading("Chronology")
    _chronology_table(document, pack.chronology)
    return document.finish()


def _people_sections(document: _MarkedDocument, pack: TransferPack) -> None:
    document.heading("Current involvement")
    document.grid(
        (50, 40, 40, 30, 30),
        ("Practitioner", "Role", "Agency", "Allocated", "Entries"),
        [
            [i.practitioner.name, i.practitioner.role, i.practitioner.agency,
             "yes" if i.allocated else "no", str(i.entries_authored)]
            for i in pack.current_involvement
        ],
    )  # fmt: skip
    document.heading("Significant adults (fathers and male carers first)")
    document.grid(
        (45, 35, 40, 30, 40),
        ("Name", "Relationship", "Parental responsibility", "Residency", "Last seen"),
        [
            [a.name or f"Unidentified: {a.description_if_unidentified}",
             a.relationship.replace("_", " "),
             a.parental_responsibility + (f" ({a.pr_basis})" if a.pr_basis else ""),
             a.residency.replace("_", " "),
             a.last_seen_at.strftime("%Y-%m-%d") if a.last_seen_at else "never seen"]
            for a in pack.significant_adults
        ],
    )  # fmt: skip
    document.heading("Plan outcomes")
    if not pack.plan_outcomes:
        document.line_of_text("No plan outcomes are recorded.")
        return
    for outcome in pack.plan_outcomes:
        document.line_of_text(
            f"Danger: {outcome.danger_statement}\nSafety goal: {outcome.safety_goal}\n"
            f"If not achieved: {outcome.consequence_if_not_achieved}"
        )
