"""/import in chat at the service level: the preview is the import rolled back, 确认 applies it
once, 取消 drops it, and only a coordinator in private may do any of it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.importer import ImportFailure, read_workbook
from bot.models import (
    AuditEvent,
    Campaign,
    Indicator,
    IndicatorGroup,
    IndicatorSupport,
    Obligation,
    PendingImport,
    Unit,
    UnitAlias,
)
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import import_campaign
from bot.services.housekeeping import sweep_orphan_blobs
from bot.services.imports_in_chat import (
    ImportAlreadyHandled,
    ReceivedTable,
    admit_import,
    cancel_import,
    confirm_import,
    preview_import,
    store_table,
)
from bot.storage import FileStore
from bot.wording.imports import import_report_text, preview_text
from tests.conftest import SEED_NOW, SEED_WORKBOOK, UNITS_FILE, import_workbook
from tests.fixtures.office_files import docx_data
from tests.workbooks import ADDED_INDICATOR, seed_with_indicator_added

COORDINATOR = Actor(1001, 1001, "private", True, True, None, "协调员")
CONTACT = Actor(2002, 2002, "private", False, True, "公安局", "公安局联络员")
COORDINATOR_IN_A_GROUP = Actor(1001, -500, "unit", True, True, "公安局", "协调员")
LIMIT = 20 * 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def edited_table(tmp_path: Path, store: FileStore) -> ReceivedTable:
    """The seed table with indicator 8 added, received in chat under the seed's file name."""
    path = seed_with_indicator_added(tmp_path / "edited.xlsx", SEED_WORKBOOK)
    return store_table(store, path.read_bytes(), "永宁县任务分工表（修订）.xlsx")


def campaign_picture(database: Database) -> dict[str, object]:
    """Everything an import could change: row counts, the fingerprint, live obligations."""
    with database.uow() as uow:
        session = uow.session
        counts: dict[str, object] = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (
                Campaign,
                IndicatorGroup,
                Indicator,
                Obligation,
                IndicatorSupport,
                Unit,
                UnitAlias,
            )
        }
        counts["fingerprints"] = list(session.scalars(select(Campaign.source_fingerprint)))
        counts["titles"] = list(session.scalars(select(Indicator.title).order_by(Indicator.id)))
        counts["live obligations"] = session.scalar(
            select(func.count())
            .select_from(Obligation)
            .join(Indicator)
            .where(Obligation.archived.is_(False), Indicator.archived.is_(False))
        )
        return counts


def preview(database: Database, store: FileStore, table: ReceivedTable, actor: Actor = COORDINATOR):
    return database.run(preview_import, actor, store, table, UNITS_FILE, SEED_NOW)


