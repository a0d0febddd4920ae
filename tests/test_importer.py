"""Importing task-division workbooks: the seed, a retyped copy, another office's, bad files."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.db import Database
from bot.importer import ImportFailure, Overrides, read_workbook
from bot.models import Campaign, Indicator, IndicatorGroup, Obligation, Submission, Unit
from bot.services.access import Actor
from bot.services.campaigns import StrictImportRefused, import_campaign
from bot.wording.imports import import_report_lines
from bot.wording.refusals import refusal_text
from tests.conftest import SEED_WORKBOOK, UNITS_FILE, import_workbook
from tests.workbooks import (
    another_office_workbook,
    chinese_serial_workbook,
    independent_seed_workbook,
    items_in_indicator_column_workbook,
    spaced_parenthesised_workbook,
    two_row_header_workbook,
)

SEED_OBLIGATIONS = {
    ("1", "县人民政府"),
    ("2", "县人民政府"),
    ("2", "市场监管局"),
    ("3", "县人民政府"),
    ("3", "财政局"),
    ("3", "市场监管局"),
    ("4", "公安局"),
    ("4", "文旅局"),
    ("4", "市场监管局"),
    ("5", "县委宣传部"),
    ("5", "公安局"),
    ("5", "文旅局"),
    ("5", "市场监管局"),
    ("6", "县人民政府"),
    ("6", "市场监管局"),
    ("7", "县人民法院"),
    ("7", "公安局"),
    ("7", "文旅局"),
    ("7", "市场监管局"),
}


def obligation_pairs(database: Database, code: str) -> set[tuple[str, str]]:
    with database.uow() as uow:
        rows = uow.session.execute(
            select(Indicator.number, Unit.name)
            .join(Obligation, Obligation.indicator_id == Indicator.id)
            .join(Unit, Unit.id == Obligation.unit_id)
            .join(Campaign, Campaign.id == Indicator.campaign_id)
            .where(
                Campaign.code == code, Obligation.archived.is_(False), Indicator.archived.is_(False)
            )
        )
        return {(number, name) for number, name in rows}


def table_counts(database: Database) -> dict[str, int]:
    with database.uow() as uow:
        return {
            model.__tablename__: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Campaign, IndicatorGroup, Indicator, Obligation, Unit, Submission)
        }


def test_seed_workbook_imports_to_five_groups_seven_indicators_seven_units_nineteen_obligations(
    database: Database,
) -> None:
    report = import_workbook(database, SEED_WORKBOOK)
    assert (report.groups, report.indicators, report.units, report.obligations) == (5, 7, 7, 19)
    assert obligation_pairs(database, "yongning-ip-2023") == SEED_OBLIGATIONS


def test_seed_campaign_facts_come_from_the_workbook() -> None:
    spec = read_workbook(SEED_WORKBOOK)
    assert spec.code == "yongning-ip-2023"
    assert spec.issuer == "永宁县市场监督管理局"
    assert spec.deadline == datetime(2023, 10, 18, 15, 59, 59, tzinfo=UTC)
    assert spec.division_deadline is not None
    assert spec.division_deadline.date() == date(2023, 10, 12)
    assert (spec.stats_start, spec.stats_end) == (date(2023, 1, 1), date(2023, 11, 30))
    assert spec.timezone == "Asia/Shanghai"
    assert [g.number for g in spec.groups] == ["一", "二", "三", "四", "五"]
    assert spec.groups[0].category == "整体组织实施情况"


def test_seed_indicator_text_is_kept_verbatim() -> None:
    spec = read_workbook(SEED_WORKBOOK)
    first, seventh = spec.indicators[0], spec.indicators[6]
    assert first.title == "督查考核情况"
    assert first.key_points.startswith("1.将知识产权保护绩效纳入本辖区内党委和政府绩效考核。")
    assert "结果运用的有关材料" in first.material
    assert seventh.title == "知识产权保护工作机制改革创新情况"
    assert [u.name for u in seventh.units] == ["县人民法院", "公安局", "文旅局", "市场监管局"]
    assert seventh.units[0].cell.endswith("G11")


def test_seed_workbook_keeps_the_units_cell_as_the_seed_writes_it() -> None:
    sheet = load_workbook(SEED_WORKBOOK).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "县人民法院\n公安局、文旅局、市场监管局" in cells
    assert "县委宣传部，县公安局、文旅局、市场监管局" in cells


def test_independent_retyped_workbook_imports_to_the_same_nineteen_obligations(
    database: Database, tmp_path: Path
) -> None:
    path = independent_seed_workbook(tmp_path / "retyped.xlsx")
    report = import_workbook(database, path, code="retyped")
    assert obligation_pairs(database, "retyped") == SEED_OBLIGATIONS
    assert report.indicators == 7
    assert report.groups == 5
    assert not report.new
    assert not report.fuzzy


def test_indicator_spread_over_rows_is_one_indicator_with_all_its_points(tmp_path: Path) -> None:
    spec = read_workbook(independent_seed_workbook(tmp_path / "retyped.xlsx"))
    fourth = next(i for i in spec.indicators if i.number == "4")
    assert fourth.title == "加强知识产权行政保护工作情况"
    assert "平均办理周期" in fourth.key_points
    assert "代理相关案件" in fourth.key_points
    assert "3.查看专项整治报告" in fourth.material


def test_deadline_and_statistics_period_are_read_from_a_note_row(tmp_path: Path) -> None:
    spec = read_workbook(independent_seed_workbook(tmp_path / "retyped.xlsx"))
    assert spec.deadline is not None
    assert spec.deadline.date() == date(2023, 10, 18)
    assert (spec.stats_start, spec.stats_end) == (date(2023, 1, 1), date(2023, 11, 30))


def test_another_offices_table_imports_as_a_campaign_of_its_own(
    seeded: Database, tmp_path: Path
) -> None:
    path = another_office_workbook(tmp_path / "linhe-2024.xlsx")
    report = import_workbook(seeded, path)
    assert report.code == "linhe-2024"
    assert report.indicators == 4
    assert report.groups == 0
    assert obligation_pairs(seeded, "linhe-2024") == {
        ("1", "区市场监管局"),
        ("1", "区政务服务中心"),
        ("2", "区住建局"),
        ("2", "区自然资源局"),
        ("3", "区政务服务中心"),
        ("4", "区税务局"),
    }
    assert "区税务局" in report.new
    assert obligation_pairs(seeded, "yongning-ip-2023") == SEED_OBLIGATIONS


def test_another_offices_deadline_comes_from_its_note_row(tmp_path: Path) -> None:
    spec = read_workbook(another_office_workbook(tmp_path / "x.xlsx"))
    assert spec.deadline is not None
    assert spec.deadline.date() == date(2024, 3, 15)
    assert spec.indicators[1].title == "工程建设项目审批"
    assert spec.indicators[1].score == "15"
    assert spec.indicators[1].material == "审批事项清单及办理台账"


def test_command_line_deadline_overrides_the_workbook() -> None:
    spec = read_workbook(SEED_WORKBOOK, Overrides(deadline=date(2023, 10, 20)))
    assert spec.deadline is not None
    assert spec.deadline.date() == date(2023, 10, 20)


def test_reimporting_an_edited_table_updates_in_place_and_keeps_submissions(
    seeded: Database, tmp_path: Path
) -> None:
    with seeded.uow() as uow:
        obligation = uow.session.scalars(select(Obligation)).first()
        assert obligation is not None
        uow.session.add(
            Submission(
                obligation_id=obligation.id,
                version=1,
                filename="a.pdf",
                sha256="0" * 64,
                storage_key="00/00/x",
            )
        )
        uow.commit()
    edited = tmp_path / "yongning-ip-2023.xlsx"
    workbook = load_workbook(SEED_WORKBOOK)
    sheet = workbook["任务分工"]
    sheet["D5"] = "1.督查考核工作情况"
    sheet.unmerge_cells("A8:A11")
    sheet.unmerge_cells("B8:B9")
    sheet.unmerge_cells("C8:C9")
    sheet.delete_rows(11)  # drops indicator 7
    workbook.save(edited)
    report = import_workbook(seeded, edited)
    assert (report.existed, report.updated, report.archived) == (True, 6, 1)
    with seeded.uow() as uow:
        titles = dict(uow.session.execute(select(Indicator.number, Indicator.title)).all())
        archived = uow.session.scalar(select(Indicator.archived).where(Indicator.number == "7"))
        assert uow.session.scalar(select(func.count()).select_from(Submission)) == 1
    assert titles["1"] == "督查考核工作情况"
    assert archived is True
    assert {n for n, _ in obligation_pairs(seeded, "yongning-ip-2023")} == set("123456")


def test_typo_in_a_unit_name_is_matched_fuzzily_and_reported(
    database: Database, tmp_path: Path
) -> None:
    path = _seed_with_units_cell(tmp_path, "G8", "县公按局、文旅局、市场监管局")
    report = import_workbook(database, path)
    assert ("县公按局", "公安局", 75.0) in report.fuzzy
    assert ("4", "公安局") in obligation_pairs(database, "yongning-ip-2023")
    assert any("模糊匹配" in line and "县公按局" in line for line in import_report_lines(report))


def test_a_different_office_is_a_new_unit_not_silently_the_similar_one(
    database: Database, tmp_path: Path
) -> None:
    path = _seed_with_units_cell(tmp_path, "G5", "县人民政府办公室")
    report = import_workbook(database, path)
    assert "县人民政府办公室" in report.new
    assert ("1", "县人民政府办公室") in obligation_pairs(database, "yongning-ip-2023")


def test_strict_import_stops_on_a_fuzzy_name_with_cell_value_and_closest_names(
    seeded: Database, tmp_path: Path
) -> None:
    path = _seed_with_units_cell(tmp_path, "G8", "县公按局、文旅局、市场监管局")
    before = table_counts(seeded)
    spec = read_workbook(path)
    with seeded.uow() as uow, pytest.raises(StrictImportRefused) as refused:
        import_campaign(uow, Actor.operator(), spec, units_file=UNITS_FILE, strict=True)
    message = refusal_text(refused.value)
    assert "任务分工!G8" in message
    assert "县公按局" in message
    assert "县公安局" in message
    assert table_counts(seeded) == before


def test_an_indicator_without_units_changes_nothing(seeded: Database, tmp_path: Path) -> None:
    path = _seed_with_units_cell(tmp_path, "G6", None)
    before = table_counts(seeded)
    spec = read_workbook(path)
    with seeded.uow() as uow, pytest.raises(ImportFailure, match="没有填写责任单位"):
        import_campaign(uow, Actor.operator(), spec, units_file=UNITS_FILE)
    assert table_counts(seeded) == before


def _seed_with_units_cell(tmp_path: Path, cell: str, value: str | None) -> Path:
    workbook = load_workbook(SEED_WORKBOOK)
    workbook["任务分工"][cell] = value
    path = tmp_path / "yongning-ip-2023.xlsx"
    workbook.save(path)
    return path


# --- bad files: each gets a clear message and changes nothing ---------------------------------


def _not_xlsx(path: Path) -> None:
    path.write_text("序号,考核指标\n1,督查考核情况\n", encoding="utf-8")


def _corrupt(path: Path) -> None:
    path.write_bytes(SEED_WORKBOOK.read_bytes()[:3000])


def _broken_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")


def _password(path: Path) -> None:
    # What Excel writes for an encrypted workbook: an OLE file with an EncryptionInfo stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 2048)


def _old_xls(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _empty_workbook(path: Path) -> None:
    Workbook().save(path)


def _no_header(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "电话", "备注"])
    sheet.append(["张三", "13800000000", ""])
    workbook.save(path)


def _huge(path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("任务分工")
    sheet.append(["序号", "考核指标", "考核标准", "佐证材料", "责任单位"])
    for number in range(1, 100_001):
        sheet.append([number, f"指标{number}", "标准", "材料", "公安局"])
    workbook.save(path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_xlsx, "不是 Excel 工作簿"),
        (_corrupt, "已损坏"),
        (_broken_zip, "已损坏"),
        (_password, "密码"),
        (_old_xls, "另存为 .xlsx"),
        (_zero_bytes, "0 字节"),
        (_empty_workbook, "没有任何内容"),
        (_no_header, "找不到任务分工表的表头"),
        (_huge, "超过 5000 行"),
    ],
    ids=[
        "not-xlsx",
        "corrupt",
        "zip-not-workbook",
        "password",
        "old-xls",
        "zero-bytes",
        "empty",
        "no-header",
        "100k-rows",
    ],
)
def test_bad_workbook_gets_a_clear_message_and_changes_nothing(
    seeded: Database,
    tmp_path: Path,
    make,
    message: str,
) -> None:
    path = tmp_path / "bad.xlsx"
    make(path)
    before = table_counts(seeded)
    with pytest.raises(ImportFailure, match=message):
        import_workbook(seeded, path)
    assert table_counts(seeded) == before


@pytest.mark.parametrize(
    "make",
    [two_row_header_workbook, items_in_indicator_column_workbook, spaced_parenthesised_workbook],
    ids=["two-row-header", "items-under-indicator", "spaced-parenthesised"],
)
def test_other_layouts_of_the_seed_table_import_to_the_same_obligations_and_groups(
    database: Database, tmp_path: Path, make
) -> None:
    report = import_workbook(database, make(tmp_path / "variant.xlsx"), code="variant")
    assert obligation_pairs(database, "variant") == SEED_OBLIGATIONS
    assert (report.groups, report.indicators) == (5, 7)


def test_indicator_deadlines_stand_in_for_a_missing_campaign_deadline(tmp_path: Path) -> None:
    spec = read_workbook(items_in_indicator_column_workbook(tmp_path / "v.xlsx"))
    assert spec.deadline is not None
    assert spec.deadline.date() == date(2023, 10, 18)
    assert spec.indicators[0].deadline == spec.deadline


def test_a_serial_column_of_chinese_numerals_numbers_the_indicators(tmp_path: Path) -> None:
    spec = read_workbook(chinese_serial_workbook(tmp_path / "beichuan.xlsx"))
    assert [(i.number, i.title) for i in spec.indicators] == [
        ("1", "食品安全责任落实"),
        ("2", "抽检监测"),
        ("3", "校园食品安全"),
    ]
    assert [u.name for u in spec.indicators[1].units] == ["县市场监管局", "县卫健局"]
    assert spec.indicators[1].material == "抽检报告"
    assert spec.deadline is not None
    assert spec.deadline.date() == date(2024, 11, 20)


def test_full_width_item_numbers_are_read(tmp_path: Path) -> None:
    workbook = load_workbook(SEED_WORKBOOK)
    sheet = workbook["任务分工"]
    for row in range(5, 12):
        sheet[f"D{row}"] = str(sheet[f"D{row}"].value).translate(
            str.maketrans("0123456789.", "０１２３４５６７８９．")
        )
    path = tmp_path / "full-width.xlsx"
    workbook.save(path)
    spec = read_workbook(path)
    assert [i.number for i in spec.indicators] == list("1234567")
    assert spec.indicators[0].title == "督查考核情况"


def test_importing_an_unchanged_table_again_keeps_changes_made_since(seeded: Database) -> None:
    with seeded.uow() as uow:
        campaign = uow.session.scalar(select(Campaign))
        assert campaign is not None
        campaign.reminder_rules = ["-2h"]  # as /rules in chat would set it
        uow.commit()
    report = import_workbook(seeded, SEED_WORKBOOK)
    assert report.unchanged
    assert "未重新导入" in import_report_lines(report)[0]
    with seeded.uow() as uow:
        assert uow.session.scalar(select(Campaign.reminder_rules)) == ["-2h"]


def test_an_edited_table_or_force_applies_again(seeded: Database, tmp_path: Path) -> None:
    spec = read_workbook(SEED_WORKBOOK)
    with seeded.uow() as uow:
        assert (
            import_campaign(
                uow, Actor.operator(), spec, units_file=UNITS_FILE, force=True
            ).unchanged
            is False
        )
    edited = _seed_with_units_cell(tmp_path, "G5", "县人民政府、财政局")
    report = import_workbook(seeded, edited)
    assert not report.unchanged
    assert ("1", "财政局") in obligation_pairs(seeded, "yongning-ip-2023")
