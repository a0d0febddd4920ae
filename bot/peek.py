"""A bounded look inside an uploaded file: its title, first lines, sheet names or table header.

The matcher asks for it only when a file's name and caption say too little. Whatever the file
is (20 MB, corrupt, encrypted, renamed, crafted to be slow), `peek_text` reads a bounded number
of bytes, returns within PEEK_TIMEOUT_SECONDS and never raises: a file we cannot read in time
simply has no peeked text, and the matcher then asks the person.

Two bounds, because one is not enough:
- the parsing is linear: XML goes through expat (an incremental parser, fed at most a few
  hundred KB), text is cut before it is tidied, and no regular expression can backtrack;
- each peek runs in a worker process that is killed when it overruns (pypdf, expat and zlib
  hold the GIL: a thread could not be interrupted), so one hostile file never stalls the bot.

The type comes from the file's first bytes, not its extension, so a PDF renamed .docx is still
read as a PDF. .docx and .xlsx are read straight from the zip (only the first part of the XML
we need), because python-docx and openpyxl would load whole parts — a 20 MB sheet or a document
full of text — before returning anything.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from pypdf import PdfReader
from pypdf.generic import ArrayObject, StreamObject

from bot.workers import TimedProcessPool

log = logging.getLogger(__name__)

XML_BYTES = 256 * 1024  # of word/document.xml or a worksheet: many pages or rows of text
SHARED_STRINGS_BYTES = 256 * 1024  # early rows use the first shared strings
XML_CHUNK = 16 * 1024
TEXT_BYTES = 64 * 1024
SHEETS = 3
ROWS_PER_SHEET = 8
PDF_MAX_RAW_CONTENT = 128 * 1024  # page 1's content streams as stored (compressed)
PDF_MAX_PAGE_CONTENT = 256 * 1024  # and decoded: beyond this it is drawings, and slow to read
TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".md"}
WORKERS = 2

_TAG = re.compile(r"<[^<>]*>")  # stops at the next "<": linear even without a closing ">"
_SPACES = re.compile(r"[ \t\u3000]+")
_SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
# Office XML never declares a DTD; one that does is trying entity expansion.
_DTD = (b"<!DOCTYPE", b"<!ENTITY")


def peek_text(path: Path, *, max_chars: int = 2000, timeout_s: float | None = None) -> str:
    """Up to `max_chars` of the text a reader sees first in the file; "" when there is none,
    or when reading it took longer than `timeout_s` (default: PEEK_TIMEOUT_SECONDS)."""
    if timeout_s is None:
        timeout_s = _default_timeout()
    finished, text = _pool().run(timeout_s, str(path), max_chars)
    if not finished:
        log.info("no peek into %s within %.1f s", path, timeout_s)
        return ""
    return str(text)


def peek_here(path: str, max_chars: int) -> str:
    """The peek itself, in the calling process: what each worker process runs."""
    try:
        text = _peek(Path(path), max_chars * 4)
    except Exception:  # a peek is a hint: any unreadable file just has no text
        log.info("cannot peek into %s", path, exc_info=True)
        return ""
    return _tidy(text[: max_chars * 4])[:max_chars]


_pool_lock = threading.Lock()
_workers: TimedProcessPool | None = None


def _pool() -> TimedProcessPool:
    global _workers
    with _pool_lock:
        if _workers is None:
            _workers = TimedProcessPool(peek_here, size=WORKERS)
        return _workers


def _default_timeout() -> float:
    from bot.config import get_settings

    return get_settings().peek_timeout_seconds


def _peek(path: Path, budget: int) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF"):
        return _peek_pdf(path)
    if head.startswith(b"PK\x03\x04"):
        return _peek_office(path, budget)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _peek_plain(path)
    return ""


# --- office files (zip) -----------------------------------------------------------------------


def _peek_office(path: Path, budget: int) -> str:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return _peek_docx(archive, budget)
        if "xl/workbook.xml" in names:
            return _peek_xlsx(archive, names, budget)
    return ""


def _events(
    archive: zipfile.ZipFile, name: str, limit: int, tags: tuple[str, ...]
) -> Iterator[tuple[str, Element]]:
    """(event, element) pairs of a zip member's first `limit` bytes, parsed incrementally.

    Stops quietly at the end of the budget or at the first malformed byte; elements are
    complete at their "end" event.
    """
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    fed = 0
    tail = b""
    with archive.open(name) as member:
        while fed < limit:
            chunk = member.read(min(XML_CHUNK, limit - fed))
            if not chunk:
                break
            fed += len(chunk)
            window = tail + chunk
            if any(marker in window for marker in _DTD):
                return
            tail = chunk[-16:]
            try:
                parser.feed(chunk)
                for found in parser.read_events():
                    event, element = cast(tuple[str, object], found)
                    # only "start" and "end" were asked for: both carry an element
                    if isinstance(element, Element) and _local(element.tag) in tags:
                        yield event, element
            except ParseError:
                return


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _peek_docx(archive: zipfile.ZipFile, budget: int) -> str:
    pieces: list[str] = []
    size = 0
    tags = ("t", "p", "tab", "br")
    for event, element in _events(archive, "word/document.xml", XML_BYTES, tags):
        if event != "end":
            continue
        tag = _local(element.tag)
        piece = element.text or "" if tag == "t" else "\n" if tag in ("p", "br") else "\t"
        pieces.append(piece)
        size += len(piece)
        if size > budget:
            break
    return "".join(pieces)


def _peek_xlsx(archive: zipfile.ZipFile, names: set[str], budget: int) -> str:
    sheet_names = [
        element.get("name", "")
        for event, element in _events(archive, "xl/workbook.xml", XML_BYTES, ("sheet",))
        if event == "start"
    ]
    shared = _shared_strings(archive, names, budget)
    lines = [" ".join(sheet_names)]
    parts = sorted(
        (int(found[1]), name) for name in names if (found := _SHEET_PART.fullmatch(name))
    )
    for _, part in parts[:SHEETS]:
        lines.extend(_sheet_rows(archive, part, shared))
    return "\n".join(lines)


def _shared_strings(archive: zipfile.ZipFile, names: set[str], budget: int) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    strings: list[str] = []
    current: list[str] = []
    size = 0
    for event, element in _events(
        archive, "xl/sharedStrings.xml", SHARED_STRINGS_BYTES, ("si", "t")
    ):
        tag = _local(element.tag)
        if event == "start" and tag == "si":
            current = []
        elif event == "end" and tag == "t":
            current.append(element.text or "")
        elif event == "end" and tag == "si":
            strings.append("".join(current))
            size += len(strings[-1])
            element.clear()
            if size > budget * 4:  # early rows use early strings; more is reading for nothing
                break
    return strings


def _sheet_rows(archive: zipfile.ZipFile, part: str, shared: list[str]) -> list[str]:
    rows: list[str] = []
    for event, element in _events(archive, part, XML_BYTES, ("row",)):
        if event != "end":
            continue
        cells = [_cell_text(cell, shared) for cell in element if _local(cell.tag) == "c"]
        element.clear()
        line = "\t".join(cell for cell in cells if cell)
        if line:
            rows.append(line)
        if len(rows) >= ROWS_PER_SHEET:
            break
    return rows


def _cell_text(cell: Element, shared: list[str]) -> str:
    kind = cell.get("t")
    value = _child_text(cell, "v")
    if kind == "s":
        if value.isdigit() and int(value) < len(shared):
            return shared[int(value)]
        return ""  # beyond the shared strings we read: not worth reading more
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter() if _local(t.tag) == "t")
    return value


def _child_text(element: Element, tag: str) -> str:
    for child in element:
        if _local(child.tag) == tag:
            return child.text or ""
    return ""


# --- PDF and plain text -----------------------------------------------------------------------


def _peek_pdf(path: Path) -> str:
    # pypdf reports damaged files through warnings; a peek has no use for them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        if not reader.pages:
            return ""
        page = reader.pages[0]
        if _raw_content_size(page.get("/Contents")) > PDF_MAX_RAW_CONTENT:
            return ""
        contents = page.get_contents()
        if contents is not None and len(contents.get_data()) > PDF_MAX_PAGE_CONTENT:
            return ""
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title)
        return f"{title}\n{page.extract_text() or ''}"


def _raw_content_size(contents: object) -> int:
    """Bytes of a page's content streams as stored, before decoding (which may expand them)."""
    found = _resolved(contents)
    streams = [_resolved(item) for item in found] if isinstance(found, ArrayObject) else [found]
    return sum(len(s._data) for s in streams if isinstance(s, StreamObject))


def _resolved(item: object) -> object:
    get_object = getattr(item, "get_object", None)
    return get_object() if get_object is not None else item


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
    return "\n".join(line for line in lines if line)
