"""Issue 11's 不适用 and extensions, through the emulator as people would use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from emulator import EmuChat
from tests.conftest import ROOT
from tests.e2e.conftest import Bot, button_texts, text_of
from tests.e2e.test_reminders_e2e import MONDAY_0901, check, reminders_in
from tests.fixtures.office_files import xlsx_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
REASON = "本年度无移送案件"


def cli(bot: Bot, *args: str) -> dict:
    """`python -m bot … --json` on the bot's own database, as the operator would run it."""
    env = {
        **os.environ,
        "DATABASE_URL": bot.settings.database_url,
        "STORAGE_DIR": str(bot.settings.storage_dir),
        "TELEGRAM_BOT_TOKEN": "",
    }
    now = bot.clock.now.isoformat()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--now", now, *args, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


async def summary_text(bot: Bot, chat: EmuChat) -> str:
    """/summary in the coordinator group: its text (the workbook comes last)."""
    assert bot.coordinator is not None
    bot.emu.send_text(bot.coordinator, chat, "/summary")
    messages = await bot.emu.wait_for(
        lambda: (found := bot.emu.messages_in(chat)) and found[-1].document and found,
        timeout=10,
        description="the summary workbook",
    )
    return text_of([m for m in messages if m.document is None])


async def test_the_court_asks_not_applicable_for_seven_and_once_approved_owes_and_hears_nothing(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    coordinators = await bot.group("迎检协调组", [], bind="协调组")
    clerk = await bot.add_contact("县人民法院", "法院联络员")
    court = await bot.group("县人民法院工作群", [clerk], bind="县人民法院")
    culture = await bot.group("文旅局工作群", [bot.person("文旅小王")], bind="文旅局")

    # /owe offers [申请不适用] for 7; the press asks for the reason as a reply.
    [owed] = await bot.say(clerk, clerk, "/owe")
    assert "还需报送 1 项" in owed.shown_text
    assert button_texts(owed) == ["指标7 申请不适用"]
    prompt = await bot.press(clerk, owed, "指标7 申请不适用")
    assert "写明不适用的理由" in prompt.shown_text
    bot.emu.send_text(clerk, clerk, REASON, reply_to=prompt)
    [asked] = await bot.emu.wait_for_messages(clerk, timeout=10)
    assert "已提交【县人民法院】指标7" in asked.shown_text
    [still] = await bot.say(clerk, clerk, "/owe")
    assert f"已申请不适用（{REASON}），等待协调人审核" in still.shown_text
    assert button_texts(still) == []  # asked once: no second button

    # The coordinator finds it in /review, after the (empty) submissions, and approves.
    replies = await bot.say(coordinator, coordinator, "/review", count=3)
    assert replies[0].shown_text == "没有待审核的材料。"
    assert "待审核的不适用申请 1 项" in replies[1].shown_text
    request = replies[2]
    assert "【县人民法院】指标7" in request.shown_text
    assert REASON in request.shown_text
    assert button_texts(request) == ["批准", "驳回"]
    decided = await bot.press(coordinator, request, "批准")
    assert decided.shown_text.startswith("➖ 已批准：【县人民法院】指标7")
    [told] = await bot.emu.wait_for_messages(court, timeout=10)
    assert "已确认不适用" in told.shown_text

    # Its owe list is empty; /summary shows ➖ and 18 obligations; so does summary --json.
    [empty] = await bot.say(clerk, clerk, "/owe")
    assert "没有需要 县人民法院 报送的指标" in empty.shown_text
    assert f"➖ 指标7 知识产权保护工作机制改革创新情况：不适用（{REASON}）" in empty.shown_text
    shown = await summary_text(bot, coordinators)
    assert "已报送 0/18" in shown
    [court_line] = [line for line in shown.splitlines() if "县人民法院" in line]
    assert "7➖" in court_line
    assert cli(bot, "summary")["obligations"] == 18
    assert cli(bot, "owe", "--unit", "县法院")["owed"] == 0

    # A reminder round: 文旅局 is reminded, the court's group hears nothing.
    before = len(bot.emu.messages_in(court))
    bot.clock.now = MONDAY_0901
    await check(bot)
    assert len(reminders_in(bot, culture)) == 1
    assert len(bot.emu.messages_in(court)) == before


async def test_a_refusal_is_asked_for_by_reply_and_told_to_the_unit_with_its_reason(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    clerk = await bot.add_contact("县人民法院", "法院联络员")
    [asked] = await bot.say(clerk, clerk, f"/na 7 {REASON}")
    assert "已提交【县人民法院】指标7" in asked.shown_text
    stranger = bot.person("路人")
    [refused] = await bot.say(stranger, stranger, "/na 7 x")
    assert "还没有登记所属单位" in refused.shown_text

    replies = await bot.say(coordinator, coordinator, "/review", count=3)
    prompt = await bot.press(coordinator, replies[2], "驳回")
    assert "写明驳回理由" in prompt.shown_text
    bot.emu.send_text(coordinator, coordinator, "今年有两起移送", reply_to=prompt)
    [done] = await bot.emu.wait_for_messages(coordinator, timeout=10)
    assert "已驳回" in done.shown_text
    told = text_of(await bot.emu.wait_for_messages(clerk, timeout=10))
    assert "不适用申请未获批准" in told
    assert "驳回理由：今年有两起移送" in told
    [owed] = await bot.say(clerk, clerk, "/owe")
    assert "还需报送 1 项" in owed.shown_text
    assert button_texts(owed) == ["指标7 申请不适用"]  # may ask again


async def test_police_gets_its_own_deadline_for_seven_and_the_round_after_the_campaigns_skips_it(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    officer = bot.person("李警官")
    police = await bot.group("公安局工作群", [officer], bind="公安局")
    culture = await bot.group("文旅局工作群", [bot.person("文旅小王")], bind="文旅局")

    [refused] = await bot.say(officer, police, "/extend 公安局 7 2023-10-25")
    assert refused.shown_text == "抱歉，这个命令只有协调人可以使用。"
    [extended] = await bot.say(coordinator, coordinator, "/extend 公安局 7 2023-10-25T18:00")
    assert extended.shown_text.startswith("⏰ 已为【公安局】指标7延期至 2023-10-25 18:00")
    items = {item["indicator"]: item for item in cli(bot, "owe", "--unit", "公安局")["items"]}
    assert items["7"]["deadline"] == "2023-10-25T18:00:00+08:00"
    assert items["4"]["deadline"] == "2023-10-18T23:59:59+08:00"
    [owed] = await bot.say(officer, police, "/owe")
    assert "截止：2023-10-25（还剩10天） ⏰本单位延期" in owed.shown_text

    # 公安局 delivers 4 and 5; only 7 is left, with its own deadline.
    for name, caption in (("侵犯知识产权行政案件信息表.xlsx", "指标4"), ("专项行动.xlsx", "指标5")):
        receipt = await bot.upload(officer, police, name, xlsx_data(name), caption=caption)
        assert receipt.shown_text.startswith("✅"), receipt.shown_text

    # The day after the campaign's deadline: 文旅局 is reminded, 公安局 is not.
    mark = bot.emu.mark()
    bot.clock.now = datetime(2023, 10, 19, 9, 1, tzinfo=SHANGHAI)
    await check(bot)
    assert bot.emu.messages_in(culture, after=mark)
    assert bot.emu.messages_in(police, after=mark) == []

    # Its own rounds follow its own deadline: the day before it, 7 is due.
    bot.clock.now = datetime(2023, 10, 24, 9, 1, tzinfo=SHANGHAI)
    await check(bot)
    [reminder] = bot.emu.messages_in(police, after=mark)
    assert "指标7" in reminder.shown_text
    assert "2023-10-25" in reminder.shown_text
    assert "指标4" not in reminder.shown_text
