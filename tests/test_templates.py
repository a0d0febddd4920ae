"""Templates: who may attach, list, remove and get them; never counted as submissions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.filecheck import FileRefused
from bot.models import AuditEvent, Chat, Unit
from bot.services.access import Actor, NotAllowed, identify
from bot.services.campaigns import find_campaign
from bot.services.handouts import (
    OweWithTemplates,
    is_blank_template,
    owe_with_templates,
    record_sent_file_id,
    template_structures,
    templates_for,
)
from bot.services.housekeeping import sweep_orphan_blobs
from bot.services.obligations import owed_items
from bot.services.onboarding import create_invite, ensure_coordinator, redeem_invite, welcome
from bot.services.summary import summary
from bot.services.templates import (
    StoredTemplate,
    TemplateRefused,
    add_template,
    check_attach,
    import_templates,
    list_templates,
    number_in_filename,
    remove_template,
    store_template_file,
)
from bot.storage import FileStore
from bot.structure import SheetHeader, Structure
from bot.wording.onboarding import welcome_text
from bot.wording.templates import folder_lines, listing_text
from tests.conftest import SEED_NOW
from tests.fixtures.hostile_files import macro_xlsx
from tests.fixtures.office_files import make_docx, make_xlsx

OPERATOR = Actor.operator()
OPINION = ("序号", "舆情标题", "发布时间", "处置情况")


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def staffed(seeded: Database) -> Database:
    """A coordinator (user 1), 县人民政府's contact (2) and 公安局's contact (3)."""
    with seeded.uow() as uow:
        ensure_coordinator(uow, user_id=1, display_name="协调员")
    for user_id, unit in ((2, "县人民政府"), (3, "公安局")):
        invite = seeded.run(create_invite, OPERATOR, unit, now=SEED_NOW, ttl=timedelta(days=1))
        with seeded.uow() as uow:
            redeem_invite(
                uow, invite.token, user_id=user_id, display_name=unit, username="", now=SEED_NOW
            )
    return seeded


def actor(db: Database, user_id: int, chat_id: int | None = None) -> Actor:
    with db.uow() as uow:
        private = chat_id is None
        return identify(uow.session, user_id, chat_id or user_id, private=private)


def opinion_template(tmp_path: Path, store: FileStore, name: str = "舆情信息表.xlsx"):
    path = make_xlsx(tmp_path / name, "舆情", [("舆情信息表",), OPINION])
    return store_template_file(store, path, name)


def add(db: Database, who: Actor, number: str, stored: StoredTemplate, filename: str):
    return db.run(add_template, who, number, stored, filename, SEED_NOW)


# --- adding, listing, removing -------------------------------------------------------------------


def test_a_coordinator_attaches_a_template_whose_header_is_read_and_audited(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    stored = opinion_template(tmp_path, store)
    added = add(staffed, actor(staffed, 1), "2", stored, "舆情信息表.xlsx")
    assert added.outcome == "added"
    assert (added.template.number, added.template.title) == ("2", "宣传培训情况")
    assert added.template.structure == Structure("xlsx", sheets=(SheetHeader("舆情", OPINION),))
    assert store.exists(added.template.storage_key)
    with staffed.uow() as uow:
        [event] = uow.session.scalars(select(AuditEvent).where(AuditEvent.action.like("template%")))
        assert (event.action, event.actor, event.detail["indicator"]) == (
            "template_added",
            "1",
            "2",
        )


def test_contacts_may_neither_attach_nor_remove_nor_list_templates(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    stored = opinion_template(tmp_path, store)
    contact = actor(staffed, 2)
    with pytest.raises(NotAllowed, match="只有协调人"):
        add(staffed, contact, "2", stored, "舆情信息表.xlsx")
    with pytest.raises(NotAllowed, match="只有协调人"):
        staffed.run(check_attach, contact, "2", "x.xlsx", 10, 1000)
    add(staffed, OPERATOR, "2", stored, "舆情信息表.xlsx")
    with pytest.raises(NotAllowed):
        staffed.run(remove_template, contact, "2")
    with pytest.raises(NotAllowed):
        staffed.run(list_templates, contact)


def test_an_indicator_has_several_templates_and_the_same_bytes_are_kept_once(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    first = opinion_template(tmp_path, store)
    second = store_template_file(
        store, make_docx(tmp_path / "说明.docx", "填报说明", "一、范围"), "说明.docx"
    )
    assert add(staffed, OPERATOR, "2", first, "舆情信息表.xlsx").outcome == "added"
    assert add(staffed, OPERATOR, "2", second, "填报说明.docx").outcome == "added"
    assert add(staffed, OPERATOR, "2", first, "舆情信息表（副本）.xlsx").outcome == "already"
    listing = staffed.run(list_templates, OPERATOR)
    assert [(t.number, t.filename) for t in listing.templates] == [
        ("2", "舆情信息表.xlsx"),
        ("2", "填报说明.docx"),
    ]
    text = listing_text(listing)
    assert "指标2 宣传培训情况：《舆情信息表.xlsx》" in text
    assert "表头：『序号』、『舆情标题』、『发布时间』、『处置情况』" in text
    assert "标题：『填报说明』、『一、范围』" in text


def test_a_file_of_the_same_name_with_new_bytes_replaces_the_old_version(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    old = opinion_template(tmp_path, store)
    add(staffed, OPERATOR, "2", old, "舆情信息表.xlsx")
    staffed.run(record_sent_file_id, staffed.run(list_templates, OPERATOR).templates[0].id, "F1")
    newer_path = make_xlsx(tmp_path / "new.xlsx", "舆情", [(*OPINION, "备注")])
    newer = store_template_file(store, newer_path, "new.xlsx")
    replaced = add(staffed, OPERATOR, "2", newer, "舆情信息表.xlsx")
    assert replaced.outcome == "replaced"
    [only] = staffed.run(list_templates, OPERATOR).templates
    assert only.telegram_file_id is None  # the old file's id would send the old bytes
    assert only.structure is not None
    assert only.structure.sheets[0].columns[-1] == "备注"


def test_an_unknown_indicator_is_refused_with_the_known_numbers(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    with pytest.raises(TemplateRefused, match="找不到指标“9”。现有指标：1、2、3、4、5、6、7"):
        add(staffed, OPERATOR, "9", opinion_template(tmp_path, store), "x.xlsx")


def test_a_file_too_big_is_refused_before_it_is_downloaded(staffed: Database) -> None:
    with pytest.raises(TemplateRefused, match="超过了 20 MB"):
        staffed.run(check_attach, actor(staffed, 1), "2", "大.xlsx", 30 * 2**20, 20 * 2**20)
    target = staffed.run(check_attach, actor(staffed, 1), "指标2", "表.xlsx", 100, 20 * 2**20)
    assert (target.number, target.title) == ("2", "宣传培训情况")


def test_remove_takes_an_indicators_templates_one_by_name_or_one_by_id(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    add(staffed, OPERATOR, "2", opinion_template(tmp_path, store), "舆情信息表.xlsx")
    docx = store_template_file(store, make_docx(tmp_path / "说明.docx", "填报说明"), "说明.docx")
    add(staffed, OPERATOR, "2", docx, "填报说明.docx")
    cases = store_template_file(
        store, make_xlsx(tmp_path / "c.xlsx", "案件", [("案件", "时间")]), "c.xlsx"
    )
    added = add(staffed, OPERATOR, "4", cases, "案件信息表.xlsx")

    with pytest.raises(TemplateRefused, match=r"现有模板：舆情信息表\.xlsx、填报说明\.docx"):
        staffed.run(remove_template, OPERATOR, "2", "没有这个.xlsx")
    removed = staffed.run(remove_template, OPERATOR, "2", "填报说明.docx")
    assert removed.filenames == ("填报说明.docx",)
    assert staffed.run(remove_template, OPERATOR, f"#{added.template.id}").number == "4"
    assert staffed.run(remove_template, OPERATOR, "2").filenames == ("舆情信息表.xlsx",)
    assert staffed.run(list_templates, OPERATOR).templates == ()
    with pytest.raises(TemplateRefused, match="没有编号为 #999 的模板"):
        staffed.run(remove_template, OPERATOR, "#999")


# --- getting them ------------------------------------------------------------------------------


@pytest.fixture
def with_templates(staffed: Database, store: FileStore, tmp_path: Path) -> Database:
    """Templates for indicator 2 (two files) and 4."""
    add(staffed, OPERATOR, "2", opinion_template(tmp_path, store), "舆情信息表.xlsx")
    docx = store_template_file(store, make_docx(tmp_path / "说明.docx", "填报说明"), "说明.docx")
    add(staffed, OPERATOR, "2", docx, "填报说明.docx")
    cases = store_template_file(
        store, make_xlsx(tmp_path / "c.xlsx", "案件", [("案件", "时间")]), "c.xlsx"
    )
    add(staffed, OPERATOR, "4", cases, "案件信息表.xlsx")
    return staffed


def test_a_contact_gets_the_templates_of_what_their_unit_still_owes(
    with_templates: Database,
) -> None:
    government = actor(with_templates, 2)
    found = with_templates.run(templates_for, government, [])
    assert [(t.number, t.filename) for t in found] == [
        ("2", "舆情信息表.xlsx"),
        ("2", "填报说明.docx"),
    ]
    police = actor(with_templates, 3)
    assert [t.filename for t in with_templates.run(templates_for, police, ["4"])] == [
        "案件信息表.xlsx"
    ]


def test_a_unit_may_not_ask_for_another_units_indicator(with_templates: Database) -> None:
    with pytest.raises(TemplateRefused, match="指标4不是【县人民政府】的报送任务"):
        with_templates.run(templates_for, actor(with_templates, 2), ["4"])
    with pytest.raises(TemplateRefused, match="找不到指标“9”"):
        with_templates.run(templates_for, actor(with_templates, 2), ["9"])
    with pytest.raises(TemplateRefused, match="指标1还没有模板"):
        with_templates.run(templates_for, actor(with_templates, 2), ["1"])
    financial = Actor(9, -9, "unit", False, False, "财政局")
    with pytest.raises(TemplateRefused, match="【财政局】待报送的指标都没有模板"):
        with_templates.run(templates_for, financial, [])


def test_members_of_a_units_group_get_its_templates_and_strangers_get_none(
    with_templates: Database,
) -> None:
    with with_templates.uow() as uow:
        police = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert police is not None
        uow.session.add(Chat(telegram_chat_id=-50, kind="unit", unit_id=police.id))
        uow.commit()
    member = actor(with_templates, 77, chat_id=-50)
    assert [t.number for t in with_templates.run(templates_for, member, [])] == ["4"]
    with pytest.raises(NotAllowed, match="还没有登记所属单位"):
        with_templates.run(templates_for, actor(with_templates, 78), ["2"])
    with pytest.raises(NotAllowed, match="本群还没有绑定单位"):
        with_templates.run(templates_for, actor(with_templates, 78, chat_id=-51), [])


def test_a_coordinator_gets_any_indicators_templates_or_all_of_them(
    with_templates: Database,
) -> None:
    coordinator = actor(with_templates, 1)
    assert [t.number for t in with_templates.run(templates_for, coordinator, ["4"])] == ["4"]
    assert [t.number for t in with_templates.run(templates_for, coordinator, [])] == [
        "2",
        "2",
        "4",
    ]


def test_the_file_id_of_the_first_send_is_kept_for_the_next(with_templates: Database) -> None:
    government = actor(with_templates, 2)
    first = with_templates.run(templates_for, government, ["2"])[0]
    assert first.telegram_file_id is None
    with_templates.run(record_sent_file_id, first.id, "BQACAgFILEID")
    again = with_templates.run(templates_for, government, ["2"])[0]
    assert again.telegram_file_id == "BQACAgFILEID"


def test_a_file_sent_in_chat_keeps_its_file_id_from_the_start(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    path = make_xlsx(tmp_path / "t.xlsx", "表", [OPINION])
    stored = store_template_file(
        store, path.read_bytes(), "t.xlsx", telegram_file_id="BQAC-coordinator"
    )
    add(staffed, actor(staffed, 1), "2", stored, "舆情信息表.xlsx")
    [found] = staffed.run(templates_for, actor(staffed, 2), ["2"])
    assert found.telegram_file_id == "BQAC-coordinator"


def test_owe_names_the_owed_indicators_that_have_templates(with_templates: Database) -> None:
    found = with_templates.run(owe_with_templates, actor(with_templates, 2), "", SEED_NOW)
    assert isinstance(found, OweWithTemplates)
    assert found.templates == ("2",)
    assert with_templates.run(
        owe_with_templates, actor(with_templates, 3), "", SEED_NOW
    ).templates == (  # type: ignore[union-attr]
        "4",
    )


def test_a_new_contact_is_told_which_of_their_indicators_have_templates(
    with_templates: Database,
) -> None:
    invite = with_templates.run(
        create_invite, OPERATOR, "市场监管局", now=SEED_NOW, ttl=timedelta(days=1)
    )
    newcomer = actor(with_templates, 40)
    greeted = with_templates.run(
        welcome, newcomer, invite.token, username="", now=SEED_NOW, timezone="Asia/Shanghai"
    )
    assert greeted.templates == ("2", "4")
    assert welcome_text(greeted, SEED_NOW).endswith(
        "📎 指标2、4 有模板：发送“模板”即可获取，或在 /owe 中点按钮。"
    )


# --- the upload path ---------------------------------------------------------------------------


def test_a_templates_exact_bytes_are_recognised_as_the_blank_template(
    with_templates: Database, store: FileStore, tmp_path: Path
) -> None:
    [template, *_] = with_templates.run(list_templates, OPERATOR).templates
    sha256 = store.path_for(template.storage_key).name
    with with_templates.uow() as uow:
        campaign = find_campaign(uow.session)
        blank = is_blank_template(uow, campaign, sha256)
        assert blank is not None
        assert (blank.number, blank.filename) == ("2", "舆情信息表.xlsx")
        assert is_blank_template(uow, campaign, "0" * 64) is None
        structures = template_structures(uow, campaign)
    assert structures["2"][0].sheets[0].columns == OPINION
    assert structures["2"][1].kind == "docx"
    assert [s.sheets[0].columns for s in structures["4"]] == [("案件", "时间")]


def test_templates_are_never_counted_as_submissions(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    with staffed.uow() as uow:
        before = summary(uow, SEED_NOW).as_json()
        owed_before = owed_items(uow, "县人民政府", SEED_NOW).as_json()
    add(staffed, OPERATOR, "2", opinion_template(tmp_path, store), "舆情信息表.xlsx")
    with staffed.uow() as uow:
        assert summary(uow, SEED_NOW).as_json() == before
        assert owed_items(uow, "县人民政府", SEED_NOW).as_json() == owed_before
    assert (before["obligations"], before["done"]) == (19, 0)


# --- the campaign's template folder -------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "number"),
    [
        ("指标2_舆情信息表.xlsx", "2"),
        ("指标 3 经费保障.docx", "3"),
        ("2_舆情.xlsx", "2"),
        ("第4项 行政案件信息表.xlsx", "4"),
        ("07、移送案件.xlsx", "7"),
        ("6.xlsx", "6"),
        ("2023年舆情信息表.xlsx", None),
        ("舆情信息表.xlsx", None),
    ],
)
def test_a_template_files_name_says_its_indicator(filename: str, number: str | None) -> None:
    assert number_in_filename(filename) == number


def test_the_folder_beside_the_workbook_is_imported_once_and_odd_names_are_reported(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    folder = tmp_path / "模板"
    folder.mkdir()
    make_xlsx(folder / "指标2_舆情信息表.xlsx", "舆情", [OPINION])
    make_docx(folder / "第3项经费保障情况.docx", "经费保障情况", "一、资金投入")
    make_xlsx(folder / "说明.xlsx", "说明", [("a", "b")])
    make_xlsx(folder / "指标9_不存在.xlsx", "x", [("a", "b")])
    (folder / "~$指标2_舆情信息表.xlsx").write_bytes(b"lock")

    outcomes = staffed.run(import_templates, OPERATOR, store, folder, SEED_NOW)
    lines = sorted(folder_lines(outcomes))
    assert len(lines) == 4
    assert lines[0].startswith("  模板“指标9_不存在.xlsx”：找不到指标“9”。")
    assert lines[1] == (
        "  模板“说明.xlsx”：文件名里没有指标编号（应写成“指标2_…”“2_…”或“第2项…”），已跳过。"
    )
    assert lines[2].startswith(
        "  模板：✅ 已添加模板：指标2 宣传培训情况 ←《指标2_舆情信息表.xlsx》"
    )
    assert lines[3].startswith(
        "  模板：✅ 已添加模板：指标3 强化知识产权保护资源供给、经费保障情况"
    )
    again = staffed.run(import_templates, OPERATOR, store, folder, SEED_NOW)
    assert [o.added.outcome for o in again if o.added] == ["already", "already"]
    assert len(staffed.run(list_templates, OPERATOR).templates) == 2


# --- what the rest of the system must respect -----------------------------------------------------


def test_a_template_file_passes_the_same_content_check_as_any_upload(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    with pytest.raises(FileRefused):
        store_template_file(store, macro_xlsx(tmp_path), "舆情信息表.xlsx")
    assert list(store.blobs()) == []


def test_the_sweep_of_unreferenced_files_keeps_every_templates_file(
    staffed: Database, store: FileStore, tmp_path: Path
) -> None:
    added = add(staffed, OPERATOR, "2", opinion_template(tmp_path, store), "舆情信息表.xlsx")
    a_year_later = SEED_NOW + timedelta(days=365)
    report = staffed.run(sweep_orphan_blobs, store, a_year_later, timedelta(hours=1))
    assert (report.removed, report.kept_in_use) == (0, 1)
    assert store.exists(added.template.storage_key)
