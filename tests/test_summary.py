"""The unit × indicator summary, as text, JSON and an Excel workbook."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from bot.db import Database
from bot.services.summary import summary
from bot.wording.owe import summary_lines
from bot.workbooks import summary_workbook
from tests.conftest import SEED_NOW
from tests.test_obligations import add_submission


def test_summary_counts_nineteen_obligations_and_what_is_done(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4")
    add_submission(seeded, "财政局", "3", status="accepted")
    with seeded.uow() as uow:
        result = summary(uow, SEED_NOW)
    document = result.as_json()
    assert (document["obligations"], document["done"], document["accepted"]) == (19, 2, 1)
    assert len(document["rows"]) == 7
    police = next(r for r in document["rows"] if r["unit"] == "公安局")
    assert police["cells"]["4"]["status"] == "submitted"
    assert police["cells"]["7"]["status"] == "missing"


def test_units_owing_most_come_first_and_overdue_units_before_all(seeded: Database) -> None:
    add_submission(seeded, "县人民法院", "7")
    with seeded.uow() as uow:
        result = summary(uow, SEED_NOW)
    assert result.rows[0].unit == "市场监管局"
    assert result.rows[-1].unit == "县人民法院"


def test_summary_text_has_progress_and_a_line_per_unit(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4")
    with seeded.uow() as uow:
        lines = summary_lines(summary(uow, SEED_NOW), SEED_NOW)
    assert "已报送 1/19（5.3%）" in lines[1]
    assert any(line.startswith("公安局 1/3：4⏳ 5❌ 7❌") for line in lines)


def test_summary_workbook_has_matrix_totals_colours_and_submissions(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4")
    with seeded.uow() as uow:
        data = summary_workbook(summary(uow, SEED_NOW))
    workbook = load_workbook(BytesIO(data))
    matrix, submissions = workbook["汇总"], workbook["提交明细"]
    assert matrix.freeze_panes == "B4"
    header = [c.value for c in matrix[3]]
    assert header[0] == "单位"
    assert header[4].startswith("4. 加强知识产权行政保护")
    rows = {r[0].value: r for r in matrix.iter_rows(min_row=4)}
    police = rows["公安局"]
    assert police[4].value.startswith("⏳")
    assert police[4].fill.fgColor.rgb.endswith("FFEB9C")
    assert police[1].value == "—"
    assert rows["合计（已交/应交）"][8].value == "1/19"
    assert [c.value for c in submissions[2]][:5] == [
        "公安局",
        "4",
        "加强知识产权行政保护工作情况",
        1,
        "4-1.pdf",
    ]
