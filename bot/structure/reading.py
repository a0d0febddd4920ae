"""Reading the structure of an .xlsx or .docx, bounded: never raises, None for "none".

Whatever the file (corrupt, encrypted, a zip bomb, a renamed PDF), `extract` reads a bounded
part of it. The type comes from the zip's parts, not from the name.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from bot.structure.shapes import SheetHeader, Structure

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 10  # the header is among a sheet's first rows (title and note rows above)
MAX_COLUMNS = 60
MAX_SHEETS = 20
MAX_CELL_CHARS = 100
MAX_HEADINGS = 100
MAX_TABLES = 30
MAX_HEADING_CHARS = 60
# Declared (uncompressed) sizes of the parts read whole: a zip's declared size also bounds
# what zipfile will inflate, so a bomb is refused before any byte of it is expanded.
MAX_XML_PART_BYTES = 16 * 1024 * 1024
XML_CHUNK = 64 * 1024
TIME_BUDGET_S = 2.0

_WORKBOOK = "xl/workbook.xml"
_SHARED_STRINGS = "xl/sharedStrings.xml"
_DOCUMENT = "word/document.xml"
# Heading styles: Word's "Heading1", a Chinese Word's "1"/"标题 1", WPS's "标题1".
_HEADING_STYLE = re.compile(r"(?i)(?:heading|标题)\s*\d|\d")
# "一、基本情况": Chinese official documents number their first-level headings this way, often
# without a heading style.
_NUMBERED_HEADING = re.compile(r"[一二三四五六七八九十]{1,3}、")


def extract(path: Path, *, time_budget_s: float = TIME_BUDGET_S) -> Structure | None:
    """The structure of the .xlsx or .docx at `path`; None when it has none we can read."""
    deadline = time.monotonic() + time_budget_s
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            if _WORKBOOK in sizes:
                found = _xlsx(path, sizes, deadline)
            elif _DOCUMENT in sizes:
                found = _docx(archive, sizes, deadline)
            else:
                return None
    except Exception:  # a structure is evidence, never a failure: any unreadable file has none
        log.info("no structure read from %s", path, exc_info=True)
        return None
    return None if found is None or found.empty else found


def _xlsx(path: Path, sizes: dict[str, int], deadline: float) -> Structure | None:
    # openpyxl reads the workbook part and the shared strings whole, even in read-only mode.
    if max(sizes.get(_WORKBOOK, 0), sizes.get(_SHARED_STRINGS, 0)) > MAX_XML_PART_BYTES:
        return None
    from openpyxl import load_workbook  # local: only spreadsheets need it

    # A handle, not the path: openpyxl refuses paths without an .xlsx suffix (the store's).
    with warnings.catch_warnings(), path.open("rb") as handle:
        warnings.simplefilter("ignore")  # unsupported extensions, odd styles: not our concern
        workbook = load_workbook(handle, read_only=True, data_only=True)
        try:
            sheets = []
            for sheet in workbook.worksheets[:MAX_SHEETS]:
                if time.monotonic() > deadline:
                    break
                if getattr(sheet, "sheet_state", "visible") != "visible":
                    continue  # hidden helper sheets (lists for drop-downs) are no header
                rows = [
                    tuple(row)
                    for row in sheet.iter_rows(
                        min_row=1, max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True
                    )
                ]
                columns = header_of(rows)
                if columns:
                    sheets.append(SheetHeader(_clean(sheet.title), columns))
        finally:
            workbook.close()
    return Structure("xlsx", sheets=tuple(sheets))


def header_of(rows: Sequence[Sequence[object]]) -> tuple[str, ...]:
    """The header cells of a sheet's first rows: the first row with the most text cells (at
    least two, so a title or a single note is never the header); where it is empty, the row
    above fills in (a two-row header's vertically merged cells), up to its last column.
    """
    counts = [sum(1 for value in row if _is_text(value)) for row in rows]
    best = max(counts, default=0)
    if best < 2:
        return ()
    at = counts.index(best)
    if at + 1 < len(rows) and counts[at + 1] == best and _fills_gaps(rows[at], rows[at + 1]):
        at += 1  # a group row (merged cells leave gaps) over the column names
    row = list(rows[at])
    # A two-row header: a cell merged down from the group row above (序号) is empty here.
    above = list(rows[at - 1]) if at > 0 and counts[at - 1] >= 2 else []
    last = max(i for i, value in enumerate(row) if _present(value))
    names = []
    for column in range(last + 1):
        value = row[column]
        if not _present(value) and column < len(above):
            value = above[column]
        if _present(value):
            names.append(_clean(str(value))[:MAX_CELL_CHARS])
    return tuple(name for name in names if name)


def _fills_gaps(upper: Sequence[object], lower: Sequence[object]) -> bool:
    """Whether `lower` has text under an empty cell inside `upper`'s span."""
    filled = [i for i, value in enumerate(upper) if _present(value)]
    return any(
        not _present(upper[i]) and i < len(lower) and _is_text(lower[i])
        for i in range(filled[0], filled[-1] + 1)
    )


def _present(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _docx(archive: zipfile.ZipFile, sizes: dict[str, int], deadline: float) -> Structure | None:
    if sizes[_DOCUMENT] > MAX_XML_PART_BYTES:
        return None
    skeleton = _Skeleton()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = skeleton.start
    parser.EndElementHandler = skeleton.end
    parser.CharacterDataHandler = skeleton.text
    parser.StartDoctypeDeclHandler = _refuse_doctype  # no entities, no expansion bombs
    with archive.open(_DOCUMENT) as member:
        while chunk := member.read(XML_CHUNK):
            parser.Parse(chunk, False)
            if skeleton.full or time.monotonic() > deadline:
                break
        else:
            parser.Parse(b"", True)
    return Structure("docx", headings=tuple(skeleton.headings), tables=tuple(skeleton.tables))


def _refuse_doctype(*_args: object) -> None:
    raise ValueError("a DOCTYPE in an office document")


@dataclass
class _Skeleton:
    """Collects headings and first table rows while expat streams word/document.xml."""

    headings: list[str] = field(default_factory=list)
    tables: list[tuple[str, ...]] = field(default_factory=list)
    depth: int = 0  # table nesting
    row: int = 0  # rows seen in the current top-level table
    style: str = ""
    in_text: bool = False
    paragraph: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    cell: list[str] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return len(self.headings) >= MAX_HEADINGS and len(self.tables) >= MAX_TABLES

    @property
    def in_head_row(self) -> bool:
        return self.depth == 1 and self.row == 1

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rpartition("}")[2]
        if tag == "p":
            self.style, self.paragraph = "", []
        elif tag == "pStyle":
            self.style = next((v for k, v in attributes.items() if k.endswith("val")), "")
        elif tag == "t":
            self.in_text = True
        elif tag == "tab":
            self.paragraph.append(" ")
        elif tag == "tbl":
            self.depth += 1
            if self.depth == 1:
                self.row = 0
        elif tag == "tr" and self.depth == 1:
            self.row += 1
            self.cells = []
        elif tag == "tc" and self.in_head_row:
            self.cell = []

    def end(self, name: str) -> None:
        tag = name.rpartition("}")[2]
        if tag == "t":
            self.in_text = False
        elif tag == "p":
            self._paragraph_done(_clean("".join(self.paragraph)))
        elif tag == "tc" and self.in_head_row:
            self.cells.append(_clean(" ".join(self.cell))[:MAX_CELL_CHARS])
        elif tag == "tr" and self.in_head_row:
            head = tuple(cell for cell in self.cells if cell)[:MAX_COLUMNS]
            if head and len(self.tables) < MAX_TABLES:
                self.tables.append(head)
        elif tag == "tbl":
            self.depth -= 1

    def text(self, data: str) -> None:
        if self.in_text and len(self.paragraph) < 4 * MAX_HEADING_CHARS:
            self.paragraph.append(data)

    def _paragraph_done(self, text: str) -> None:
        if self.depth == 0:
            if text and len(self.headings) < MAX_HEADINGS and _is_heading(self.style, text):
                self.headings.append(text)
        elif self.in_head_row and text:
            self.cell.append(text)


def _is_heading(style: str, text: str) -> bool:
    if len(text) > MAX_HEADING_CHARS:
        return False
    return bool(_HEADING_STYLE.fullmatch(style.strip()) or _NUMBERED_HEADING.match(text))


def _clean(text: str) -> str:
    """Runs of whitespace (line breaks inside a cell too) become one space; ends trimmed."""
    return " ".join(text.split())
