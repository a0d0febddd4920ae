"""bot.workbooks: the summary workbook shows password-protected files."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from bot.db import Database
from bot.models import Indicator, Obligation, Submission, Unit
from bot.services.summary import summary
from bot.workbooks import summary_workbook
from tests.conftest import SEED_NOW


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


def test_a_password_protected_submission_is_marked_in_the_submissions_sheet(
    seeded: Database,
) -> None:
    submit(seeded, "公安局", "4", filename="加密.docx", password_protected=True)
    submit(seeded, "财政局", "3", filename="普通.docx")

    rows = {row["文件名"].value: row for row in submissions_sheet(seeded)}  # type: ignore[union-attr]

    assert rows["加密.docx"]["打开密码"].value == "需密码"  # type: ignore[union-attr]
    assert rows["普通.docx"]["打开密码"].value is None  # type: ignore[union-attr]
