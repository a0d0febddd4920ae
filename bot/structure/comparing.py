"""How an upload's structure differs from its template's, and how alike two are (pure)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from bot.structure.shapes import Difference, DifferenceKind, SheetHeader, Structure


def normal(name: str) -> str:
    """The form two names are compared in: full-width folded (NFKC), no whitespace, no
    required-field star ("移送时间*" is the column 移送时间)."""
    return "".join(unicodedata.normalize("NFKC", name).split()).strip("*＊")


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


# --- several templates per indicator: what the upload path and the matcher use -------------------


def closest_template(templates: Sequence[Structure], upload: Structure | None) -> Structure | None:
    """Of an indicator's templates, the one of the upload's kind most like it (None: no
    template of that kind, or the upload has no structure)."""
    if upload is None:
        return None
    same_kind = [t for t in templates if t.kind == upload.kind]
    return max(same_kind, key=lambda t: header_similarity(t, upload), default=None)


def compare_with_templates(
    templates: Sequence[Structure], upload: Structure | None
) -> list[Difference]:
    """How `upload` differs from the closest of an indicator's templates; [] when it agrees
    with it or there is nothing to compare (an .xlsx is never held against a .docx)."""
    return compare(closest_template(templates, upload), upload)


def template_evidence(
    structures: dict[str, list[Structure]], upload: Structure | None
) -> dict[str, float]:
    """{indicator number: how alike the upload is to its closest template} (0…1), for the
    matcher: a file whose header row is an indicator's template header belongs to it."""
    found = {}
    for number, templates in structures.items():
        closest = closest_template(templates, upload)
        if closest is not None:
            found[number] = header_similarity(closest, upload)
    return found
