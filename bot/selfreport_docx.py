"""The 自评报告 draft as a Word document: a SelfReport in, .docx bytes out (no I/O).

Written as official documents are: A4 with the margins of GB/T 9704, 仿宋 body text and 黑体
headings, set on the styles themselves including the East Asian font (w:eastAsia): Word
otherwise renders Chinese in the theme's font whatever the Latin font says. Headings use
Word's built-in Heading 1 / Heading 2 styles, so the navigation pane lists groups and
indicators. Every string from the table or from users goes in as plain run text, never as a
field or a hyperlink, with the characters XML cannot hold removed.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from bot import texts
from bot.peek import peek_text
from bot.selfreport import (
    DeliveredFile,
    Excerpt,
    ReportGroup,
    ReportIndicator,
    SelfReport,
    UnitDelivery,
    opening,
    with_excerpts,
)
from bot.storage import FileStore

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号
TABLE_HALF_POINTS = 21  # the same, as w:sz writes it
STYLE_SIZES = {"Title": Pt(22), "Heading 1": Pt(16), "Heading 2": Pt(14)}
BLACK = RGBColor(0, 0, 0)
RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x59, 0x59, 0x59)
# Text width on A4 with these margins: 210 − 28 − 26 = 156 mm.
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
COLUMN_WIDTHS = (Mm(24), Mm(50), Mm(30), Mm(14), Mm(20), Mm(18))
THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# XML 1.0 cannot hold these; a file name or a cell may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def self_report_docx(report: SelfReport) -> bytes:
    """The draft as .docx bytes."""
    document = Document()
    _set_up(document, report)
    _front_matter(document, report)
    for group in report.groups:
        _group(document, group)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def clean(text: str) -> str:
    """`text` without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", text)


# --- page and styles ------------------------------------------------------------------------


def _set_up(document: DocumentObject, report: SelfReport) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    normal = document.styles["Normal"]
    _set_fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE  # type: ignore[attr-defined]
    for name, size in STYLE_SIZES.items():
        style = document.styles[name]
        _set_fonts(style.element, HEADING_FONT, latin=HEADING_FONT)
        style.font.size = size  # type: ignore[attr-defined]
        style.font.bold = False  # type: ignore[attr-defined]  # 黑体 is bold enough
        style.font.color.rgb = BLACK  # type: ignore[attr-defined]
    title = document.styles["Title"].element
    for border in title.findall(qn("w:pPr") + "/" + qn("w:pBdr")):
        border.getparent().remove(border)  # the template's blue rule under the title
    properties = document.core_properties
    properties.title = clean(texts.SELFREPORT_TITLE.format(title=report.title))
    properties.author = clean(report.issuer)


def _set_fonts(element: object, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a style's or a run's properties, dropping the
    theme fonts that would otherwise win over them."""
    properties = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.get_or_add_rFonts()
    for attribute in THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    if properties.find(qn("w:lang")) is None:
        language = OxmlElement("w:lang")
        language.set(qn("w:eastAsia"), "zh-CN")
        properties.append(language)


# --- content -----------------------------------------------------------------------------------


def _front_matter(document: DocumentObject, report: SelfReport) -> None:
    title = texts.SELFREPORT_TITLE.format(title=report.title)
    document.add_paragraph(clean(title), "Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = (
        texts.SELFREPORT_SUBTITLE_UNIT.format(unit=report.unit)
        if report.unit
        else texts.SELFREPORT_SUBTITLE
    )
    _centered(document, subtitle)
    if report.issuer:
        _centered(document, report.issuer)
    if report.doc_number:
        _centered(document, texts.SELFREPORT_DOC_NUMBER.format(doc_number=report.doc_number))
    if report.stats_start and report.stats_end:
        period = texts.SELFREPORT_PERIOD.format(
            start=_date(report.stats_start), end=_date(report.stats_end)
        )
    else:
        period = texts.SELFREPORT_PERIOD_UNSET
    document.add_paragraph(clean(period))
    when = report.generated_at.strftime(texts.SELFREPORT_GENERATED_FORMAT)
    note = document.add_paragraph().add_run(texts.SELFREPORT_GENERATED.format(when=when))
    note.font.color.rgb = GREY
    note.font.size = TABLE_SIZE


def _group(document: DocumentObject, group: ReportGroup) -> None:
    heading = (
        texts.SELFREPORT_GROUP_HEADING.format(number=group.number, title=group.title)
        if group.number
        else group.title
    )
    document.add_paragraph(clean(heading), "Heading 1")
    if group.category:
        document.add_paragraph(
            clean(texts.SELFREPORT_GROUP_CATEGORY.format(category=group.category))
        )
    for indicator in group.indicators:
        _indicator(document, indicator)


def _indicator(document: DocumentObject, indicator: ReportIndicator) -> None:
    heading = texts.SELFREPORT_INDICATOR_HEADING.format(
        number=indicator.number, title=indicator.title
    )
    document.add_paragraph(clean(heading), "Heading 2")
    _labelled(document, texts.SELFREPORT_KEY_POINTS, indicator.key_points)
    _labelled(document, texts.SELFREPORT_MATERIAL, indicator.material)
    if indicator.score:
        _labelled(document, texts.SELFREPORT_SCORE, indicator.score)
    _label(document.add_paragraph(), texts.SELFREPORT_DELIVERIES)  # a table follows
    if indicator.units:
        _deliveries(document, indicator.units)
    else:
        _note(document, texts.SELFREPORT_NO_UNITS)
    _label(document.add_paragraph(), texts.SELFREPORT_WORK)
    for excerpt in indicator.excerpts:
        paragraph = document.add_paragraph()
        paragraph.add_run(clean(texts.SELFREPORT_EXCERPT_UNIT.format(unit=excerpt.unit)))
        paragraph.add_run(clean(excerpt.text))
        paragraph.add_run(clean(texts.SELFREPORT_SOURCE.format(filename=excerpt.filename)))
    if not indicator.excerpts:
        _note(document, texts.SELFREPORT_NO_EXCERPT)
    _self_score(document)


def _labelled(document: DocumentObject, label: str, text: str) -> None:
    """A bold label, then the table's text one paragraph per line (its numbered points)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return
    first = document.add_paragraph()
    _label(first, texts.SELFREPORT_LABEL.format(label=label))
    first.add_run(clean(lines[0]))
    for line in lines[1:]:
        document.add_paragraph(clean(line))


def _deliveries(document: DocumentObject, units: tuple[UnitDelivery, ...]) -> None:
    """Each responsible unit with each file it delivered, or 未报送 in red."""
    table = document.add_table(rows=0, cols=len(COLUMN_WIDTHS))
    table.style = document.styles["Table Grid"]
    for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):
        column.width = width
    rows = [_row(texts.SELFREPORT_TABLE_HEADERS, bold=True)]
    for delivery in units:
        if delivery.status == "excused":  # 不适用: neither delivered nor missing
            rows.append(_row((delivery.unit, texts.STATUS_NAME["excused"])))
            continue
        if delivery.missing or not delivery.files:
            marked = texts.SELFREPORT_OVERDUE if delivery.overdue else texts.SELFREPORT_MISSING
            rows.append(_row((delivery.unit, marked), colour=RED, bold=True))
        rows.extend(_row(_file_values(delivery, file)) for file in delivery.files)
    for row in rows:
        table._tbl.append(row)


