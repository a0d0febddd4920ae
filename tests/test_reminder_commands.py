"""Who may steer reminders, and the dry run of a check, on a real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.db import Database, UnitOfWork
from bot.models import AuditEvent, ReminderDispatch
from bot.reminder_results import DigestMessage, ReminderMessage
from bot.services import reminders
from bot.services.access import Actor, NotAllowed
from bot.wording.reminders import preview_text
from tests.test_reminders import COORDINATORS, GROUP, UNITS, FakeSender, bind_groups

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_0901 = datetime(2023, 10, 16, 9, 1, tzinfo=SHANGHAI)
POLICE = GROUP["公安局"]

STRANGER = Actor(9, 9, "private", False, False, None, "路人")
OTHER_CONTACT = Actor(3, 3, "private", False, True, "文旅局", "文旅小王")
OWN_CONTACT = Actor(2, 2, "private", False, True, "公安局", "民警")
GROUP_MEMBER = Actor(4, POLICE, "unit", False, False, "公安局", "辅警")
COORDINATOR = Actor(1, POLICE, "unit", True, True, "公安局", "协调员")  # in the unit's group
OPERATOR = Actor.operator()
ACTORS = {
    "stranger": STRANGER,
    "other unit's contact": OTHER_CONTACT,
    "own contact": OWN_CONTACT,
    "group member": GROUP_MEMBER,
    "coordinator": COORDINATOR,
    "operator": OPERATOR,
}
EVERYONE_KNOWN = {"other unit's contact", "own contact", "group member", "coordinator", "operator"}
STEERING = {"coordinator", "operator"}

UseCase = Callable[[UnitOfWork, Actor], Any]
USE_CASES: dict[str, tuple[UseCase, set[str]]] = {
    "read the rules": (lambda uow, a: reminders.current_rules(uow, a), EVERYONE_KNOWN),
    "set the rules": (lambda uow, a: reminders.set_rules(uow, a, ["-1d 09:00"]), STEERING),
    "move a deadline": (
        lambda uow, a: reminders.set_deadline(uow, a, datetime(2023, 10, 20, 18), "4"),  # noqa: DTZ001
        STEERING,
    ),
    "list the rounds to come": (
        lambda uow, a: reminders.upcoming_rounds(uow, a, MONDAY_0901),
        STEERING,
    ),
    "remind now": (
        lambda uow, a: reminders.plan_manual_round(uow, a, MONDAY_0901, "公安局"),
        STEERING,
    ),
    "dry-run a check": (lambda uow, a: reminders.preview_round(uow, a, MONDAY_0901), STEERING),
}


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_each_reminder_use_case_decides_itself_who_may_use_it(
    seeded: Database, use_case: str, who: str
) -> None:
    run, allowed = USE_CASES[use_case]
    if who in allowed:
        seeded.run(run, ACTORS[who])
    else:
        with pytest.raises(NotAllowed):
            seeded.run(run, ACTORS[who])


@pytest.mark.parametrize("who", list(ACTORS))
def test_only_a_coordinator_may_pause_and_resume_a_group(seeded: Database, who: str) -> None:
    bind_groups(seeded, "公安局", coordinators=False)
    actor = ACTORS[who]
    if who == "operator":
        pytest.skip("the operator is in no group; /pause is a chat command")
    in_group = Actor(
        actor.user_id, POLICE, "unit", actor.is_coordinator, actor.is_contact, "公安局"
    )
    if who == "coordinator":
        assert seeded.run(reminders.pause, in_group).paused
        assert not seeded.run(reminders.resume, in_group).paused
    else:
        for change in (reminders.pause, reminders.resume):
            with pytest.raises(NotAllowed):
                seeded.run(change, in_group)


def test_changes_are_audited_under_the_actor_and_the_operator_as_cli(seeded: Database) -> None:
    bind_groups(seeded, "公安局", coordinators=False)
    seeded.run(reminders.set_rules, OPERATOR, ["-1d 09:00"])
    seeded.run(reminders.pause, COORDINATOR)
    with seeded.uow() as uow:
        rows = uow.session.execute(
            select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.id)
        ).all()
    assert ("cli", "reminder_rules") in rows
    assert ("1", "pause") in rows


def test_pausing_a_chat_that_is_not_bound_is_refused_with_the_reason(seeded: Database) -> None:
    with pytest.raises(reminders.ReminderError, match="本群还没有绑定"):
        seeded.run(reminders.pause, COORDINATOR)


def test_an_unknown_indicator_is_refused_with_the_numbers_that_exist(seeded: Database) -> None:
    with pytest.raises(reminders.ReminderError) as refused:
        seeded.run(reminders.set_deadline, OPERATOR, datetime(2023, 10, 20), "<9>")  # noqa: DTZ001
    assert refused.value.fields == {"number": "<9>", "numbers": "1、2、3、4、5、6、7"}
    assert refused.value.sentence(lambda s: s.replace("<", "&lt;").replace(">", "&gt;")) == (
        "找不到指标“&lt;9&gt;”。现有指标：1、2、3、4、5、6、7"
    )


# --- the dry run -----------------------------------------------------------------------------


def ledger_rows(database: Database) -> int:
    with database.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ReminderDispatch)) or 0)


async def test_a_dry_run_shows_the_round_and_the_digest_and_records_nothing(
    seeded: Database,
) -> None:
    bind_groups(seeded)
    preview = seeded.run(reminders.preview_round, OPERATOR, MONDAY_0901)
    chats = [chat for chat, _ in preview.messages]
    assert sorted(chats[:-1]) == sorted(GROUP[name] for name in UNITS)
    assert chats[-1] == COORDINATORS  # the digest comes last, after the round it reports on
    digest = preview.messages[-1][1]
    assert isinstance(digest, DigestMessage)
    assert len(digest.reminded) == len(UNITS)
    police = dict(preview.messages)[POLICE]
    assert isinstance(police, ReminderMessage)
    assert [item.indicator for item in police.owed] == ["4", "5", "7"]
    assert ledger_rows(seeded) == 0

    text = preview_text(preview)
    assert "材料报送提醒【公安局】" in text
    assert "<b>" not in text
    assert text.endswith(
        "试运行：本次检查将发送 8 条，均未发送、未记录。加 --send 才会发送并记录。"
    )

    # The real check afterwards still sends everything: the dry run took nothing away.
    sender = FakeSender()
    report = await reminders.run_reminders(seeded, sender, MONDAY_0901)
    assert report.sent == 8
    assert seeded.run(reminders.preview_round, OPERATOR, MONDAY_0901).messages == ()
