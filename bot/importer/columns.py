"""Finding the table: which sheet and row hold the header, and which column holds what.

The table is found by its header words, not by column letters or row numbers, so a title row,
a note row, another column order or an extra column does not break it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from bot import texts
from bot.importer.settings import is_settings_sheet
from bot.importer.spec import ImportFailure, cell_text
from bot.numerals import FULL_WIDTH_DIGITS, heading_numeral

# Header vocabulary of task-division tables (format knowledge, not campaign content).
HEADER_ROLES: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "指标序号", "指标编号", "项目序号"),
    "category": ("考核内容", "考核类别", "评价内容", "考核维度", "一级指标", "考核方面"),
    "group": ("考核指标", "指标名称", "考核项目", "二级指标", "考核事项", "指标", "评价指标"),
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
        "工作任务",
        "任务内容",
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
    # Every unit listed here owes the indicator's material…
    "units": ("责任单位", "责任部门", "承办单位", "负责单位", "责任科室"),
    # …unless the table names a lead: then only the lead owes it, and the units of a support
    # column (or of a 责任单位 column beside the lead's) supply their part to the lead.
    "lead": ("牵头单位", "牵头部门", "主责单位"),
    "support": ("配合单位", "协办单位", "配合部门"),
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
_HEADER_PUNCT = re.compile(r"[\s\u3000:：*＊()（）]+")
# An indicator cell: "1.督查考核情况", "1、…", "（1）…", "第1项…", "1 …".
ITEM = re.compile(
    r"^\s*(?:第\s*(\d+)\s*项|[（(]\s*(\d+)\s*[)）]|(\d+(?:\.\d+)?)\s*[.、．:：)）]|(\d+)\s+)\s*(\S.*)?$"
)
_BARE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[.、．]?\s*$")


@dataclass
class Columns:
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
    lead: list[int] = field(default_factory=list)
    support: list[int] = field(default_factory=list)
    keywords: int | None = None
    score: int | None = None
    deadline: int | None = None
    template: int | None = None


def header_role(text: str) -> str | None:
    word = _HEADER_PUNCT.sub("", text)
    if not word or len(word) > 12:
        return None
    if word in _HEADER_INDEX:
        return _HEADER_INDEX[word]
    for known, role in sorted(_HEADER_INDEX.items(), key=lambda pair: -len(pair[0])):
        if len(known) >= 3 and known in word:
            return role
    return None


def find_table(workbook: Any) -> tuple[Worksheet, int]:
    """The sheet and 1-based row of the best header row in the workbook."""
    best: tuple[int, Worksheet | None, int] = (0, None, 0)
    any_content = False
    for sheet in workbook.worksheets:
        if is_settings_sheet(sheet.title):
            continue
        for row_number, row in enumerate(sheet.iter_rows(max_row=30, values_only=True), start=1):
            cells = [cell_text(value) for value in row]
            any_content = any_content or any(cells)
            roles = {header_role(cell) for cell in cells if cell}
            roles.discard(None)
            essential = roles & {"material", "units", "lead", "points", "group"}
            score = len(roles) if len(essential) >= 2 else 0
            if score > best[0]:
                best = (score, sheet, row_number)
    if best[1] is None:
        if not any_content:
            raise ImportFailure(texts.IMPORT_EMPTY_WORKBOOK)
        raise ImportFailure(texts.IMPORT_NO_HEADER)
    return best[1], best[2]


def assign_columns(roles: list[str | None], rows: list[list[str]]) -> Columns:
    columns = Columns()
    lists = {
        "material": columns.material,
        "units": columns.units,
        "lead": columns.lead,
        "support": columns.support,
    }
    singles = ("keywords", "score", "deadline", "template")
    for index, role in enumerate(roles):
        if role in lists:
            lists[role].append(index)
        elif role in singles:
            setattr(columns, role, index)
        elif role == "number" and columns.number is None and _mostly_numbers(rows, index):
            columns.number = index
    taken = {
        *columns.material,
        *columns.units,
        *columns.lead,
        *columns.support,
        columns.keywords,
        columns.score,
        columns.deadline,
        columns.template,
        columns.number,
    }
    text_columns = [
        i
        for i in range(len(roles))
        if i not in taken and (roles[i] is not None or has_text(rows, i))
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
        # The title: a 考核指标-like column, else 考核内容, else the first other text column,
        # else a task column (序号 | 工作任务 | 责任单位: the task is all there is to name it).
        columns.title = next(
            (
                i
                for role in ("group", "category", None, "points")
                for i in text_columns
                if roles[i] == role
            ),
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


def has_text(rows: list[list[str]], index: int) -> bool:
    return any(index < len(row) and row[index] for row in rows)


def _column(rows: list[list[str]], index: int) -> list[str]:
    return [row[index] for row in rows if index < len(row) and row[index]]


def _mostly_numbers(rows: list[list[str]], index: int) -> bool:
    values = [v.translate(FULL_WIDTH_DIGITS) for v in _column(rows, index)]
    return bool(values) and sum(1 for v in values if _BARE_NUMBER.match(v)) >= 0.6 * len(values)


def _mostly_group_numerals(rows: list[list[str]], index: int) -> bool:
    values = _column(rows, index)
    hits = [v for v in values if (found := heading_numeral(v)) and len(found[0]) <= 3]
    return bool(values) and len(hits) >= 0.6 * len(values)


def parse_item(cell: str) -> tuple[str, str, str] | None:
    """(number, title, rest) from "1.督查考核情况", "（1）…", "第1项…"; None if not numbered."""
    first, _, rest = cell.partition("\n")
    match = ITEM.match(first.translate(FULL_WIDTH_DIGITS))
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
        numbers = {parsed[0] for value in _column(rows, index) if (parsed := parse_item(value))}
        if len(numbers) > best[0]:
            best = (len(numbers), index)
    return best[1]
