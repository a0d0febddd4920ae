"""A bounded look inside an uploaded file: its title, first lines, sheet names or table header.

The matcher asks for it only when a file's name and caption say too little. Whatever the file
is (20 MB, corrupt, encrypted, renamed), `peek_text` reads a bounded number of bytes, stays
near its time budget and never raises: a file we cannot read simply has no peeked text.

The type comes from the file's first bytes, not its extension, so a PDF renamed .docx is still
read as a PDF. .docx and .xlsx are read straight from the zip (only the first part of the XML
we need), because python-docx and openpyxl would load whole parts — a 20 MB sheet or a document
full of text — before returning anything.
"""

from __future__ import annotations

import html
import logging
import re
import time
import warnings
import zipfile
from pathlib import Path

from pypdf import PdfReader

log = logging.getLogger(__name__)

XML_BYTES = 256 * 1024  # of word/document.xml or a worksheet: many pages or rows of text
SHARED_STRINGS_BYTES = 256 * 1024  # early rows use the first shared strings
TEXT_BYTES = 64 * 1024
SHEETS = 3
ROWS_PER_SHEET = 8
PDF_MAX_PAGE_STREAM = 2 * 1024 * 1024  # a page-1 content stream beyond this is drawings
TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".md"}

_TAG = re.compile(r"<[^>]*>")
_WORD_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|</w:p>|<w:tab/>|<w:br/>")
_SHEET_NAME = re.compile(r"<sheet\b[^>]*\bname=\"([^\"]*)\"")
_SHARED_STRING = re.compile(r"<si>(.*?)</si>", re.S)
_ROW = re.compile(r"<row\b[^>]*>(.*?)</row>", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_VALUE = re.compile(r"<v>([^<]*)</v>")
_INLINE = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
_SPACES = re.compile(r"[ \t\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def peek_text(path: Path, *, max_chars: int = 2000, time_budget_s: float = 0.2) -> str:
    """Up to `max_chars` of the text a reader sees first in the file; "" when there is none."""
    deadline = time.monotonic() + time_budget_s
    try:
        text = _peek(path, deadline)
    except Exception:  # a peek is a hint: any unreadable file just has no text
        log.info("cannot peek into %s", path, exc_info=True)
        return ""
    return _tidy(text)[:max_chars]


def _peek(path: Path, deadline: float) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF"):
        return _peek_pdf(path, deadline)
    if head.startswith(b"PK\x03\x04"):
        return _peek_office(path, deadline)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _peek_plain(path)
    return ""


# --- office files (zip) -----------------------------------------------------------------------


def _peek_office(path: Path, deadline: float) -> str:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return _peek_docx(archive)
        if "xl/workbook.xml" in names:
            return _peek_xlsx(archive, names, deadline)
    return ""


def _read_head(archive: zipfile.ZipFile, name: str, limit: int) -> str:
    """The first `limit` bytes of a zip member, decompressed lazily (never the whole part)."""
    with archive.open(name) as member:
        data = member.read(limit)
    return data.decode("utf-8", errors="ignore")


def _peek_docx(archive: zipfile.ZipFile) -> str:
    xml = _read_head(archive, "word/document.xml", XML_BYTES)
    pieces = []
    for found in _WORD_TEXT.finditer(xml):
        tag = found.group(0)
        if found.group(1) is not None:
            pieces.append(html.unescape(found.group(1)))
        elif tag in ("</w:p>", "<w:br/>"):
            pieces.append("\n")
        else:
            pieces.append("\t")  # table cells and tabs separate words
    return "".join(pieces)


def _peek_xlsx(archive: zipfile.ZipFile, names: set[str], deadline: float) -> str:
    workbook = _read_head(archive, "xl/workbook.xml", XML_BYTES)
    sheet_names = [html.unescape(name) for name in _SHEET_NAME.findall(workbook)]
    shared = _shared_strings(archive, names)
    lines = [" ".join(sheet_names)]
    sheet_parts = sorted(
        (name for name in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)),
        key=lambda name: int(re.sub(r"\D", "", name)),
    )
    for part in sheet_parts[:SHEETS]:
        if time.monotonic() > deadline:
            break
        lines.extend(_sheet_rows(_read_head(archive, part, XML_BYTES), shared))
    return "\n".join(lines)


def _shared_strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    xml = _read_head(archive, "xl/sharedStrings.xml", SHARED_STRINGS_BYTES)
    return [html.unescape("".join(_INLINE.findall(item))) for item in _SHARED_STRING.findall(xml)]


def _sheet_rows(xml: str, shared: list[str]) -> list[str]:
    rows = []
    for row in _ROW.findall(xml)[:ROWS_PER_SHEET]:
        cells = [
            _cell_text(attributes, body or "", shared) for attributes, body in _CELL.findall(row)
        ]
        line = "\t".join(cell for cell in cells if cell)
        if line:
            rows.append(line)
    return rows


def _cell_text(attributes: str, body: str, shared: list[str]) -> str:
    if 't="s"' in attributes:
        value = _VALUE.search(body)
        if value and value.group(1).isdigit() and int(value.group(1)) < len(shared):
            return shared[int(value.group(1))]
        return ""  # beyond the shared strings we read: not worth reading more
    if 't="inlineStr"' in attributes:
        return html.unescape("".join(_INLINE.findall(body)))
    value = _VALUE.search(body)
    return html.unescape(value.group(1)) if value else ""


# --- PDF and plain text -----------------------------------------------------------------------


def _peek_pdf(path: Path, deadline: float) -> str:
    # pypdf reports damaged files through warnings; a peek has no use for them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        if not reader.pages or time.monotonic() > deadline:
            return ""
        page = reader.pages[0]
        contents = page.get_contents()
        if contents is not None and len(contents.get_data()) > PDF_MAX_PAGE_STREAM:
            return ""
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title)
        return f"{title}\n{page.extract_text() or ''}"


def _peek_plain(path: Path) -> str:
    with path.open("rb") as handle:
        data = handle.read(TEXT_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:  # our cut fell inside the last character
            return data[: error.start].decode("utf-8-sig")
    # Chinese Windows tools still write GBK.
    return data.decode("gb18030", errors="ignore")


def _tidy(text: str) -> str:
    text = _TAG.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line))
