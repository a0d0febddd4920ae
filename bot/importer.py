"""Task-division workbook → a plain CampaignSpec (read_workbook) → the database (apply_campaign).

The table is found by its header words, not by column letters or row numbers, so a title row,
a note row, another column order or an extra column does not break it. Nothing here knows the
seed campaign: every indicator, unit and keyword comes from the workbook.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from bot import texts

log = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_TIMEZONE = "Asia/Shanghai"
# A date-only deadline ("10月18日前") means the end of that working day.
DEADLINE_TIME = time(23, 59, 59)

# Header vocabulary of task-division tables (format knowledge, not campaign content).
HEADER_ROLES: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "指标序号", "指标编号", "项目序号"),
    "category": ("考核内容", "考核类别", "评价内容", "考核维度", "一级指标", "考核方面"),
    "group": ("考核指标", "指标名称", "考核项目", "二级指标", "考核事项", "指标"),
    "points": (
        "考核要点",
        "考核标准",
        "评分标准",
        "考核细则",
        "工作要求",
        "考核要求",
        "评分细则",
        "三级指标",
        "具体内容",
        "工作内容",
        "评价要点",
    ),
    "material": (
        "支撑材料说明",
        "支撑材料",
        "佐证材料",
        "佐证材料要求",
        "材料要求",
        "报送材料",
        "证明材料",
        "备查材料",
        "材料清单",
        "需提供材料",
        "支撑材料清单",
    ),
    "units": (
        "责任单位",
        "牵头单位",
        "责任部门",
        "承办单位",
        "牵头部门",
        "负责单位",
        "配合单位",
        "责任科室",
        "主责单位",
    ),
    "keywords": ("关键词", "关键字"),
    "score": ("分值", "分数", "权重", "标准分"),
    "deadline": (
        "完成时限",
        "截止时间",
        "报送时限",
        "时间要求",
        "完成时间",
        "报送时间",
        "截止日期",
    ),
    "template": ("模板", "材料模板", "模板说明", "附件模板"),
}
_HEADER_INDEX = {word: role for role, words in HEADER_ROLES.items() for word in words}
SETTINGS_SHEET_NAMES = ("活动设置", "设置", "配置", "参数", "settings", "config")
SETTINGS_KEYS: dict[str, tuple[str, ...]] = {
    "code": ("活动代码", "代码", "code"),
    "title": ("活动名称", "名称", "标题", "title"),
    "issuer": ("发文单位", "牵头单位", "组织单位", "issuer"),
    "doc_number": ("文号", "发文字号"),
    "division_deadline": ("任务分工截止", "分工截止"),
    "deadline": ("材料报送截止", "报送截止", "截止日期", "截止时间", "deadline"),
    "stats_start": ("统计开始", "统计起始"),
    "stats_end": ("统计结束", "统计截止"),
    "stats_period": ("统计期", "统计时间", "统计区间"),
    "timezone": ("时区", "timezone"),
    "reminder_rules": ("提醒规则", "提醒", "reminders"),
    "quiet_dates": ("不提醒日期", "休息日", "节假日"),
}

_SPACES = re.compile(r"[\s\u3000]+")
_HEADER_PUNCT = re.compile(r"[\s\u3000:：*＊()（）]+")
_ITEM = re.compile(
    r"^\s*(?:第\s*(\d+)\s*项|[（(]\s*(\d+)\s*[)）]|(\d+(?:\.\d+)?)\s*[.、．:：)）]|(\d+)\s+)\s*(\S.*)?$"
)
# "１．督查考核情况": Chinese documents often type numbers full-width.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_BARE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[.、．]?\s*$")
# A group number: "一", "一、…", "（一）…", "(一)…". A bare numeral followed straight by text
# ("一站式服务") is a word, not a number.
_GROUP_NUMERAL = re.compile(
    r"^\s*(?:[（(]\s*(?P<p>[一二三四五六七八九十]+)\s*[)）]|(?P<n>[一二三四五六七八九十]+)"
    r"(?=\s*[、.．:：]|\s*$))\s*[、.．:：]?\s*(?P<rest>.*)$",
    re.S,
)


def _group_numeral(text: str) -> tuple[str, str] | None:
    """(numeral, title) of a group cell, or None."""
    match = _GROUP_NUMERAL.match(text)
    if match is None:
        return None
    return match.group("p") or match.group("n"), match.group("rest").strip()


_CN_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_DEADLINE_HINT = re.compile(r"截止|前报送|前完成|之前|前提交|前上报|日前|报送时间|报送日期|时限")


class ImportFailure(Exception):
    """A workbook that cannot be imported; the message is for the person who sent it."""


@dataclass
class GroupSpec:
    number: str
    title: str = ""
    category: str = ""


@dataclass
class WrittenUnit:
    """A unit name as written in a cell, with where it was written."""

    name: str
    cell: str


@dataclass
class IndicatorSpec:
    number: str
    title: str
    group: str | None = None
    key_points: str = ""
    material: str = ""
    units: list[WrittenUnit] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    score: str = ""
    template_hint: str = ""
    deadline: datetime | None = None
    row: int = 0


@dataclass
class CampaignSpec:
    code: str
    title: str
    sheet: str
    issuer: str = ""
    doc_number: str = ""
    timezone: str = DEFAULT_TIMEZONE
    stats_start: date | None = None
    stats_end: date | None = None
    deadline: datetime | None = None
    division_deadline: datetime | None = None
    reminder_rules: list[str] = field(default_factory=list)
    quiet_dates: list[str] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    indicators: list[IndicatorSpec] = field(default_factory=list)
    source: str = ""
    fingerprint: str = ""


@dataclass(frozen=True)
class Overrides:
    """Campaign facts given on the command line; they win over the workbook."""

    code: str | None = None
    title: str | None = None
    deadline: date | datetime | None = None
    timezone: str | None = None


# --- reading -------------------------------------------------------------------------------


def read_workbook(path: Path, overrides: Overrides | None = None) -> CampaignSpec:
    """Read a task-division workbook into a CampaignSpec, or raise ImportFailure."""
    overrides = overrides or Overrides()
    workbook = _open_workbook(path)
    try:
        settings = _read_settings(workbook)
        sheet, header_row = _find_table(workbook)
        spec = _read_table(sheet, header_row)
    finally:
        workbook.close()
    spec.source = path.name
    spec.fingerprint = _fingerprint(path, overrides)
    _apply_facts(spec, settings, path, overrides)
    return spec


def _fingerprint(path: Path, overrides: Overrides) -> str:
    """The workbook's bytes and the command-line overrides, hashed."""
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr(overrides).encode())
    return digest.hexdigest()


