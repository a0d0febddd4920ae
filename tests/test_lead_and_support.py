"""牵头单位 and 配合单位: only the lead owes an indicator; supporting units see it, owe nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.db import Database
from bot.importer import read_workbook, split_roles
from bot.models import Indicator, IndicatorSupport, Unit
from bot.services.campaigns import find_campaign
from bot.services.obligations import owed_items
from bot.services.summary import summary
from bot.services.supports import campaign_supports
from bot.wording.imports import import_report_text
from bot.wording.owe import owe_text
from tests.conftest import SEED_NOW, import_workbook
from tests.test_cli import run_cli
from tests.test_importer import obligation_pairs
from tests.test_obligations import add_submission
from tests.workbooks import lead_and_support_workbook

LEADS = {
    ("1", "区市场监管局"),
    ("2", "区发展和改革局"),
    ("3", "区政务服务中心"),
    ("4", "区税务局"),
}
SUPPORTS = {
    ("1", "区政务服务中心"),
    ("1", "区税务局"),
    ("2", "区供电公司"),
    ("3", "区大数据局"),
    ("3", "区司法局"),
}


def support_pairs(database: Database) -> set[tuple[str, str]]:
    with database.uow() as uow:
        rows = uow.session.execute(
            select(Indicator.number, Unit.name)
            .join(IndicatorSupport, IndicatorSupport.indicator_id == Indicator.id)
            .join(Unit, Unit.id == IndicatorSupport.unit_id)
        )
        return {(number, name) for number, name in rows}


@pytest.fixture
def lead_table(database: Database, tmp_path: Path) -> Database:
    import_workbook(database, lead_and_support_workbook(tmp_path / "linhe-2024.xlsx"))
    return database


def test_a_lead_and_support_table_imports_one_obligation_per_indicator_to_its_lead(
    database: Database, tmp_path: Path
) -> None:
    report = import_workbook(database, lead_and_support_workbook(tmp_path / "linhe-2024.xlsx"))
    assert (report.indicators, report.obligations, report.supports) == (4, 4, 5)
    assert obligation_pairs(database, "linhe-2024") == LEADS
    assert support_pairs(database) == SUPPORTS
    assert "配合单位：5 处" in import_report_text(report)


def test_the_work_column_of_that_table_is_read_as_key_points(tmp_path: Path) -> None:
    spec = read_workbook(lead_and_support_workbook(tmp_path / "linhe-2024.xlsx"))
    first = spec.indicators[0]
    assert (first.number, first.title) == ("1", "开办企业")
    assert first.key_points == "企业开办全流程压缩至1个工作日内。"
    assert first.material == "企业开办时限统计表"


def test_a_unit_that_only_supports_owes_nothing_and_sees_the_lead_and_its_status(
    lead_table: Database,
) -> None:
    with lead_table.uow() as uow:
        report = owed_items(uow, "区供电公司", SEED_NOW)
    assert report.items == ()
    assert report.owed == ()
    [item] = report.supported
    assert (item.indicator, item.lead, item.lead_status) == ("2", "区发展和改革局", "missing")
    text = owe_text(report, SEED_NOW)
    assert "没有需要 区供电公司 报送的指标" in text
    assert "配合的指标" in text
    assert "指标2 获得电力" in text
    assert "牵头单位：区发展和改革局（❌未交）" in text
    assert "所需材料：接电业务办理台账" in text
    assert "截止：2024-03-15" in text


def test_the_support_section_says_when_the_lead_has_delivered(lead_table: Database) -> None:
    add_submission(lead_table, "区发展和改革局", "2")
    with lead_table.uow() as uow:
        report = owed_items(uow, "区供电公司", SEED_NOW)
    assert report.supported[0].lead_delivered
    assert "牵头单位：区发展和改革局（⏳待审核）" in owe_text(report, SEED_NOW)


def test_a_unit_that_leads_one_and_supports_another_sees_its_own_first(
    lead_table: Database,
) -> None:
    with lead_table.uow() as uow:
        report = owed_items(uow, "区税务局", SEED_NOW)
    assert [i.indicator for i in report.owed] == ["4"]
    assert [(s.indicator, s.lead) for s in report.supported] == [("1", "区市场监管局")]
    text = owe_text(report, SEED_NOW)
    assert text.index("指标4 纳税") < text.index("配合的指标") < text.index("指标1 开办企业")
    items = report.as_json()["items"]
    assert [(i["indicator"], i["role"], i.get("lead")) for i in items] == [
        ("4", "lead", None),
        ("1", "support", "区市场监管局"),
    ]
    assert report.as_json()["owed"] == 1


def test_the_summary_counts_lead_obligations_only(lead_table: Database) -> None:
    with lead_table.uow() as uow:
        result = summary(uow, SEED_NOW)
    assert (result.obligations, result.done) == (4, 0)
    assert {row.unit for row in result.rows} == {name for _, name in LEADS}


def test_campaign_supports_lists_every_supporting_unit_with_its_leads(
    lead_table: Database,
) -> None:
    with lead_table.uow() as uow:
        links = campaign_supports(uow.session, find_campaign(uow.session))
    assert [(link.indicator, link.unit, link.leads) for link in links] == [
        ("1", "区政务服务中心", ("区市场监管局",)),
        ("1", "区税务局", ("区市场监管局",)),
        ("2", "区供电公司", ("区发展和改革局",)),
        ("3", "区大数据局", ("区政务服务中心",)),
        ("3", "区司法局", ("区政务服务中心",)),
    ]


def test_reimporting_moves_supports_with_the_table(lead_table: Database, tmp_path: Path) -> None:
    path = tmp_path / "linhe-2024.xlsx"
    workbook = load_workbook(path)
    workbook.active["F3"] = "区政务服务中心"  # 区税务局 no longer supports indicator 1
    workbook.active["E6"] = "区税务局、区供电公司"  # a supporter becomes a lead of 4
    workbook.save(path)
    import_workbook(lead_table, path)
    assert support_pairs(lead_table) == SUPPORTS - {("1", "区税务局")}
    assert obligation_pairs(lead_table, "linhe-2024") == LEADS | {("4", "区供电公司")}


@pytest.mark.parametrize(
    ("cell", "leads", "supports"),
    [
        ("县公安局、县文旅局", ["县公安局", "县文旅局"], []),
        ("县市场监管局牵头，县公安局、县文旅局配合", ["县市场监管局"], ["县公安局", "县文旅局"]),
        ("由县市场监管局牵头，县公安局配合", ["县市场监管局"], ["县公安局"]),
        ("县市场监管局（牵头）、县公安局、县文旅局", ["县市场监管局"], ["县公安局", "县文旅局"]),
        (
            "牵头单位：县市场监管局；配合单位：县公安局、县文旅局",
            ["县市场监管局"],
            ["县公安局", "县文旅局"],
        ),
        ("县政府、县财政局牵头\n县市场监管局协办", ["县政府", "县财政局"], ["县市场监管局"]),
    ],
)
def test_roles_written_inside_a_units_cell_are_split(
    cell: str, leads: list[str], supports: list[str]
) -> None:
    roles = split_roles(cell)
    assert (roles.leads, roles.supports) == (leads, supports)


def test_a_units_cell_that_names_a_lead_gives_the_obligation_to_the_lead_only(
    database: Database, tmp_path: Path
) -> None:
    from tests.workbooks import another_office_workbook

    path = another_office_workbook(tmp_path / "linhe-2024.xlsx")
    workbook = load_workbook(path)
    workbook.active["F4"] = "区市场监管局牵头，区政务服务中心、区税务局配合"
    workbook.save(path)
    report = import_workbook(database, path)
    assert ("1", "区市场监管局") in obligation_pairs(database, "linhe-2024")
    assert ("1", "区政务服务中心") not in obligation_pairs(database, "linhe-2024")
    assert support_pairs(database) == {("1", "区政务服务中心"), ("1", "区税务局")}
    assert report.obligations == 5


def test_the_command_line_owe_and_summary_json_carry_roles_and_lead_counts(
    tmp_path: Path,
) -> None:
    path = lead_and_support_workbook(tmp_path / "linhe-2024.xlsx")
    imported = run_cli(tmp_path, "import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert "4 项任务" in imported.stdout
    owe = run_cli(tmp_path, "owe", "--unit", "区供电公司", "--json")
    assert owe.returncode == 0, owe.stderr
    items = json.loads(owe.stdout)["items"]
    assert [(i["indicator"], i["role"], i["lead"], i["status"]) for i in items] == [
        ("2", "support", "区发展和改革局", "missing")
    ]
    document = json.loads(run_cli(tmp_path, "summary", "--json").stdout)
    assert document["obligations"] == 4
