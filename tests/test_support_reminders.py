"""Reminders on issue 14's lead/support table: a supporting unit is reminded only while the lead
of an indicator it supports still owes, inside its one message per round (配合事项)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import Chat, Submission
from bot.services.access import Actor
from bot.services.campaigns import find_unit
from bot.services.reminders import dispatch_pending, plan_manual_round, plan_round
from bot.services.uploads import adopt_contribution
from tests.conftest import import_workbook
from tests.test_obligations import add_submission
from tests.test_reminders import FakeSender, check
from tests.workbooks import lead_and_support_workbook

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Indicators 1 and 2 are due Friday 2024-03-15; their -3d round is Tuesday the 12th, 09:00.
# Indicators 3 and 4 (due the 20th) have no round yet.
TUESDAY_0901 = datetime(2024, 3, 12, 9, 1, tzinfo=SHANGHAI)
UNITS = (
    "区市场监管局",  # leads 1
    "区发展和改革局",  # leads 2
    "区政务服务中心",  # leads 3, supports 1
    "区税务局",  # leads 4, supports 1
    "区供电公司",  # supports 2
    "区大数据局",  # supports 3
    "区司法局",  # supports 3
)
GROUP = {name: -2000 - n for n, name in enumerate(UNITS)}
COORDINATOR = Actor(1, -1999, "coordinator", True, True, None, "协调员")


@pytest.fixture
def lead_table(database: Database, tmp_path: Path) -> Database:
    """The table imported, every unit's group bound, and a coordinator group."""
    import_workbook(database, lead_and_support_workbook(tmp_path / "linhe-2024.xlsx"))
    with database.uow() as uow:
        for name in UNITS:
            unit = find_unit(uow.session, name)
            uow.session.add(Chat(telegram_chat_id=GROUP[name], kind="unit", unit_id=unit.id))
        uow.session.add(Chat(telegram_chat_id=-1999, kind="coordinator", title="协调组"))
        uow.commit()
    return database


def contribute(database: Database, supporter: str, number: str) -> int:
    """A supporting unit's file filed to the lead's obligation (as an upload files it)."""
    add_submission(database, _lead_of(number), number)
    with database.uow() as uow:
        submission = uow.session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert submission is not None
        submission.contributed_by_unit_id = find_unit(uow.session, supporter).id
        uow.commit()
        return submission.id


def _lead_of(number: str) -> str:
    return {"1": "区市场监管局", "2": "区发展和改革局", "3": "区政务服务中心", "4": "区税务局"}[
        number
    ]


def reminded(sender: FakeSender) -> set[str]:
    return {name for name, chat in GROUP.items() if sender.to(chat)}


async def test_supporting_units_are_reminded_with_the_leads_in_the_same_round(
    lead_table: Database,
) -> None:
    sender = FakeSender()
    await check(lead_table, sender, TUESDAY_0901)
    # The leads of 1 and 2, and their supporters; not the supporters of 3 (no round for it yet).
    assert reminded(sender) == {
        "区市场监管局",
        "区发展和改革局",
        "区政务服务中心",
        "区税务局",
        "区供电公司",
    }
    [power] = sender.to(GROUP["区供电公司"])
    assert "⏰ <b>材料报送提醒【区供电公司】</b>" in power
    assert "中您单位配合的 1 项指标，牵头单位尚未报送：" in power
    assert "🤝 指标2 获得电力" in power
    assert "牵头单位：区发展和改革局（❌未交）" in power
    assert "还需报送" not in power
    assert "配合事项" not in power  # the whole message is about it: no second heading


async def test_a_unit_that_owes_and_supports_gets_one_message_with_its_own_items_first(
    lead_table: Database,
) -> None:
    sender = FakeSender()
    await check(lead_table, sender, TUESDAY_0901)
    [message] = sender.to(GROUP["区政务服务中心"])
    assert "还需报送 1 项：" in message
    own, helped = message.index("指标3 政务服务"), message.index("🤝 指标1 开办企业")
    assert own < message.index("配合事项") < helped
    assert "牵头单位：区市场监管局（❌未交）" in message


async def test_once_the_lead_has_delivered_its_supporters_are_left_alone(
    lead_table: Database,
) -> None:
    add_submission(lead_table, "区发展和改革局", "2")
    sender = FakeSender()
    await check(lead_table, sender, TUESDAY_0901)
    assert "区供电公司" not in reminded(sender)
    assert "区发展和改革局" not in reminded(sender)
    assert "区市场监管局" in reminded(sender)


async def test_a_contribution_alone_does_not_stop_the_reminders_but_its_adoption_does(
    lead_table: Database,
) -> None:
    submission_id = contribute(lead_table, "区供电公司", "2")
    sender = FakeSender()
    await check(lead_table, sender, TUESDAY_0901)
    assert {"区供电公司", "区发展和改革局"} <= reminded(sender)

    lead_table.run(adopt_contribution, COORDINATOR, submission_id, TUESDAY_0901)
    later = FakeSender()
    await check(lead_table, later, TUESDAY_0901.replace(day=14))  # the -1d round
    assert reminded(later) == {"区市场监管局", "区政务服务中心", "区税务局"}


async def test_a_supporter_planned_before_the_lead_delivered_is_skipped_at_sending_time(
    lead_table: Database,
) -> None:
    with lead_table.uow() as uow:
        plan_round(uow, TUESDAY_0901)
    add_submission(lead_table, "区发展和改革局", "2")
    sender = FakeSender()
    report = await dispatch_pending(lead_table, sender, TUESDAY_0901)
    assert "区供电公司" not in reminded(sender)
    # 区发展和改革局 and 区供电公司 skipped; the other three units and the digest sent.
    assert (report.sent, report.skipped) == (4, 2)


async def test_remind_all_includes_supporters_while_their_lead_owes(lead_table: Database) -> None:
    add_submission(lead_table, "区政务服务中心", "3")  # 3 delivered: its supporters owe nothing
    with lead_table.uow() as uow:
        planned = plan_manual_round(uow, COORDINATOR, TUESDAY_0901)
    assert set(planned.units) == {
        "区市场监管局",
        "区发展和改革局",
        "区税务局",
        "区供电公司",
        "区政务服务中心",  # owes nothing itself, but supports 1, whose lead still owes
    }
    assert set(planned.nothing_owed) == {"区大数据局", "区司法局"}