def _open_workbook(path: Path) -> Any:
    if not path.exists():
        raise ImportFailure(texts.IMPORT_NO_FILE.format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise ImportFailure(texts.IMPORT_EMPTY_FILE)
    if size > MAX_FILE_BYTES:
        raise ImportFailure(texts.IMPORT_TOO_BIG.format(mb=MAX_FILE_BYTES // (1024 * 1024)))
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
        raise ImportFailure(failure.format(name=path.name))
    _refuse_huge_sheets(path)
    try:
        return load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        log.info("unreadable workbook %s: %s", path, error)
        raise ImportFailure(texts.IMPORT_CORRUPT.format(name=path.name)) from error


def _refuse_huge_sheets(path: Path) -> None:
    """Count rows cheaply (read-only) before the full load that merged cells need."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFailure(texts.IMPORT_CORRUPT.format(name=path.name)) from error
    try:
        for sheet in workbook.worksheets:
            for count, _row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if count > MAX_ROWS:
                    raise ImportFailure(
                        texts.IMPORT_TOO_MANY_ROWS.format(sheet=sheet.title, rows=MAX_ROWS)
                    )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFailure(texts.IMPORT_CORRUPT.format(name=path.name)) from error
    finally:
        workbook.close()


def _grid(sheet: Worksheet) -> list[list[str]]:
    """The sheet's text, with every merged range's value copied into all its cells."""
    rows = [[_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        value = _text(sheet.cell(merged.min_row, merged.min_col).value)
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = value
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _header_role(text: str) -> str | None:
    word = _HEADER_PUNCT.sub("", text)
    if not word or len(word) > 12:
        return None
    if word in _HEADER_INDEX:
        return _HEADER_INDEX[word]
    for known, role in sorted(_HEADER_INDEX.items(), key=lambda pair: -len(pair[0])):
        if len(known) >= 3 and known in word:
            return role
    return None


def _find_table(workbook: Any) -> tuple[Worksheet, int]:
    """The sheet and 1-based row of the best header row in the workbook."""
    best: tuple[int, Worksheet | None, int] = (0, None, 0)
    any_content = False
    for sheet in workbook.worksheets:
        if _is_settings_sheet(sheet.title):
            continue
        for row_number, row in enumerate(sheet.iter_rows(max_row=30, values_only=True), start=1):
            cells = [_text(value) for value in row]
            any_content = any_content or any(cells)
            roles = {_header_role(cell) for cell in cells if cell}
            roles.discard(None)
            essential = roles & {"material", "units", "points", "group"}
            score = len(roles) if len(essential) >= 2 else 0
            if score > best[0]:
                best = (score, sheet, row_number)
    if best[1] is None:
        if not any_content:
            raise ImportFailure(texts.IMPORT_EMPTY_WORKBOOK)
        raise ImportFailure(texts.IMPORT_NO_HEADER)
    return best[1], best[2]


def _is_settings_sheet(title: str) -> bool:
    return _SPACES.sub("", title).lower() in SETTINGS_SHEET_NAMES


@dataclass
class _Columns:
    """Which column (0-based) holds what."""

    item: int | None = None
    number: int | None = None
    title: int | None = None
    group_number: int | None = None
    group_title: int | None = None
    category: int | None = None
    points: list[int] = field(default_factory=list)
    material: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    keywords: int | None = None
    score: int | None = None
    deadline: int | None = None
    template: int | None = None


def _read_table(sheet: Worksheet, header_row: int) -> CampaignSpec:
    grid = _grid(sheet)
    header = grid[header_row - 1]
    roles = [_header_role(cell) if cell else None for cell in header]
    body_start = header_row
    # A second header line (sub-headings under merged headings) carries no data.
    if body_start < len(grid):
        below = [_header_role(c) if c else None for c in grid[body_start]]
        if sum(1 for r in below if r) >= 2 and not any(
            _ITEM.match(c) for c in grid[body_start] if c
        ):
            roles = [b or a for a, b in zip(roles, below, strict=False)]
            body_start += 1
    body = [(index + 1, row) for index, row in enumerate(grid) if index >= body_start]
    body = [(n, row) for n, row in body if _is_data_row(row)]
    columns = _assign_columns(roles, [row for _, row in body])
    if columns.item is None and columns.number is None:
        raise ImportFailure(texts.IMPORT_NO_INDICATORS.format(sheet=sheet.title))
    if not columns.units:
        raise ImportFailure(texts.IMPORT_NO_UNITS_COLUMN.format(sheet=sheet.title))
    title = _title_above(grid, header_row)
    spec = CampaignSpec(code="", title=title, sheet=sheet.title)
    _collect_rows(spec, body, columns, sheet.title)
    if not spec.indicators:
        raise ImportFailure(texts.IMPORT_NO_INDICATORS.format(sheet=sheet.title))
    notes = [
        cell
        for row in grid
        for cell in row
        if cell and cell.lstrip().startswith(("注", "备注", "说明"))
    ]
    notes += [cell for row in grid[: header_row - 1] for cell in row if cell]
    _facts_from_notes(spec, notes)
    return spec


def _is_data_row(row: list[str]) -> bool:
    values = {cell for cell in row if cell}
    if not values:
        return False
    if len(values) == 1 and sum(1 for cell in row if cell) > 1:
        return False  # a section row merged across the table ("基础指标")
    only = next(iter(values))
    return not (len(values) == 1 and only.startswith(("注", "备注")))


def _assign_columns(roles: list[str | None], rows: list[list[str]]) -> _Columns:
    columns = _Columns()
    width = len(roles)
    for index, role in enumerate(roles):
        if role == "material":
            columns.material.append(index)
        elif role == "units":
            columns.units.append(index)
        elif role == "keywords":
            columns.keywords = index
        elif role == "score":
            columns.score = index
        elif role == "deadline":
            columns.deadline = index
        elif role == "template":
            columns.template = index
        elif role == "number" and columns.number is None and _mostly_numbers(rows, index):
            columns.number = index
    taken = {
        *columns.material,
        *columns.units,
        columns.keywords,
        columns.score,
        columns.deadline,
        columns.template,
        columns.number,
    }
    text_columns = [
        i
        for i in range(width)
        if (i not in taken and roles[i] is not None)
        or (i not in taken and roles[i] is None and _has_text(rows, i))
    ]
    columns.item = _item_column(rows, [i for i in text_columns if roles[i] != "category"])
    if columns.item is None and columns.number is None:
        # No numbered titles and no Arabic serial numbers: a 序号 column of 一、二、三 numbers
        # the indicators themselves (with numbered titles it would number the groups).
        columns.number = next(
            (i for i in text_columns if roles[i] == "number" and _mostly_group_numerals(rows, i)),
            None,
        )
        text_columns = [i for i in text_columns if i != columns.number]
    if columns.item is None and columns.number is not None:
        # The title: a 考核指标-like column, else 考核内容, else the first other text column.
        columns.title = next(
            (i for role in ("group", "category", None) for i in text_columns if roles[i] == role),
            None,
        )
    for index in text_columns:
        if index in (columns.item, columns.title):
            continue
        role = roles[index]
        if _mostly_group_numerals(rows, index):
            columns.group_number = index
        elif role == "points":
            columns.points.append(index)
        elif role == "category" and columns.category is None:
            columns.category = index
        elif (
            role == "group"
            and columns.group_title is None
            and (columns.item is not None and index < columns.item)
        ):
            columns.group_title = index
        elif role == "group":
            columns.points.append(index)
    return columns


def _has_text(rows: list[list[str]], index: int) -> bool:
    return any(index < len(row) and row[index] for row in rows)


def _column(rows: list[list[str]], index: int) -> list[str]:
    return [row[index] for row in rows if index < len(row) and row[index]]


def _mostly_numbers(rows: list[list[str]], index: int) -> bool:
    values = [v.translate(_FULL_WIDTH_DIGITS) for v in _column(rows, index)]
    return bool(values) and sum(1 for v in values if _BARE_NUMBER.match(v)) >= 0.6 * len(values)


def _mostly_group_numerals(rows: list[list[str]], index: int) -> bool:
    values = _column(rows, index)
    hits = [v for v in values if (found := _group_numeral(v)) and len(found[0]) <= 3]
    return bool(values) and len(hits) >= 0.6 * len(values)


def _parse_item(cell: str) -> tuple[str, str, str] | None:
    """(number, title, rest) from "1.督查考核情况", "（1）…", "第1项…"; None if not numbered."""
    first, _, rest = cell.partition("\n")
    match = _ITEM.match(first.translate(_FULL_WIDTH_DIGITS))
    if not match:
        return None
    number = next(g for g in match.groups()[:4] if g)
    title = (match.group(5) or "").strip()
    if not title or len(title) > 80:
        return None
    return number, title, rest.strip()


def _item_column(rows: list[list[str]], candidates: Iterable[int]) -> int | None:
    """The column whose cells are numbered items with the most distinct numbers."""
    best: tuple[int, int | None] = (1, None)
    for index in candidates:
        numbers = {parsed[0] for value in _column(rows, index) if (parsed := _parse_item(value))}
        if len(numbers) > best[0]:
            best = (len(numbers), index)
    return best[1]


def _collect_rows(
    spec: CampaignSpec, body: list[tuple[int, list[str]]], columns: _Columns, sheet_title: str
) -> None:
    by_number: dict[str, IndicatorSpec] = {}
    groups: dict[str, GroupSpec] = {}
    current: IndicatorSpec | None = None
    for row_number, row in body:

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
        group = _group_of(row, columns, groups, spec)
        if group and indicator.group is None:
            indicator.group = group.number
        _append(indicator, "key_points", extra_points)
        for index in columns.points:
            _append(indicator, "key_points", cell(index))
        for index in columns.material:
            _append(indicator, "material", cell(index))
        for index in columns.units:
            value = cell(index)
            if value:
                where = f"{sheet_title}!{get_column_letter(index + 1)}{row_number}"
                _add_units(indicator, value, where)
        if columns.keywords is not None:
            for word in re.split(r"[、，,；;\s]+", cell(columns.keywords)):
                if word and word not in indicator.keywords:
                    indicator.keywords.append(word)
        if columns.score is not None and not indicator.score:
            indicator.score = cell(columns.score)
        if columns.template is not None:
            _append(indicator, "template_hint", cell(columns.template))
        if columns.deadline is not None and indicator.deadline is None:
            found = _first_date(cell(columns.deadline))
            if found:
                indicator.deadline = datetime.combine(found, DEADLINE_TIME)
    spec.groups = list(groups.values())


def _identify(row: list[str], columns: _Columns) -> tuple[str | None, str, str]:
    if columns.item is not None and columns.item < len(row):
        parsed = _parse_item(row[columns.item])
        if parsed:
            return parsed
    if columns.number is not None and columns.number < len(row):
        number = _serial_number(row[columns.number])
        if number:
            title = row[columns.title] if columns.title is not None else ""
            first, _, rest = title.partition("\n")
            return number, first.strip(), rest.strip()
    return None, "", ""


_CHINESE_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")}


def _serial_number(cell: str) -> str | None:
    """ "3", "3.", "3、" or "三", "（三）", "十二、" as an Arabic number string."""
    bare = _BARE_NUMBER.match(cell.translate(_FULL_WIDTH_DIGITS))
    if bare:
        return bare.group(1)
    found = _group_numeral(cell)
    if found is None or found[1]:
        return None
    numeral = found[0]
    tens, _, units = numeral.rpartition("十")
    if "十" not in numeral:
        value = _CHINESE_DIGITS.get(numeral, 0) if len(numeral) == 1 else 0
    else:
        value = (_CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + (
            _CHINESE_DIGITS.get(units, 0) if units else 0
        )
    return str(value) if value > 0 else None


def _group_of(
    row: list[str], columns: _Columns, groups: dict[str, GroupSpec], spec: CampaignSpec
) -> GroupSpec | None:
    numeral, title = "", ""
    if columns.group_number is not None and columns.group_number < len(row):
        found = _group_numeral(row[columns.group_number])
        if found:
            numeral, title = found
    if columns.group_title is not None and columns.group_title < len(row):
        value = row[columns.group_title]
        found = _group_numeral(value)
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


def _add_units(indicator: IndicatorSpec, cell_value: str, where: str) -> None:
    from bot.units import split_unit_list  # local: keeps this module's import light

    for name in split_unit_list(cell_value):
        if all(unit.name != name for unit in indicator.units):
            indicator.units.append(WrittenUnit(name=name, cell=where))


def _title_above(grid: list[list[str]], header_row: int) -> str:
    for row in grid[: header_row - 1]:
        values = [cell for cell in row if cell]
        if values and not values[0].startswith(("注", "备注", "说明", "附件")):
            return _SPACES.sub("", values[0])
    return ""


def _first_date(text: str) -> date | None:
    match = _CN_DATE.search(text or "")
    if not match:
        try:
            return date.fromisoformat(text.strip()[:10]) if text else None
        except ValueError:
            return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _facts_from_notes(spec: CampaignSpec, notes: list[str]) -> None:
    """Statistics period and deadline written in note rows ("注：…统计时间为…至…")."""
    for note in dict.fromkeys(notes):
        for sentence in re.split(r"[。；;\n，,]", note):
            dates = [
                date(int(y), int(m), int(d))
                for y, m, d in _CN_DATE.findall(sentence)
                if _valid_date(int(y), int(m), int(d))
            ]
            if (
                len(dates) >= 2
                and ("统计" in sentence or "至" in sentence)
                and spec.stats_start is None
            ):
                spec.stats_start, spec.stats_end = dates[0], dates[1]
            elif len(dates) == 1 and _DEADLINE_HINT.search(sentence) and spec.deadline is None:
                spec.deadline = datetime.combine(dates[0], DEADLINE_TIME)


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _read_settings(workbook: Any) -> dict[str, str]:
    """Key-value rows of an optional settings sheet (活动设置)."""
    for sheet in workbook.worksheets:
        if not _is_settings_sheet(sheet.title):
            continue
        settings: dict[str, str] = {}
        for row in sheet.iter_rows(values_only=True):
            if len(row) < 2:
                continue
            key, value = _SPACES.sub("", _text(row[0])), _text(row[1])
            for name, words in SETTINGS_KEYS.items():
                if key.lower() in words and value:
                    settings[name] = value
        return settings
    return {}


def _apply_facts(
    spec: CampaignSpec, settings: dict[str, str], path: Path, overrides: Overrides
) -> None:
    spec.code = overrides.code or settings.get("code") or _code_from_filename(path)
    spec.title = overrides.title or settings.get("title") or spec.title or path.stem
    spec.issuer = settings.get("issuer", spec.issuer)
    spec.doc_number = settings.get("doc_number", spec.doc_number)
    spec.timezone = overrides.timezone or settings.get("timezone") or spec.timezone
    try:
        zone = ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ImportFailure(texts.IMPORT_BAD_TIMEZONE.format(tz=spec.timezone)) from error
    for key in ("stats_start", "stats_end"):
        if key in settings:
            setattr(spec, key, _required_date(settings[key], key))
    if "stats_period" in settings:
        found = [
            date(int(y), int(m), int(d)) for y, m, d in _CN_DATE.findall(settings["stats_period"])
        ]
        if len(found) >= 2:
            spec.stats_start, spec.stats_end = found[0], found[1]
    if "deadline" in settings:
        spec.deadline = _datetime_setting(settings["deadline"])
    if "division_deadline" in settings:
        spec.division_deadline = _datetime_setting(settings["division_deadline"])
    if overrides.deadline is not None:
        spec.deadline = (
            overrides.deadline
            if isinstance(overrides.deadline, datetime)
            else datetime.combine(overrides.deadline, DEADLINE_TIME)
        )
    if "reminder_rules" in settings:
        spec.reminder_rules = [
            r.strip() for r in re.split(r"[,，;；\n]+", settings["reminder_rules"]) if r.strip()
        ]
    if "quiet_dates" in settings:
        spec.quiet_dates = [d.isoformat() for d in _all_dates(settings["quiet_dates"])]
    if spec.deadline is None:
        # No campaign-wide deadline written: the latest of the indicators' own (完成时限) stands in.
        own = [i.deadline for i in spec.indicators if i.deadline is not None]
        spec.deadline = max(own) if own else None
    # Deadlines are wall-clock times of the campaign's zone; store them aware.
    spec.deadline = _localise(spec.deadline, zone)
    spec.division_deadline = _localise(spec.division_deadline, zone)
    spec.indicators = [replace(i, deadline=_localise(i.deadline, zone)) for i in spec.indicators]


def _localise(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def _required_date(text: str, key: str) -> date:
    found = _first_date(text)
    if found is None:
        raise ImportFailure(texts.IMPORT_BAD_DATE.format(key=key, value=text))
    return found


def _datetime_setting(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        return datetime.combine(_required_date(text, "deadline"), DEADLINE_TIME)
    return parsed if len(text.strip()) > 10 else datetime.combine(parsed.date(), DEADLINE_TIME)


def _all_dates(text: str) -> list[date]:
    found = []
    for part in re.split(r"[,，;；\s]+", text):
        value = _first_date(part)
        if value:
            found.append(value)
    return found


def _code_from_filename(path: Path) -> str:
    code = re.sub(r"[^0-9A-Za-z_-]+", "-", path.stem).strip("-").lower()
    return code or "campaign"
