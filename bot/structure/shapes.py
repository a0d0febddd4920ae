"""What an office file is built of (header rows, or headings and table heads) and how two
differ: plain values, stored with a template as JSON (bot.models.Template.structure)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

log = logging.getLogger(__name__)

Kind = Literal["xlsx", "docx"]


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


# Stored on a submission (bot.models.Submission.template_differences), read back for /review,
# the receipt of a move and the summary workbook.


def differences_json(differences: Sequence[Difference]) -> list[dict[str, Any]] | None:
    """As stored on a submission (None when nothing differs)."""
    if not differences:
        return None
    return [{"kind": d.kind, "names": list(d.names), "where": d.where} for d in differences]


def differences_from_json(document: list[dict[str, Any]] | None) -> tuple[Difference, ...]:
    """As stored by `differences_json`; unreadable entries are left out."""
    found = []
    for entry in document or ():
        try:
            kind = cast(DifferenceKind, str(entry["kind"]))
            names = tuple(str(n) for n in entry["names"])
            found.append(Difference(kind, names, str(entry.get("where", ""))))
        except (KeyError, TypeError, AttributeError):
            log.warning("unreadable stored difference: %r", entry)
    return tuple(found)
