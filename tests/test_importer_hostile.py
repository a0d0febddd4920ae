"""The importer reads the table and nothing else: signatures, stray text and impossible dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.importer import ImportFailure, read_workbook
from bot.models import Unit
from bot.wording.imports import import_report_text
from tests.conftest import import_workbook
from tests.test_importer import obligation_pairs
from tests.workbooks import another_office_workbook, signed_workbook, with_settings

LINHE = {
    ("1", "区市场监管局"),
    ("1", "区政务服务中心"),
    ("2", "区住建局"),
    ("2", "区自然资源局"),
    ("3", "区政务服务中心"),
    ("4", "区税务局"),
}


def unit_names(database: Database) -> set[str]:
    with database.uow() as uow:
        return set(uow.session.scalars(select(Unit.name)))


def test_a_signature_block_below_the_table_is_neither_a_unit_nor_part_of_the_last_indicator(
    database: Database, tmp_path: Path
) -> None:
    path = signed_workbook(tmp_path / "linhe-2024.xlsx")
    spec = read_workbook(path)
    assert [u.name for u in spec.indicators[-1].units] == ["区税务局"]
    assert spec.not_units == []
    report = import_workbook(database, path)
    assert obligation_pairs(database, "linhe-2024") == LINHE
    assert "临河区优化营商环境工作领导小组办公室" not in unit_names(database)
    assert report.units == 5


def test_a_numbered_row_after_an_empty_row_still_belongs_to_the_table(tmp_path: Path) -> None:
    path = another_office_workbook(tmp_path / "gap.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.append([])
    sheet.append([5, "用水报装", 5, "报装时限压缩。", "报装台账", "区水务局"])
    workbook.save(path)
    spec = read_workbook(path)
    assert [i.number for i in spec.indicators] == ["1", "2", "3", "4", "5"]
    assert [u.name for u in spec.indicators[-1].units] == ["区水务局"]


@pytest.mark.parametrize(
    "stray",
    ["2024年3月15日前报送", "请各单位按要求报送佐证材料", "联系人：张三 13800000000"],
    ids=["date", "sentence", "contact-line"],
)
def test_a_unit_name_holding_a_date_or_a_sentence_is_reported_not_created(
    database: Database, tmp_path: Path, stray: str
) -> None:
    path = another_office_workbook(tmp_path / "linhe-2024.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active["F7"] = f"区税务局\n{stray}"
    workbook.save(path)
    report = import_workbook(database, path)
    assert obligation_pairs(database, "linhe-2024") == LINHE
    assert not any(name in stray or stray in name for name in unit_names(database))
    assert report.not_units
    assert report.not_units[0][0] == "考核任务!F7"
    text = import_report_text(report)
    assert "不是单位名称" in text
    assert "考核任务!F7" in text


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("材料报送截止", "2023-02-30"),
        ("任务分工截止", "2023年2月30日"),
        ("统计开始", "2023-13-01"),
        ("统计时间", "2023年1月1日至2023年2月30日"),
        ("不提醒日期", "2023-10-01, 2023-02-29"),
    ],
)
def test_an_impossible_date_in_the_settings_sheet_is_a_clear_import_error(
    tmp_path: Path, key: str, value: str
) -> None:
    path = with_settings(another_office_workbook(tmp_path / "linhe-2024.xlsx"), [(key, value)])
    with pytest.raises(ImportFailure) as refused:
        read_workbook(path)
    sentence = str(refused.value)
    assert "日期不存在" in sentence
    assert key in sentence
    assert value in sentence


def test_a_deadline_with_an_impossible_time_is_refused_not_cut_to_the_date(
    tmp_path: Path,
) -> None:
    path = with_settings(
        another_office_workbook(tmp_path / "linhe-2024.xlsx"),
        [("材料报送截止", "2024年3月15日 25:00")],
    )
    with pytest.raises(ImportFailure, match="材料报送截止"):
        read_workbook(path)


def test_a_deadline_written_with_a_time_keeps_the_time(tmp_path: Path) -> None:
    path = with_settings(
        another_office_workbook(tmp_path / "linhe-2024.xlsx"),
        [("材料报送截止", "2024年3月15日 18:00")],
    )
    deadline = read_workbook(path).deadline
    assert deadline is not None
    assert (deadline.day, deadline.hour, deadline.minute) == (15, 18, 0)


def test_a_task_column_names_the_indicators_when_nothing_else_does(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "责任单位", "完成时限"])
    sheet.append([1, "制定年度工作方案", "区市场监管局", "2024年3月15日"])
    sheet.append([2, "开展专项检查", "区公安分局", "2024年4月15日"])
    path = tmp_path / "tasks.xlsx"
    workbook.save(path)
    spec = read_workbook(path)
    assert [(i.number, i.title) for i in spec.indicators] == [
        ("1", "制定年度工作方案"),
        ("2", "开展专项检查"),
    ]
