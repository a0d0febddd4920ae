"""Reading the table: rows → indicators (an indicator spread over rows is merged) and units.

Only the table is read. A signature block below it (the issuing office and a date after an
empty row) is not part of the last indicator, and text in a units cell that is no unit name
(a date, a sentence) is set aside for the report instead of becoming a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot import texts
from bot.importer.columns import (
    ITEM,
    Columns,
    assign_columns,
    header_role,
    parse_item,
)
from bot.importer.settings import first_date
from bot.importer.spec import (
    DEADLINE_TIME,
    SPACES,
    CampaignSpec,
    GroupSpec,
    ImportFailure,
    IndicatorSpec,
    WrittenUnit,
    cell_text,
)
from bot.numerals import heading_numeral, serial_number
from bot.units import split_unit_list

# Roles written inside a units cell: "A牵头，B、C配合", "A（牵头）、B", "牵头单位：A；配合单位：B".
_ROLE_MARK = re.compile(
    r"[（(]?\s*(牵头|主责|配合|协办|协助|参与)\s*(?:单位|部门)?\s*[)）]?\s*([:：])?"
)
_LEAD_MARKS = ("牵头", "主责")
_CLAUSE = re.compile(r"[，,；;。\n]")
# What a unit name never holds: a date, sentence punctuation, a phone number, a request.
_DATE_LIKE = re.compile(r"\d{4}\s*[年./-]\s*\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
_SENTENCE_LIKE = re.compile(r"[。！？!?:：]|\d{5,}|请|要求|按照|根据|报送|完成")
MAX_UNIT_NAME = 20


@dataclass(frozen=True)
class UnitRoles:
    """The units of one cell, split by role: those who answer for it, and those who support."""

    leads: list[str]
    supports: list[str]


def split_roles(cell: str) -> UnitRoles:
    """Leads and supporting units of a units cell; a plain list is all leads."""
    marks = list(_ROLE_MARK.finditer(cell))
    if not marks:
        return UnitRoles(split_unit_list(cell), [])
    leads: list[str] = []
    supports: list[str] = []
    loose: list[str] = []
    label: list[str] | None = None  # the role of a "牵头单位：" label, until the next mark
    cursor = 0
    for mark in marks:
        before = cell[cursor : mark.start()]
        role = leads if mark.group(1) in _LEAD_MARKS else supports
        if mark.group(2):  # a label: what follows belongs to it
            (label if label is not None else loose).extend(_names(before))
            label = role
        else:  # a suffix: the clause just before belongs to it ("…，B、C配合")
            *earlier, last = _CLAUSE.split(before)
            (label if label is not None else loose).extend(_names("，".join(earlier)))
            role.extend(_names(last))
        cursor = mark.end()
    (label if label is not None else loose).extend(_names(cell[cursor:]))
    # Units written beside a lead without a role of their own ("A（牵头）、B") support it.
    (supports if leads else leads).extend(loose)
    return UnitRoles(leads, [name for name in supports if name not in leads])


def _names(text: str) -> list[str]:
    return [name.removeprefix("由") for name in split_unit_list(text) if name != "由"]


def is_unit_name(name: str) -> bool:
    """False for what cannot be an office's name: a date, a sentence, a phone number."""
    return (
        len(name) <= MAX_UNIT_NAME
        and not _DATE_LIKE.search(name)
        and not _SENTENCE_LIKE.search(name)
    )


