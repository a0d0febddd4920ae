"""不适用/豁免 and extensions: who may ask, decide, excuse and extend, and what follows."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from bot.db import Database
from bot.models import AuditEvent, Chat, Contact, Submission, Unit
from bot.refusals import Refusal
from bot.selfreport_docx import draft_document
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import UnitNotFound, find_campaign, find_unit
from bot.services.exemptions import (
    ExemptionRefused,
    approve_exemption,
    describe_obligation,
    excuse,
    refuse_exemption,
    request_exemption,
    request_exemption_for,
    review_board,
)
from bot.services.export import build_package
from bot.services.extensions import extend
from bot.services.obligations import owed_items, still_owed
from bot.services.reminders import plan_round, set_rules
from bot.services.selfreport import self_report
from bot.services.summary import summary
from bot.storage import FileStore
from bot.wording.owe import owe_text, summary_lines
from tests.conftest import SEED_NOW
from tests.test_obligations import add_submission

SHANGHAI = ZoneInfo("Asia/Shanghai")
COURT_GROUP = -1001
COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
OPERATOR = Actor.operator()
STRANGER = Actor(9, 9, "private", False, False, None, "路人")
COURT = Actor(3, 3, "private", False, True, "县人民法院", "法院联络员")
COURT_MEMBER = Actor(4, COURT_GROUP, "unit", False, False, "县人民法院", "法院小李")
POLICE = Actor(2, 2, "private", False, True, "公安局", "公安联络员")
REASON = "本年度无移送案件"


def owes(database: Database, unit: str, now: datetime = SEED_NOW) -> list[str]:
    with database.uow() as uow:
        return [item.indicator for item in owed_items(uow, unit, now).owed]


def ask(database: Database, actor: Actor = COURT, number: str = "7", reason: str = REASON):
    return database.run(request_exemption, actor, number, reason, SEED_NOW)


def audited(database: Database) -> list[str]:
    with database.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def court_obligation(database: Database) -> int:
    with database.uow() as uow:
        report = owed_items(uow, "县人民法院", SEED_NOW)
        return report.items[0].obligation_id


@pytest.fixture
def court_group(seeded: Database) -> Database:
    """县人民法院 has a bound group and a registered contact."""
    with seeded.uow() as uow:
        court = uow.session.scalar(select(Unit).where(Unit.name == "县人民法院"))
        assert court is not None
        uow.session.add(Chat(telegram_chat_id=COURT_GROUP, kind="unit", unit_id=court.id))
        uow.session.add(Contact(telegram_user_id=COURT.user_id, unit_id=court.id))
        uow.commit()
    return seeded


# --- asking and deciding -------------------------------------------------------------------


def test_a_contacts_request_waits_in_review_and_approval_excuses_the_obligation(
    court_group: Database,
) -> None:
    db = court_group
    item = ask(db)
    assert (item.unit, item.number, item.reason, item.status) == (
        "县人民法院",
        "7",
        REASON,
        "requested",
    )
    assert owes(db, "县人民法院") == ["7"]  # still owed until a coordinator decides
    board = db.run(review_board, COORDINATOR)
    assert [r.exemption_id for r in board.requests] == [item.exemption_id]

    decision = db.run(approve_exemption, COORDINATOR, item.exemption_id, SEED_NOW)
    assert decision.item.status == "approved"
    assert decision.notify_chats == (COURT_GROUP,)  # the unit's group is told
    assert owes(db, "县人民法院") == []
    assert db.run(review_board, COORDINATOR).requests == ()
    with db.uow() as uow:
        campaign = find_campaign(uow.session)
        assert still_owed(uow.session, campaign, find_unit(uow.session, "县人民法院")) == []
        report = owed_items(uow, "县人民法院", SEED_NOW)
        result = summary(uow, SEED_NOW)
    assert report.as_json()["items"][0]["status"] == "excused"
    assert "➖ 指标7" in owe_text(report, SEED_NOW)
    assert (result.obligations, result.as_json()["obligations"]) == (18, 18)
    [court_line] = [line for line in summary_lines(result, SEED_NOW) if "县人民法院" in line]
    assert "7➖" in court_line
    assert audited(db)[-2:] == ["exemption_request", "exemption_approve"]


def test_a_member_of_the_units_bound_group_may_ask_too(court_group: Database) -> None:
    item = ask(court_group, COURT_MEMBER)
    assert item.requester == "法院小李"


def test_strangers_other_units_coordinators_and_the_operator_cannot_ask(
    court_group: Database,
) -> None:
    db = court_group
    for actor in (STRANGER, COORDINATOR, OPERATOR):
        with pytest.raises(NotAllowed):
            ask(db, actor)
    with pytest.raises(ExemptionRefused, match="没有指标“1”"):
        ask(db, POLICE, "1")  # 公安局 does not owe 1 …
    obligation = court_obligation(db)
    with pytest.raises(NotAllowed):  # … nor may it ask for the court's 7
        db.run(request_exemption_for, POLICE, obligation, REASON, SEED_NOW)
    with pytest.raises(NotAllowed):
        db.run(describe_obligation, POLICE, obligation)
    assert db.run(describe_obligation, COURT, obligation).number == "7"
    assert owes(db, "县人民法院") == ["7"]


def test_a_request_needs_a_reason_and_waits_for_its_decision_before_another(
    court_group: Database,
) -> None:
    with pytest.raises(ExemptionRefused, match="理由"):
        ask(court_group, reason="   ")
    ask(court_group, number="指标7")
    with pytest.raises(ExemptionRefused, match="等待协调人审核"):
        ask(court_group)


def test_only_coordinators_decide_and_a_request_is_decided_once(court_group: Database) -> None:
    item = ask(court_group)
    for actor in (COURT, COURT_MEMBER, POLICE, STRANGER):
        with pytest.raises(NotAllowed):
            court_group.run(approve_exemption, actor, item.exemption_id, SEED_NOW)
        with pytest.raises(NotAllowed):
            court_group.run(refuse_exemption, actor, item.exemption_id, "不行", SEED_NOW)
    court_group.run(approve_exemption, OPERATOR, item.exemption_id, SEED_NOW)
    with pytest.raises(ExemptionRefused, match="已批准"):
        court_group.run(refuse_exemption, COORDINATOR, item.exemption_id, "不行", SEED_NOW)
    with pytest.raises(ExemptionRefused, match="已确认不适用"):
        ask(court_group)


def test_a_refusal_needs_a_reason_keeps_the_obligation_owed_and_tells_the_contacts(
    seeded: Database,
) -> None:
    with seeded.uow() as uow:  # no group: the unit's contacts are told in private
        court = find_unit(uow.session, "县人民法院")
        uow.session.add(Contact(telegram_user_id=COURT.user_id, unit_id=court.id))
        uow.commit()
    item = ask(seeded)
    with pytest.raises(ExemptionRefused, match="驳回理由"):
        seeded.run(refuse_exemption, COORDINATOR, item.exemption_id, " ", SEED_NOW)
    decision = seeded.run(refuse_exemption, COORDINATOR, item.exemption_id, "有案件", SEED_NOW)
    assert (decision.item.status, decision.item.decision_reason) == ("refused", "有案件")
    assert decision.notify_chats == (COURT.user_id,)
    assert owes(seeded, "县人民法院") == ["7"]
    with seeded.uow() as uow:
        text = owe_text(owed_items(uow, "县人民法院", SEED_NOW), SEED_NOW)
    assert "不适用申请未获批准：有案件" in text
    assert ask(seeded).status == "requested"  # the unit may ask again
    assert "exemption_refuse" in audited(seeded)


def test_a_coordinator_or_the_operator_excuses_directly_and_contacts_cannot(
    seeded: Database,
) -> None:
    for actor in (COURT, POLICE, STRANGER):
        with pytest.raises(NotAllowed):
            seeded.run(excuse, actor, "县人民法院", "7", REASON, SEED_NOW)
    decision = seeded.run(excuse, COORDINATOR, "县法院", "7", REASON, SEED_NOW)
    assert (decision.item.unit, decision.item.decider) == ("县人民法院", "协调员")
    seeded.run(excuse, OPERATOR, "公安局", "5", "未开展专项行动", SEED_NOW)
    assert owes(seeded, "县人民法院") == []
    assert owes(seeded, "公安局") == ["4", "7"]
    with pytest.raises(ExemptionRefused):
        seeded.run(excuse, COORDINATOR, "公安局", "5", "again", SEED_NOW)
    with pytest.raises(ExemptionRefused, match="理由"):
        seeded.run(excuse, COORDINATOR, "公安局", "4", "", SEED_NOW)
    with pytest.raises(UnitNotFound):
        seeded.run(excuse, COORDINATOR, "县教育局", "4", REASON, SEED_NOW)
    assert audited(seeded).count("exemption_approve") == 2


def test_a_direct_excuse_answers_a_request_still_waiting(court_group: Database) -> None:
    item = ask(court_group)
    decision = court_group.run(excuse, COORDINATOR, "县人民法院", "7", "核实无案件", SEED_NOW)
    assert decision.item.exemption_id == item.exemption_id
    assert court_group.run(review_board, COORDINATOR).requests == ()


def test_an_excused_obligation_gets_no_reminder(seeded: Database) -> None:
    monday = datetime(2023, 10, 16, 9, 1, tzinfo=SHANGHAI)
    seeded.run(excuse, COORDINATOR, "县人民法院", "7", REASON, SEED_NOW)
    with seeded.uow() as uow:
        units = {plan.unit for plan in plan_round(uow, monday)}
    assert "公安局" in units
    assert "县人民法院" not in units


# --- extensions ------------------------------------------------------------------------------


def test_an_extension_is_the_units_own_deadline_for_days_left_late_and_overdue(
    seeded: Database,
) -> None:
    extension = seeded.run(
        extend, COORDINATOR, "公安局", "7", datetime(2023, 10, 20, 18, 0, tzinfo=SHANGHAI)
    )
    assert (extension.indicators, extension.every) == (("7",), False)
    with seeded.uow() as uow:
        items = {i["indicator"]: i for i in owed_items(uow, "公安局", SEED_NOW).as_json()["items"]}
        other = {i.indicator: i for i in owed_items(uow, "文旅局", SEED_NOW).items}
    assert items["7"]["deadline"] == "2023-10-20T18:00:00+08:00"
    assert (items["7"]["days_left"], items["7"]["extended"]) == (5, True)
    assert (items["4"]["deadline"], items["4"]["extended"]) == ("2023-10-18T23:59:59+08:00", False)
    assert other["7"].deadline == datetime(2023, 10, 18, 23, 59, 59, tzinfo=SHANGHAI)

    thursday = datetime(2023, 10, 19, 10, 0, tzinfo=SHANGHAI)
    add_submission(seeded, "公安局", "7", at=thursday)
    add_submission(seeded, "文旅局", "7", at=thursday)
    with seeded.uow() as uow:
        police = {s.indicator: s for s in owed_items(uow, "公安局", thursday).items}
        culture = {s.indicator: s for s in owed_items(uow, "文旅局", thursday).items}
        result = summary(uow, thursday)
    assert (police["7"].late, culture["7"].late) == (False, True)
    assert (police["4"].overdue, police["7"].overdue) == (True, False)
    [police_line] = [line for line in summary_lines(result, thursday) if "公安局" in line]
    assert "7⏳⏰" in police_line
    assert audited(seeded)[-1] == "extend"


def test_only_coordinators_and_the_operator_extend_one_or_all_obligations(
    seeded: Database,
) -> None:
    when = datetime(2023, 10, 25, tzinfo=SHANGHAI)
    for actor in (POLICE, COURT, STRANGER, COURT_MEMBER):
        with pytest.raises(NotAllowed):
            seeded.run(extend, actor, "公安局", None, when)
    every = seeded.run(extend, OPERATOR, "公安局", None, when)
    assert (every.indicators, every.every) == (("4", "5", "7"), True)
    with pytest.raises(Refusal, match="没有指标“1”"):
        seeded.run(extend, COORDINATOR, "公安局", "1", when)
    with seeded.uow() as uow:
        deadlines = {i.deadline for i in owed_items(uow, "公安局", SEED_NOW).items}
    assert deadlines == {datetime(2023, 10, 25, tzinfo=SHANGHAI)}


def test_a_round_after_the_campaign_deadline_skips_a_unit_whose_own_deadline_is_later(
    seeded: Database,
) -> None:
    seeded.run(set_rules, OPERATOR, ["+1d 09:00"])
    seeded.run(extend, COORDINATOR, "公安局", None, datetime(2023, 10, 19, 18, 0, tzinfo=SHANGHAI))
    thursday = datetime(2023, 10, 19, 9, 1, tzinfo=SHANGHAI)  # a day after the campaign's
    with seeded.uow() as uow:
        units = {plan.unit for plan in plan_round(uow, thursday)}
    assert "文旅局" in units
    assert "公安局" not in units
    friday = datetime(2023, 10, 20, 9, 1, tzinfo=SHANGHAI)  # a day after its own
    with seeded.uow() as uow:
        plans = [plan for plan in plan_round(uow, friday) if plan.unit == "公安局"]
    assert plans
    assert plans[0].indicators == ("4", "5", "7")


# --- the export ------------------------------------------------------------------------------


def test_the_export_explains_each_excused_obligation_and_extension(
    seeded: Database, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    stored = store.put_bytes(b"%PDF-1.4 case table")
    add_submission(seeded, "公安局", "4")
    with seeded.uow() as uow:  # the submission points at real bytes
        [submission] = uow.session.scalars(select(Submission))
        submission.storage_key = stored.key
        uow.commit()
    seeded.run(excuse, COORDINATOR, "县人民法院", "7", REASON, SEED_NOW)
    seeded.run(extend, COORDINATOR, "公安局", "7", datetime(2023, 10, 20, 18, 0, tzinfo=SHANGHAI))
    with seeded.uow() as uow:
        result = build_package(uow, store, tmp_path / "out", SEED_NOW)
    [part] = result.parts
    with zipfile.ZipFile(part) as archive:
        notes = archive.read("情况说明.txt").decode()
        workbook = load_workbook(io.BytesIO(archive.read("汇总.xlsx")))
    assert (
        "县人民法院 指标7 知识产权保护工作机制改革创新情况：不适用。理由：本年度无移送案件。"
        in notes
    )
    assert "批准：协调员，2023-10-15 10:00" in notes
    assert "公安局 指标7 知识产权保护工作机制改革创新情况：延期至 2023-10-20 18:00。" in notes
    rows = list(workbook["情况说明"].iter_rows(values_only=True))
    assert rows[0][:4] == ("单位", "指标", "指标名称", "情况")
    assert ("县人民法院", "7") in {row[:2] for row in rows}
    matrix = list(workbook["汇总"].iter_rows(values_only=True))
    [court] = [row for row in matrix if row[0] == "县人民法院"]
    assert "➖ 不适用" in court
    assert court[-2] == "0/0"


def test_the_self_report_draft_lists_an_excused_unit_as_not_applicable(
    seeded: Database, tmp_path: Path
) -> None:
    seeded.run(excuse, COORDINATOR, "县人民法院", "7", REASON, SEED_NOW)
    report = seeded.run(self_report, COORDINATOR, SEED_NOW)
    assert report.obligations == 18
    [seven] = [i for i in report.indicators if i.number == "7"]
    assert {u.unit: u.status for u in seven.units}["县人民法院"] == "excused"
    document = Document(io.BytesIO(draft_document(report, FileStore(tmp_path / "files"))))
    rows = [
        tuple(cell.text for cell in row.cells)
        for table in document.tables
        for row in table.rows
        if row.cells[0].text == "县人民法院"
    ]
    assert [row[1] for row in rows] == ["不适用"]
