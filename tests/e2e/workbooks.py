"""Generated task-division workbooks of any size (long replies in tests, the load benchmark)."""

from __future__ import annotations

import itertools
from pathlib import Path

from openpyxl import Workbook

# Unit names built from syllables that share no character, so the importer's fuzzy unit
# matching never folds two generated units into one.
_FIRST = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
_SECOND = "金木水火土日月星云雷风雨雪霜露山川河湖海"


def unit_names(count: int) -> list[str]:
    """`count` distinct unit names such as 甲金办."""
    pairs = itertools.product(_FIRST, _SECOND)
    return [f"{a}{b}办" for a, b in itertools.islice(pairs, count)]


def generated_workbook(
    path: Path,
    *,
    units: int,
    indicators: int,
    units_per_indicator: int | None = None,
    material_chars: int = 60,
    deadline: str = "2023年10月18日",
) -> Path:
    """A 序号/考核指标/考核标准/佐证材料/责任单位 table; every unit owes every indicator by
    default (or `units_per_indicator` of them, round robin)."""
    names = unit_names(units)
    per = units_per_indicator or units
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "考核任务"
    sheet.append(["生成的考核任务清单"])
    sheet.append([f"注：请各责任单位于{deadline}前报送佐证材料。"])
    sheet.append(["序号", "考核指标", "考核标准", "佐证材料", "责任单位"])
    material = ("需提供相关工作台账、统计报表及说明材料" * 10)[:material_chars]
    for number in range(1, indicators + 1):
        start = (number - 1) * per % units
        owners = [names[(start + k) % units] for k in range(per)]
        sheet.append(
            [
                number,
                f"第{number}项考核指标工作落实情况",
                f"按要求完成第{number}项工作。",
                f"{number}.{material}",
                "、".join(owners),
            ]
        )
    workbook.save(path)
    return path