def grid_of(sheet: Worksheet) -> list[list[str]]:
    """The sheet's text, with every merged range's value copied into all its cells."""
    rows = [[cell_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        value = cell_text(sheet.cell(merged.min_row, merged.min_col).value)
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = value
    return rows


def read_table(sheet: Worksheet, header_row: int) -> tuple[CampaignSpec, list[str]]:
    """The campaign spec of the table under `header_row`, and the note texts around it."""
    grid = grid_of(sheet)
    header = grid[header_row - 1]
    roles = [header_role(cell) if cell else None for cell in header]
    body_start = header_row
    # A second header line (sub-headings under merged headings) carries no data.
    if body_start < len(grid):
        below = [header_role(c) if c else None for c in grid[body_start]]
        if sum(1 for r in below if r) >= 2 and not any(
            ITEM.match(c) for c in grid[body_start] if c
        ):
            roles = [b or a for a, b in zip(roles, below, strict=False)]
            body_start += 1
    # Empty rows are kept (as None): after one, the table may be over (a signature block).
    body = [
        (index + 1, row if _is_data_row(row) else None)
        for index, row in enumerate(grid)
        if index >= body_start and (_is_data_row(row) or not any(row))
    ]
    columns = assign_columns(roles, [row for _, row in body if row is not None])
    if columns.item is None and columns.number is None:
        raise ImportFailure(texts.IMPORT_NO_INDICATORS, sheet=sheet.title)
    if not columns.units and not columns.lead:
        raise ImportFailure(texts.IMPORT_NO_UNITS_COLUMN, sheet=sheet.title)
    spec = CampaignSpec(code="", title=_title_above(grid, header_row), sheet=sheet.title)
    _collect_rows(spec, body, columns)
    if not spec.indicators:
        raise ImportFailure(texts.IMPORT_NO_INDICATORS, sheet=sheet.title)
    notes = [
        cell
        for row in grid
        for cell in row
        if cell and cell.lstrip().startswith(("注", "备注", "说明"))
    ]
    notes += [cell for row in grid[: header_row - 1] for cell in row if cell]
    return spec, notes


def _is_data_row(row: list[str]) -> bool:
    values = {cell for cell in row if cell}
    if not values:
        return False
    if len(values) == 1 and sum(1 for cell in row if cell) > 1:
        return False  # a section row merged across the table ("基础指标")
    only = next(iter(values))
    return not (len(values) == 1 and only.startswith(("注", "备注")))


def _collect_rows(
    spec: CampaignSpec, body: list[tuple[int, list[str] | None]], columns: Columns
) -> None:
    by_number: dict[str, IndicatorSpec] = {}
    groups: dict[str, GroupSpec] = {}
    current: IndicatorSpec | None = None
    # With a lead column, a 责任单位 column beside it lists units that take part: supporters.
    owners = columns.lead or columns.units
    helpers = columns.support + (columns.units if columns.lead else [])
    for row_number, row in body:
        if row is None:
            current = None  # below an empty row only a numbered row continues the table
            continue

        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index] if index is not None and index < len(row) else ""

        number, title, extra_points = _identify(row, columns)
        if number is None:
            if current is None:
                continue
            indicator = current  # a continuation row of the indicator above
        else:
            known = by_number.get(number)
            if known is None:
                known = IndicatorSpec(number=number, title=title, row=row_number)
                by_number[number] = known
                spec.indicators.append(known)
            indicator = current = known
        group = _group_of(row, columns, groups)
        if group and indicator.group is None:
            indicator.group = group.number
        _append(indicator, "key_points", extra_points)
        for index in columns.points:
            _append(indicator, "key_points", cell(index))
        for index in columns.material:
            _append(indicator, "material", cell(index))
        for index in owners + helpers:
            if cell(index):
                where = f"{spec.sheet}!{get_column_letter(index + 1)}{row_number}"
                _add_units(spec, indicator, cell(index), where, helping=index in helpers)
        if columns.keywords is not None:
            for word in re.split(r"[、，,；;\s]+", cell(columns.keywords)):
                if word and word not in indicator.keywords:
                    indicator.keywords.append(word)
        if columns.score is not None and not indicator.score:
            indicator.score = cell(columns.score)
        if columns.template is not None:
            _append(indicator, "template_hint", cell(columns.template))
        if columns.deadline is not None and indicator.deadline is None:
            found = first_date(cell(columns.deadline))
            if found:
                indicator.deadline = datetime.combine(found, DEADLINE_TIME)
    for indicator in spec.indicators:
        leads = {unit.name for unit in indicator.units}
        indicator.supports = [unit for unit in indicator.supports if unit.name not in leads]
    spec.groups = list(groups.values())


def _identify(row: list[str], columns: Columns) -> tuple[str | None, str, str]:
    if columns.item is not None and columns.item < len(row):
        parsed = parse_item(row[columns.item])
        if parsed:
            return parsed
    if columns.number is not None and columns.number < len(row):
        number = serial_number(row[columns.number])
        if number:
            title = row[columns.title] if columns.title is not None else ""
            first, _, rest = title.partition("\n")
            return number, first.strip(), rest.strip()
    return None, "", ""


def _group_of(row: list[str], columns: Columns, groups: dict[str, GroupSpec]) -> GroupSpec | None:
    numeral, title = "", ""
    if columns.group_number is not None and columns.group_number < len(row):
        found = heading_numeral(row[columns.group_number])
        if found:
            numeral, title = found
    if columns.group_title is not None and columns.group_title < len(row):
        value = row[columns.group_title]
        found = heading_numeral(value)
        if found and not numeral:
            numeral, title = found
        elif value:
            title = title or value
    if not numeral:
        return None
    category = (
        row[columns.category]
        if columns.category is not None and columns.category < len(row)
        else ""
    )
    group = groups.get(numeral)
    if group is None:
        group = groups[numeral] = GroupSpec(number=numeral, title=title, category=category)
    return group


def _append(indicator: IndicatorSpec, attribute: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    existing: str = getattr(indicator, attribute)
    if value in existing:
        return
    setattr(indicator, attribute, f"{existing}\n{value}" if existing else value)


def _add_units(
    spec: CampaignSpec, indicator: IndicatorSpec, value: str, where: str, *, helping: bool
) -> None:
    roles = split_roles(value)
    leads = [] if helping else roles.leads
    supports = roles.leads + roles.supports if helping else roles.supports
    for names, into in ((leads, indicator.units), (supports, indicator.supports)):
        for name in names:
            if not is_unit_name(name):
                spec.not_units.append(WrittenUnit(name=name, cell=where))
            elif all(unit.name != name for unit in into):
                into.append(WrittenUnit(name=name, cell=where))


def _title_above(grid: list[list[str]], header_row: int) -> str:
    for row in grid[: header_row - 1]:
        values = [cell for cell in row if cell]
        if values and not values[0].startswith(("注", "备注", "说明", "附件")):
            return SPACES.sub("", values[0])
    return ""