def _file_values(delivery: UnitDelivery, file: DeliveredFile) -> tuple[str, ...]:
    return (
        delivery.unit,
        file.filename,
        file.uploaded_at.strftime(texts.SELFREPORT_FILE_DATE_FORMAT),
        texts.SELFREPORT_VERSION.format(version=file.version),
        texts.STATUS_NAME.get(file.review_status, file.review_status),
        texts.SELFREPORT_LATE if file.late else texts.SELFREPORT_ON_TIME,
    )


def _row(
    values: Sequence[str], *, colour: RGBColor | None = None, bold: bool = False
) -> BaseOxmlElement:
    """One table row as WordprocessingML, built in one parse: python-docx's cell by cell
    API costs ~1.5 ms a row, too slow for 200 units × 50 indicators. The first value is
    the unit, always plain; `colour` and `bold` mark the others (未报送 in red). Values are
    escaped text in <w:t>, nothing else."""
    cells = []
    for index, width in enumerate(COLUMN_WIDTHS):
        value = clean(values[index]) if index < len(values) else ""
        marks = ("<w:b/>" if bold else "") + (
            f'<w:color w:val="{colour}"/>' if colour is not None and index > 0 else ""
        )
        text = (
            f'<w:r><w:rPr>{marks}<w:sz w:val="{TABLE_HALF_POINTS}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(value)}</w:t></w:r>'
            if value
            else ""
        )
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width.twips}" w:type="dxa"/></w:tcPr>'
            f"<w:p>{text}</w:p></w:tc>"
        )
    return parse_xml(f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>")


def _self_score(document: DocumentObject) -> None:
    """A two-cell table: 自评得分 and an empty cell for the person who scores."""
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    _label(table.rows[0].cells[0].paragraphs[0], texts.SELFREPORT_SELF_SCORE)
    table.rows[0].cells[0].width = Mm(30)
    table.rows[0].cells[1].width = Mm(126)
    document.add_paragraph()


def _label(paragraph: Paragraph, label: str, size: Pt | None = None) -> Run:
    run = paragraph.add_run(label)
    run.font.bold = True
    _set_fonts(run.element, HEADING_FONT)
    if size:
        run.font.size = size
    return run


def _note(document: DocumentObject, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.font.color.rgb = GREY


def _centered(document: DocumentObject, text: str) -> None:
    document.add_paragraph(clean(text)).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _date(day: date) -> str:
    return texts.SELFREPORT_DATE.format(year=day.year, month=day.month, day=day.day)


def draft_excerpts(report: SelfReport, store: FileStore) -> SelfReport:
    """The report with the opening of each delivered .docx/.pdf under its indicator: file
    reads, no database, so it runs outside any transaction. A file that cannot be read (gone,
    encrypted, scanned) is simply not quoted."""
    excerpts: dict[str, list[Excerpt]] = defaultdict(list)
    for number, unit, file in report.quotable_files():
        path = store.path_for(file.storage_key)
        text = opening(peek_text(path)) if path.exists() else ""
        if text:
            excerpts[number].append(Excerpt(unit=unit, filename=file.filename, text=text))
    return with_excerpts(report, excerpts)


def draft_document(report: SelfReport, store: FileStore) -> bytes:
    """The draft as .docx bytes: excerpts read, document written (slow: off the event loop)."""
    return self_report_docx(draft_excerpts(report, store))
