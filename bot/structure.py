"""The structure of an office file, and how an upload's structure differs from its template's.

A spreadsheet's structure is the header row of each visible sheet; a document's is its
skeleton: headings and the first row of each table. Templates keep theirs (bot.models.Template)
so that an upload can be compared with them and so the matcher can weigh how alike two header
rows are.

Everything here is pure and bounded: whatever the file (corrupt, encrypted, a zip bomb, a
renamed PDF), `extract` reads a bounded part of it and returns None for "no structure"; it
never raises. The type comes from the zip's parts, not from the name.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.parsers import expat

log = logging.getLogger(__name__)

Kind = Literal["xlsx", "docx"]

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


@dataclass(frozen=True)
class SheetHeader:
    """One sheet's name and the names of its header cells, left to right."""

    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    """What a file is built of: header rows (xlsx), or headings and table heads (docx)."""

    kind: Kind
    sheets: tuple[SheetHeader, ...] = ()
    headings: tuple[str, ...] = ()
    tables: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.sheets or self.headings or self.tables)

    def as_json(self) -> dict[str, Any]:
        if self.kind == "xlsx":
            return {
                "kind": "xlsx",
                "sheets": [{"name": s.name, "columns": list(s.columns)} for s in self.sheets],
            }
        return {
            "kind": "docx",
            "headings": list(self.headings),
            "tables": [list(t) for t in self.tables],
        }

    @classmethod
    def from_json(cls, document: dict[str, Any] | None) -> Structure | None:
        """The structure stored by `as_json`; None for nothing or anything unrecognised."""
        if not document:
            return None
        try:
            if document["kind"] == "xlsx":
                sheets = tuple(
                    SheetHeader(str(s["name"]), tuple(str(c) for c in s["columns"]))
                    for s in document["sheets"]
                )
                return cls("xlsx", sheets=sheets)
            if document["kind"] == "docx":
                return cls(
                    "docx",
                    headings=tuple(str(h) for h in document["headings"]),
                    tables=tuple(tuple(str(c) for c in t) for t in document["tables"]),
                )
        except (KeyError, TypeError):
            log.warning("unreadable stored structure: %r", document)
        return None


DifferenceKind = Literal[
    "missing_columns",  # a template column the upload's sheet lacks
    "extra_columns",  # a column the upload adds
    "missing_sheet",  # a template sheet with no counterpart
    "no_header",  # the upload has no header row at all
    "missing_headings",
    "missing_table",  # a template table whose head is nowhere in the upload
    "table_missing_columns",
    "table_extra_columns",
]


@dataclass(frozen=True)
class Difference:
    """One way an upload differs from its template. `where` names the sheet (when the template
    has several) or the table's position (1-based); `names` are the cells or headings."""

    kind: DifferenceKind
    names: tuple[str, ...] = ()
    where: str = ""


# --- extraction ---------------------------------------------------------------------------------


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


def normal(name: str) -> str:
    """The form two names are compared in: full-width folded (NFKC), no whitespace, no
    required-field star ("移送时间*" is the column 移送时间)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).strip("*＊")


# --- comparison -----------------------------------------------------------------------------------


def compare(template: Structure | None, upload: Structure | None) -> list[Difference]:
    """How `upload` differs from `template`; empty when they agree or cannot be compared
    (either has no structure, or one is a spreadsheet and the other a document)."""
    if template is None or upload is None or template.kind != upload.kind:
        return []
    if template.kind == "xlsx":
        return _compare_sheets(template.sheets, upload.sheets)
    return _compare_skeletons(template, upload)


def header_similarity(template: Structure | None, upload: Structure | None) -> float:
    """0…1: how alike the two header rows (or skeletons) are; 1.0 for the same names."""
    if template is None or upload is None or template.kind != upload.kind:
        return 0.0
    if template.kind == "xlsx":
        if not template.sheets or not upload.sheets:
            return 0.0
        best = [
            max(_dice(sheet.columns, other.columns) for other in upload.sheets)
            for sheet in template.sheets
        ]
        return sum(best) / len(best)
    return _dice(
        [*template.headings, *(c for t in template.tables for c in t)],
        [*upload.headings, *(c for t in upload.tables for c in t)],
    )


def _dice(first: Iterable[str], second: Iterable[str]) -> float:
    a, b = {normal(n) for n in first}, {normal(n) for n in second}
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _column_differences(
    template: Sequence[str], upload: Sequence[str], where: str, *, table: bool = False
) -> list[Difference]:
    have = {normal(n) for n in upload}
    want = {normal(n) for n in template}
    missing = tuple(n for n in template if normal(n) not in have)
    extra = tuple(n for n in upload if normal(n) not in want)
    found = []
    if missing:
        kind: DifferenceKind = "table_missing_columns" if table else "missing_columns"
        found.append(Difference(kind, _unique(missing), where))
    if extra:
        kind = "table_extra_columns" if table else "extra_columns"
        found.append(Difference(kind, _unique(extra), where))
    return found


def _compare_sheets(
    template: Sequence[SheetHeader], upload: Sequence[SheetHeader]
) -> list[Difference]:
    if not template:
        return []
    if not upload:
        return [Difference("no_header")]
    named = len(template) > 1  # with one template sheet, the upload's sheet name is free
    unused = list(upload)
    differences: list[Difference] = []
    for position, sheet in enumerate(template):
        counterpart = _counterpart(sheet, unused, position, by_name=named)
        if counterpart is None:
            differences.append(Difference("missing_sheet", (sheet.name,)))
            continue
        unused.remove(counterpart)
        where = sheet.name if named else ""
        differences.extend(_column_differences(sheet.columns, counterpart.columns, where))
    return differences


def _counterpart(
    sheet: SheetHeader, candidates: Sequence[SheetHeader], position: int, *, by_name: bool
) -> SheetHeader | None:
    """The upload's sheet for a template sheet: same name, else the most alike header, else
    the one in the same place."""
    if not candidates:
        return None
    if by_name:
        for candidate in candidates:
            if normal(candidate.name) == normal(sheet.name):
                return candidate
    scored = max(candidates, key=lambda c: _dice(sheet.columns, c.columns))
    if _dice(sheet.columns, scored.columns) > 0:
        return scored
    return candidates[min(position, len(candidates) - 1)] if not by_name else None


def _compare_skeletons(template: Structure, upload: Structure) -> list[Difference]:
    differences: list[Difference] = []
    have = {normal(h) for h in upload.headings}
    missing = tuple(h for h in template.headings if normal(h) not in have)
    if missing:
        differences.append(Difference("missing_headings", _unique(missing)))
    unused = list(upload.tables)
    for position, head in enumerate(template.tables, start=1):
        best = max(unused, key=lambda t: _dice(head, t), default=None)
        if best is None or _dice(head, best) == 0:
            differences.append(Difference("missing_table", head, str(position)))
            continue
        unused.remove(best)
        where = str(position) if len(template.tables) > 1 else ""
        differences.extend(_column_differences(head, best, where, table=True))
    return differences


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))
