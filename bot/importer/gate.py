"""The file gate: only a readable .xlsx of a plausible size gets past, with a clear "no" otherwise.

Checked from the bytes, cheapest first: missing, 0 bytes, too big, an OLE file (an encrypted
workbook or an old .xls), not a zip or a truncated one, too many rows; then the full load.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot import texts
from bot.importer.spec import ImportFailure, Overrides

log = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_FILE_BYTES = 50 * 1024 * 1024
_UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError)


def open_workbook(path: Path) -> Any:
    """The loaded workbook (merged cells and values), or ImportFailure saying what is wrong."""
    if not path.exists():
        raise ImportFailure(texts.IMPORT_NO_FILE, path=path)
    size = path.stat().st_size
    if size == 0:
        raise ImportFailure(texts.IMPORT_EMPTY_FILE)
    if size > MAX_FILE_BYTES:
        raise ImportFailure(texts.IMPORT_TOO_BIG, mb=MAX_FILE_BYTES // (1024 * 1024))
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            # An OLE compound file: an encrypted .xlsx, or an old binary .xls.
            handle.seek(0)
            body = handle.read(1024 * 1024)
            if "EncryptionInfo".encode("utf-16-le") in body:
                raise ImportFailure(texts.IMPORT_PASSWORD)
            raise ImportFailure(texts.IMPORT_OLD_XLS)
    if not zipfile.is_zipfile(path):
        # A zip's local header without its central directory: a truncated download.
        failure = texts.IMPORT_CORRUPT if head.startswith(b"PK\x03\x04") else texts.IMPORT_NOT_XLSX
        raise ImportFailure(failure, name=path.name)
    _refuse_huge_sheets(path)
    try:
        return load_workbook(path, data_only=True)
    except _UNREADABLE as error:
        log.info("unreadable workbook %s: %s", path, error)
        raise ImportFailure(texts.IMPORT_CORRUPT, name=path.name) from error


def _refuse_huge_sheets(path: Path) -> None:
    """Count rows cheaply (read-only) before the full load that merged cells need."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise ImportFailure(texts.IMPORT_CORRUPT, name=path.name) from error
    try:
        for sheet in workbook.worksheets:
            for count, _row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if count > MAX_ROWS:
                    raise ImportFailure(
                        texts.IMPORT_TOO_MANY_ROWS, sheet=sheet.title, rows=MAX_ROWS
                    )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFailure(texts.IMPORT_CORRUPT, name=path.name) from error
    finally:
        workbook.close()


def fingerprint(path: Path, overrides: Overrides) -> str:
    """The workbook's bytes and the command-line overrides, hashed."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr(overrides).encode())
    return digest.hexdigest()