def test_the_preview_says_what_the_import_would_do_and_changes_nothing(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    before = campaign_picture(seeded)

    shown = preview(seeded, store, edited_table)

    assert campaign_picture(seeded) == before
    report = shown.report
    assert (report.code, report.existed, report.unchanged) == ("yongning-ip-2023", True, False)
    assert (report.indicators, report.obligations) == (8, 21)
    [added] = report.changes.added
    assert (added.number, added.units) == ("8", ("司法局", "市场监管局"))
    assert report.changes.changed == report.changes.archived == ()
    assert (report.changes.obligations_added, report.changes.obligations_archived) == (2, 0)
    assert report.new == ("司法局",)
    text = preview_text(shown)
    assert "将更新活动 yongning-ip-2023" in text
    assert f"新增指标：{ADDED_INDICATOR.replace('.', '. ', 1)}（司法局、市场监管局）" in text
    assert "新单位：司法局" in text
    assert "任务：新增 2 项，归档 0 项" in text


def test_the_preview_is_kept_as_a_pending_import_with_its_file(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    shown = preview(seeded, store, edited_table)
    with seeded.uow() as uow:
        pending = uow.session.get(PendingImport, shown.pending_id)
        assert pending is not None
        assert (pending.requested_by, pending.resolved_at, pending.campaign_code) == (
            1001,
            None,
            "yongning-ip-2023",
        )
        assert pending.filename == "永宁县任务分工表（修订）.xlsx"
        assert store.verify(pending.storage_key)
    # The sweep of unreferenced files leaves a table waiting for 确认 alone, however long.
    swept = seeded.run(sweep_orphan_blobs, store, SEED_NOW + timedelta(days=365))
    assert swept.removed == 0
    assert store.verify(edited_table.stored.key)


def test_confirming_applies_the_same_import_once(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    shown = preview(seeded, store, edited_table)
    assert shown.pending_id is not None

    done = seeded.run(confirm_import, COORDINATOR, store, shown.pending_id, UNITS_FILE, SEED_NOW)

    assert done.report.changes == shown.report.changes
    assert (done.report.indicators, done.report.obligations) == (8, 21)
    assert campaign_picture(seeded)["live obligations"] == 21
    assert "新增指标：8. 知识产权纠纷多元化解情况" in import_report_text(done.report)
    with pytest.raises(ImportAlreadyHandled, match="已经导入"):
        seeded.run(confirm_import, COORDINATOR, store, shown.pending_id, UNITS_FILE, SEED_NOW)
    with pytest.raises(ImportAlreadyHandled, match="已经导入"):
        seeded.run(cancel_import, COORDINATOR, shown.pending_id, SEED_NOW)
    with seeded.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["import_preview", "import"]


def test_cancelling_imports_nothing_and_the_buttons_stop_working(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    before = campaign_picture(seeded)
    shown = preview(seeded, store, edited_table)
    assert shown.pending_id is not None

    cancelled = seeded.run(cancel_import, COORDINATOR, shown.pending_id, SEED_NOW)

    assert cancelled.filename == edited_table.filename
    assert campaign_picture(seeded) == before
    with pytest.raises(ImportAlreadyHandled, match="导入已经取消"):
        seeded.run(confirm_import, COORDINATOR, store, shown.pending_id, UNITS_FILE, SEED_NOW)
    with pytest.raises(ImportAlreadyHandled, match="找不到这次导入"):
        seeded.run(cancel_import, COORDINATOR, 999, SEED_NOW)


def test_an_unchanged_table_is_said_to_be_unchanged_and_nothing_waits(
    seeded: Database, store: FileStore
) -> None:
    table = store_table(store, SEED_WORKBOOK.read_bytes(), SEED_WORKBOOK.name)

    shown = preview(seeded, store, table)

    assert shown.pending_id is None
    assert shown.report.unchanged
    assert "完全相同，无需导入" in preview_text(shown)
    with seeded.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_a_new_campaign_is_previewed_as_new(database: Database, store: FileStore) -> None:
    table = store_table(store, SEED_WORKBOOK.read_bytes(), SEED_WORKBOOK.name)
    shown = preview(database, store, table)
    assert not shown.report.existed
    assert "将新建活动 yongning-ip-2023" in preview_text(shown)
    assert campaign_picture(database)["campaign"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (docx_data("不是表格"), "不是有效的 .xlsx"),
        (b"", "0 字节"),
        (b"just some text, not a workbook", "不是 Excel 工作簿"),
    ],
    ids=["a-word-document", "empty", "text"],
)
def test_a_bad_file_gets_the_importers_message_and_nothing_waits(
    seeded: Database, store: FileStore, content: bytes, message: str
) -> None:
    before = campaign_picture(seeded)
    table = store_table(store, content, "任务分工表.xlsx")
    with pytest.raises(ImportFailure, match=message):
        preview(seeded, store, table)
    assert campaign_picture(seeded) == before
    with seeded.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_only_a_coordinator_in_private_may_import(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    seeded.run(admit_import, COORDINATOR, "表.xlsx", 1000, LIMIT)
    with pytest.raises(NotAllowed, match="只有协调人"):
        seeded.run(admit_import, CONTACT, "表.xlsx", 1000, LIMIT)
    with pytest.raises(NotAllowed, match="私聊"):
        seeded.run(admit_import, COORDINATOR_IN_A_GROUP, "表.xlsx", 1000, LIMIT)
    with pytest.raises(NotAllowed, match="超过"):
        seeded.run(admit_import, COORDINATOR, "表.xlsx", LIMIT + 1, LIMIT)
    with pytest.raises(NotAllowed, match="回复"):
        seeded.run(admit_import, COORDINATOR, None, None, LIMIT)
    with pytest.raises(NotAllowed, match="只有协调人"):
        preview(seeded, store, edited_table, CONTACT)
    shown = preview(seeded, store, edited_table)
    assert shown.pending_id is not None
    with pytest.raises(NotAllowed, match="只有协调人"):
        seeded.run(confirm_import, CONTACT, store, shown.pending_id, UNITS_FILE, SEED_NOW)
    with pytest.raises(NotAllowed, match="只有协调人"):
        seeded.run(cancel_import, CONTACT, shown.pending_id, SEED_NOW)
    assert campaign_picture(seeded)["live obligations"] == 19


def test_a_changed_indicator_names_what_changed(
    seeded: Database, store: FileStore, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(SEED_WORKBOOK)
    sheet = workbook["任务分工"]
    sheet["F5"] = "需提供督查考核结果通报。"
    sheet["G5"] = "县人民政府、财政局"
    sheet.delete_rows(11)  # indicator 7 goes
    path = tmp_path / "changed.xlsx"
    workbook.save(path)
    table = store_table(store, path.read_bytes(), SEED_WORKBOOK.name)

    changes = preview(seeded, store, table).report.changes

    [changed] = changes.changed
    assert (changed.number, changed.fields, changed.units_added) == (
        "1",
        ("material",),
        ("财政局",),
    )
    assert [(a.number, a.title) for a in changes.archived] == [
        ("7", "知识产权保护工作机制改革创新情况")
    ]
    assert (changes.obligations_added, changes.obligations_archived) == (1, 4)
    text = preview_text(preview(seeded, store, table))
    assert "修改指标：1. 督查考核情况（支撑材料说明、增加责任单位 财政局）" in text
    assert "归档指标：7. 知识产权保护工作机制改革创新情况（已提交的材料保留）" in text


def test_the_table_replaced_in_chat_is_not_applied_again_by_make_runs_import(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    shown = preview(seeded, store, edited_table)
    assert shown.pending_id is not None
    seeded.run(confirm_import, COORDINATOR, store, shown.pending_id, UNITS_FILE, SEED_NOW)

    # make run imports data/campaigns/ at every start: the seed file is older than the table
    # sent in chat, so it is left alone, and the report says which table is current.
    report = import_workbook(seeded, SEED_WORKBOOK)

    assert report.unchanged
    assert report.replaced_by == edited_table.filename
    assert f"后来导入的“{edited_table.filename}”" in import_report_text(report)
    assert campaign_picture(seeded)["live obligations"] == 21
    # Sent back in chat, the older table means it: previewed and applied.
    again = preview(seeded, store, store_table(store, SEED_WORKBOOK.read_bytes(), "旧表.xlsx"))
    assert [a.number for a in again.report.changes.archived] == ["8"]
    assert again.pending_id is not None
    seeded.run(confirm_import, COORDINATOR, store, again.pending_id, UNITS_FILE, SEED_NOW)
    assert campaign_picture(seeded)["live obligations"] == 19


def test_force_applies_a_replaced_table_from_the_command_line(
    seeded: Database, store: FileStore, edited_table: ReceivedTable
) -> None:
    shown = preview(seeded, store, edited_table)
    assert shown.pending_id is not None
    seeded.run(confirm_import, COORDINATOR, store, shown.pending_id, UNITS_FILE, SEED_NOW)

    with seeded.uow() as uow:
        report = import_campaign(
            uow, Actor.operator(), read_workbook(SEED_WORKBOOK), units_file=UNITS_FILE, force=True
        )
    assert not report.unchanged
    assert [a.number for a in report.changes.archived] == ["8"]
    assert campaign_picture(seeded)["live obligations"] == 19
