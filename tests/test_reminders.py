"""Deadline reminders on a real database: planned into the ledger, sent exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from bot.db import Database
from bot.models import Chat, Contact, ReminderDispatch, Unit
from bot.schedule import RuleError
from bot.services.access import Actor, NotAllowed
from bot.services.reminders import (
    ADVISORY_LOCK_KEY,
    MAX_ATTEMPTS,
    ChatUnreachable,
    DispatchReport,
    ManualRound,
    Outgoing,
    RetryLater,
    dispatch_pending,
    pause,
    plan_manual_round,
    plan_round,
    resume,
    run_reminders,
    set_deadline,
    set_rules,
    upcoming_rounds,
)
from bot.wording import html_escape
from bot.wording.reminders import outgoing_text
from tests.test_obligations import add_submission

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The seed's deadline is Wednesday 2023-10-18 23:59:59 in Shanghai; -3d falls on Sunday the
# 15th, a quiet day, so the first round moves to Monday 09:00.
MONDAY_0901 = datetime(2023, 10, 16, 9, 1, tzinfo=SHANGHAI)
UNITS = ("县人民政府", "市场监管局", "财政局", "公安局", "文旅局", "县委宣传部", "县人民法院")
GROUP = {name: -1000 - n for n, name in enumerate(UNITS)}
COORDINATORS = -999
COORDINATOR = Actor(1, COORDINATORS, "coordinator", True, True, None, "协调员")
CONTACT = Actor(2, GROUP["公安局"], "unit", False, True, "公安局", "民警")
OPERATOR = Actor.operator()


class Killed(BaseException):
    """The process dying mid-send: nothing after the `await` runs."""


@dataclass
class FakeSender:
    """Records what would reach Telegram (worded as the bot words it); can answer 403 or 429
    for chosen chats."""

    unreachable: set[int] = field(default_factory=set)
    busy: dict[int, int] = field(default_factory=dict)  # chat → 429s still to answer
    die_on: int | None = None
    sent: list[tuple[int, str]] = field(default_factory=list)

    async def send(self, chat_id: int, message: Outgoing) -> int:
        if chat_id == self.die_on:
            raise Killed
        if chat_id in self.unreachable:
            raise ChatUnreachable("Forbidden: bot was kicked from the supergroup chat")
        if self.busy.get(chat_id, 0) > 0:
            self.busy[chat_id] -= 1
            raise RetryLater(3, "Too Many Requests: retry after 3")
        self.sent.append((chat_id, outgoing_text(message, html_escape)))
        return len(self.sent)

    def to(self, chat_id: int) -> list[str]:
        return [text_ for chat, text_ in self.sent if chat == chat_id]


def bind_groups(database: Database, *units: str, coordinators: bool = True) -> None:
    with database.uow() as uow:
        for name in units or UNITS:
            unit = uow.session.scalar(select(Unit).where(Unit.name == name))
            assert unit is not None, name
            uow.session.add(
                Chat(telegram_chat_id=GROUP[name], kind="unit", unit_id=unit.id, title=f"{name}群")
            )
        if coordinators:
            uow.session.add(Chat(telegram_chat_id=COORDINATORS, kind="coordinator", title="协调组"))
        uow.commit()


def add_contact(database: Database, unit_name: str, user_id: int) -> None:
    with database.uow() as uow:
        unit = uow.session.scalar(select(Unit).where(Unit.name == unit_name))
        assert unit is not None
        uow.session.add(Contact(telegram_user_id=user_id, unit_id=unit.id, display_name="联络员"))
        uow.commit()


async def check(database: Database, sender: FakeSender, now: datetime) -> None:
    """One run of the reminder job: plan what is due, send what is pending."""
    await run_reminders(database, sender, now)


async def remind(
    database: Database,
    sender: FakeSender,
    now: datetime,
    unit: str | None = None,
    actor: Actor = COORDINATOR,
) -> tuple[ManualRound, DispatchReport]:
    """/remind as the bot does it: plan the manual round, then send what is pending."""
    with database.uow() as uow:
        planned = plan_manual_round(uow, actor, now, unit)
    return planned, await dispatch_pending(database, sender, now)


def in_group(actor: Actor, chat_id: int) -> Actor:
    return replace(actor, chat_id=chat_id, chat_kind="unit")


def unit_id(database: Database, name: str) -> int:
    with database.uow() as uow:
        found = uow.session.scalar(select(Unit.id).where(Unit.name == name))
        assert found is not None
        return found


def ledger(database: Database) -> list[tuple[int | None, int, str, str, str]]:
    with database.uow() as uow:
        rows = uow.session.scalars(select(ReminderDispatch).order_by(ReminderDispatch.id))
        return [(r.unit_id, r.chat_id, r.rule, r.status, r.error) for r in rows]


# --- one round -----------------------------------------------------------------------------


async def test_every_owing_unit_gets_exactly_one_message_listing_all_it_owes(
    seeded: Database,
) -> None:
    bind_groups(seeded)
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    for name in UNITS:
        [message] = sender.to(GROUP[name])
        assert f"【{name}】" in message
    police = sender.to(GROUP["公安局"])[0]
    assert all(f"指标{n} " in police for n in ("4", "5", "7"))
    assert "指标1 " not in police
    assert "还剩2天" in police
    [digest] = sender.to(COORDINATORS)
    assert "已提醒 7 个单位" in digest
    assert len(sender.sent) == 8


async def test_a_unit_that_delivered_everything_gets_nothing(seeded: Database) -> None:
    bind_groups(seeded)
    add_submission(seeded, "县人民法院", "7")
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    assert sender.to(GROUP["县人民法院"]) == []
    assert len(sender.to(GROUP["公安局"])) == 1


async def test_a_second_check_of_the_same_round_sends_nothing(seeded: Database) -> None:
    bind_groups(seeded)
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    for later in (timedelta(0), timedelta(minutes=1), timedelta(hours=3)):
        await check(seeded, sender, MONDAY_0901 + later)
    assert len(sender.sent) == 8
    with seeded.uow() as uow:
        assert plan_round(uow, MONDAY_0901) == []


async def test_the_next_rule_makes_a_new_round(seeded: Database) -> None:
    bind_groups(seeded)
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    await check(seeded, sender, MONDAY_0901 + timedelta(days=1))  # -1d 09:00, Tuesday
    assert len(sender.to(GROUP["公安局"])) == 2
    assert "还剩1天" in sender.to(GROUP["公安局"])[1]


# --- crashes and restarts -------------------------------------------------------------------


async def test_rows_planned_before_a_crash_are_sent_after_the_restart(
    seeded: Database,
) -> None:
    bind_groups(seeded)
    with seeded.uow() as uow:
        assert plan_round(uow, MONDAY_0901)
    restarted = Database(seeded.url)
    sender = FakeSender()
    try:
        await check(restarted, sender, MONDAY_0901 + timedelta(minutes=5))
    finally:
        restarted.dispose()
    assert len(sender.sent) == 8


async def test_a_send_cut_short_by_a_crash_is_retried_once_on_restart(seeded: Database) -> None:
    bind_groups(seeded)
    dying = FakeSender(die_on=GROUP["公安局"])
    with pytest.raises(Killed):
        await check(seeded, dying, MONDAY_0901)
    assert ("sending",) in {(status,) for _, _, _, status, _ in ledger(seeded)}
    restarted = Database(seeded.url)
    sender = FakeSender()
    try:
        report = await dispatch_pending(restarted, sender, MONDAY_0901 + timedelta(minutes=1))
        await check(restarted, sender, MONDAY_0901 + timedelta(minutes=2))
    finally:
        restarted.dispose()
    assert report.recovered >= 1  # the cut-short send, and any claimed beside it
    assert len(sender.to(GROUP["公安局"])) == 1
    assert all(len(dying.to(c)) + len(sender.to(c)) == 1 for c in GROUP.values())


# --- downtime -------------------------------------------------------------------------------


async def test_after_downtime_the_newest_useful_round_is_sent_and_older_ones_skipped(
    seeded: Database,
) -> None:
    bind_groups(seeded, "公安局", coordinators=False)
    sender = FakeSender()
    wednesday_1000 = datetime(2023, 10, 18, 10, 0, tzinfo=SHANGHAI)  # missed Mon, Tue, Wed 09:00
    await check(seeded, sender, wednesday_1000)
    [message] = sender.to(GROUP["公安局"])
    assert "今天截止" in message
    police = [row for row in ledger(seeded) if row[0] == unit_id(seeded, "公安局")]
    assert sorted(status for _, _, _, status, _ in police) == ["sent", "skipped", "skipped"]
    assert {rule for _, _, rule, status, _ in police if status == "sent"} == {"0d 09:00"}


async def test_heads_ups_missed_until_after_the_deadline_are_skipped_but_chasing_is_sent(
    seeded: Database,
) -> None:
    bind_groups(seeded, "公安局", coordinators=False)
    sender = FakeSender()
    thursday_1000 = datetime(2023, 10, 19, 10, 0, tzinfo=SHANGHAI)
    await check(seeded, sender, thursday_1000)
    [message] = sender.to(GROUP["公安局"])
    assert "已逾期1天" in message
    sent = [rule for _, _, rule, status, _ in ledger(seeded) if status == "sent"]
    assert sent == ["+1d 09:00 daily"]


# --- pause, 403, 429 ------------------------------------------------------------------------


async def test_a_paused_group_gets_nothing_until_resumed(seeded: Database) -> None:
    bind_groups(seeded)
    with seeded.uow() as uow:
        result = pause(uow, in_group(COORDINATOR, GROUP["公安局"]))
    assert result.paused
    assert result.unit == "公安局"
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    assert sender.to(GROUP["公安局"]) == []
    assert len(sender.to(GROUP["文旅局"])) == 1
    with seeded.uow() as uow:
        resume(uow, in_group(COORDINATOR, GROUP["公安局"]))
    await check(seeded, sender, MONDAY_0901 + timedelta(hours=1))
    assert sender.to(GROUP["公安局"]) == []  # a paused round is not sent late
    await check(seeded, sender, MONDAY_0901 + timedelta(days=1))
    assert len(sender.to(GROUP["公安局"])) == 1


def test_only_a_coordinator_may_pause_reminders(seeded: Database) -> None:
    bind_groups(seeded)
    with seeded.uow() as uow, pytest.raises(NotAllowed):
        pause(uow, CONTACT)


async def test_a_group_that_removed_the_bot_falls_back_to_contacts_and_is_reported(
    seeded: Database,
) -> None:
    bind_groups(seeded)
    add_contact(seeded, "公安局", 5001)
    sender = FakeSender(unreachable={GROUP["公安局"]})
    await check(seeded, sender, MONDAY_0901)
    assert len(sender.to(5001)) == 1
    assert "【公安局】" in sender.to(5001)[0]
    with seeded.uow() as uow:
        chat = uow.session.scalar(select(Chat).where(Chat.telegram_chat_id == GROUP["公安局"]))
        assert chat is not None
        assert chat.unreachable
    coordinator = sender.to(COORDINATORS)
    assert any("无法向【公安局】" in m and "1 位联系人" in m for m in coordinator)
    digest = next(m for m in coordinator if "提醒摘要" in m)
    assert "已提醒 7 个单位" in digest
    # The next round goes straight to the contact; the dead group is not tried again.
    sender.sent.clear()
    await check(seeded, sender, MONDAY_0901 + timedelta(days=1))
    assert len(sender.to(5001)) == 1
    assert sender.to(GROUP["公安局"]) == []


async def test_a_unit_without_group_is_reminded_in_private(seeded: Database) -> None:
    bind_groups(seeded, "文旅局")
    add_contact(seeded, "公安局", 5001)
    add_contact(seeded, "公安局", 5002)
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    assert len(sender.to(5001)) == len(sender.to(5002)) == 1
    [digest] = sender.to(COORDINATORS)
    assert "未能送达" in digest  # the five units with neither group nor contact


async def test_telegram_asking_to_wait_is_retried_at_the_next_check_then_given_up(
    seeded: Database,
) -> None:
    bind_groups(seeded, "公安局", "文旅局", coordinators=False)
    sender = FakeSender(busy={GROUP["公安局"]: 1, GROUP["文旅局"]: MAX_ATTEMPTS})
    first = await run_reminders(seeded, sender, MONDAY_0901)
    assert first.retrying == 2
    for minute in range(1, MAX_ATTEMPTS + 1):
        await check(seeded, sender, MONDAY_0901 + timedelta(minutes=minute))
    assert len(sender.to(GROUP["公安局"])) == 1
    assert sender.to(GROUP["文旅局"]) == []
    statuses = {chat: status for _, chat, _, status, _ in ledger(seeded)}
    assert statuses[GROUP["文旅局"]] == "failed"


# --- rules and deadlines --------------------------------------------------------------------


async def test_moving_the_deadline_moves_the_rounds(seeded: Database) -> None:
    bind_groups(seeded, "公安局", coordinators=False)
    with seeded.uow() as uow:
        naive = datetime(2023, 10, 25, 18, 0)  # noqa: DTZ001 - naive means campaign time
        result = set_deadline(uow, OPERATOR, naive)
    assert result.deadline == datetime(2023, 10, 25, 18, 0, tzinfo=SHANGHAI)
    sender = FakeSender()
    await check(seeded, sender, MONDAY_0901)
    assert sender.sent == []
    with seeded.uow() as uow:
        [first, *_] = upcoming_rounds(uow, OPERATOR, MONDAY_0901)
    assert first.due_at == datetime(2023, 10, 23, 9, 0, tzinfo=SHANGHAI)  # Sun → Mon
    assert "公安局" in first.units
    await check(seeded, sender, datetime(2023, 10, 23, 9, 0, tzinfo=SHANGHAI))
    assert len(sender.to(GROUP["公安局"])) == 1


async def test_one_indicator_can_have_its_own_deadline(seeded: Database) -> None:
    with seeded.uow() as uow:
        result = set_deadline(uow, OPERATOR, datetime(2023, 10, 30, 18, 0, tzinfo=SHANGHAI), "7")
    assert result.indicator == "7"
    with seeded.uow() as uow:
        rounds = upcoming_rounds(uow, OPERATOR, MONDAY_0901, limit=50)
    friday = datetime(2023, 10, 27, 9, 0, tzinfo=SHANGHAI)  # -3d before Monday the 30th
    [late] = [r for r in rounds if r.due_at == friday]
    assert "-3d 09:00" in late.rules
    assert "7" in late.indicators


def test_rules_are_validated_stored_canonically_and_reserved_for_coordinators(
    seeded: Database,
) -> None:
    with seeded.uow() as uow:
        stored = set_rules(
            uow, OPERATOR, ["－３d ９:００", "-1d 09:00, +1d 09:00 daily x3", "-120m"]
        )
    assert stored.rules == ("-3d 09:00", "-1d 09:00", "+1d 09:00 daily x3", "-2h")
    with seeded.uow() as uow, pytest.raises(RuleError, match="规则无法识别：every day"):
        set_rules(uow, OPERATOR, ["-1d 09:00", "every day"])
    with seeded.uow() as uow, pytest.raises(RuleError, match="截止前"):
        set_rules(uow, OPERATOR, ["3d 09:00"])
    with seeded.uow() as uow, pytest.raises(RuleError, match="至少"):
        set_rules(uow, OPERATOR, [" "])
    with seeded.uow() as uow, pytest.raises(NotAllowed):
        set_rules(uow, CONTACT, ["-1d 09:00"])


# --- /remind --------------------------------------------------------------------------------


async def test_remind_sends_a_manual_round_to_every_owing_unit_at_once(seeded: Database) -> None:
    bind_groups(seeded)
    add_submission(seeded, "县人民法院", "7")
    sender = FakeSender()
    now = datetime(2023, 10, 16, 8, 0, tzinfo=SHANGHAI)  # before any scheduled round
    result, report = await remind(seeded, sender, now)
    assert set(result.units) == set(UNITS) - {"县人民法院"}
    assert result.nothing_owed == ("县人民法院",)
    assert report.sent == 6
    assert all("催办" in sender.to(GROUP[name])[0] for name in result.units)
    again, _ = await remind(seeded, sender, now + timedelta(minutes=1), "公安局")
    assert again.units == ("公安局",)
    assert len(sender.to(GROUP["公安局"])) == 2


async def test_only_a_coordinator_may_remind(seeded: Database) -> None:
    with pytest.raises(NotAllowed):
        await remind(seeded, FakeSender(), MONDAY_0901, actor=CONTACT)


# --- replicas -------------------------------------------------------------------------------


async def test_a_second_replica_on_postgresql_does_not_dispatch(seeded: Database) -> None:
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    bind_groups(seeded)
    other = Database(seeded.url)
    try:
        with other.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            sender = FakeSender()
            report = await run_reminders(seeded, sender, MONDAY_0901)
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
    finally:
        other.dispose()
    assert report.locked_out
    assert sender.sent == []
    await check(seeded, sender, MONDAY_0901)
    assert len(sender.sent) == 8


# --- the "Done when" ----------------------------------------------------------------


async def test_done_when_indicator_four_due_in_a_day_and_two_minutes_with_rule_minus_1d(
    seeded: Database,
) -> None:
    start = datetime(2023, 10, 16, 10, 0, tzinfo=SHANGHAI)
    bind_groups(seeded)
    add_submission(seeded, "文旅局", "4")
    with seeded.uow() as uow:
        set_rules(uow, OPERATOR, ["-1d"])
    with seeded.uow() as uow:
        set_deadline(uow, OPERATOR, start + timedelta(days=1, minutes=2), "4")
    sender = FakeSender()
    await check(seeded, sender, start)
    assert sender.sent == []
    await check(seeded, sender, start + timedelta(minutes=1))
    assert sender.sent == []
    await check(seeded, sender, start + timedelta(minutes=2))
    assert len(sender.to(GROUP["公安局"])) == 1
    assert len(sender.to(GROUP["市场监管局"])) == 1
    assert sender.to(GROUP["文旅局"]) == []
    owing = {chat for chat, _ in sender.sent} - {COORDINATORS}
    assert owing == {GROUP["公安局"], GROUP["市场监管局"]}
    restarted = Database(seeded.url)
    try:
        for later in (timedelta(minutes=3), timedelta(hours=5), timedelta(days=1)):
            await check(restarted, sender, start + later)
    finally:
        restarted.dispose()
    assert len(sender.to(GROUP["公安局"])) == 1
    assert len(sender.to(GROUP["市场监管局"])) == 1
    assert sender.to(GROUP["文旅局"]) == []


def test_deadlines_are_shown_in_the_campaign_zone(seeded: Database) -> None:
    with seeded.uow() as uow:
        result = set_deadline(uow, OPERATOR, datetime(2023, 10, 20, 2, 0, tzinfo=UTC))
    assert result.deadline.tzinfo is not None
    assert result.deadline.hour == 10
