"""Issue 14's "Done when" for contributions, through the emulator: on the four-indicator
lead/support table, a supporting unit's upload is received, attributed to it and shown to the
lead, and does not change the lead's status by itself; adopting it does."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.db import Database
from emulator import EmuMessage, EmuUser
from tests.conftest import import_workbook
from tests.e2e.conftest import REPLY_TIMEOUT, Bot, BotFactory, button_texts, text_of
from tests.fixtures.office_files import xlsx_data
from tests.workbooks import lead_and_support_workbook

LEDGER = "接电业务办理台账.xlsx"
LEDGER_XLSX = xlsx_data("区供电公司 接电业务办理台账 2024")
LEAD = "区发展和改革局"


async def summary_of(bot: Bot, coordinator: EmuUser) -> tuple[str, EmuMessage]:
    """The coordinator's /summary in private: its text and the workbook message."""
    mark = bot.emu.mark()
    bot.emu.send_text(coordinator, coordinator, "/summary")
    messages = await bot.emu.wait_for(
        lambda: (
            (found := bot.emu.messages_in(coordinator, after=mark)) and found[-1].document and found
        ),
        timeout=REPLY_TIMEOUT,
        description="the summary workbook",
    )
    await bot.emu.wait_for_messages(coordinator, count=len(messages), timeout=0)
    return text_of([m for m in messages if m.document is None]), messages[-1]


async def test_a_supporting_units_file_reaches_the_lead_and_counts_once_adopted(
    database: Database, start_bot: BotFactory, tmp_path: Path
) -> None:
    import_workbook(database, lead_and_support_workbook(tmp_path / "linhe-2024.xlsx"))
    bot = await start_bot(database)
    coordinator = await bot.add_coordinator()
    power = await bot.add_contact("区供电公司")
    clerk = bot.person("发改局科员")
    lead_group = await bot.group("发改局工作群", [clerk], bind=LEAD)

    # 区供电公司 owes nothing itself; its file for indicator 2 goes to the lead, in its name.
    receipt = await bot.upload(power, power, LEDGER, LEDGER_XLSX, caption="指标2")
    assert receipt.plain_text.startswith(
        f"✅ 已作为配合材料登记到 指标2 获得电力，已转给牵头单位【{LEAD}】"
    ), receipt.plain_text
    assert button_texts(receipt) == ["改归类", "撤回"]
    [submission] = bot.submissions()
    assert submission.uploaded_by == power.id
    assert submission.contributed_by_unit_id is not None
    assert submission.adopted_at is None

    # The lead's group is told, with the button to adopt it.
    [notice] = await bot.emu.wait_for_messages(lead_group, timeout=REPLY_TIMEOUT)
    assert notice.plain_text.startswith(f"🤝【区供电公司】为指标2提供了配合材料《{LEDGER}》")
    assert button_texts(notice) == ["采用为本单位材料"]

    # By itself it delivers nothing: the lead still owes 2 and sees the contribution under it.
    owed = text_of(await bot.say(clerk, lead_group, "/owe"))
    assert "还需报送 1 项（共 1 项）" in owed
    assert "❌ 指标2 获得电力" in owed
    assert f"🤝 配合材料《{LEDGER}》（区供电公司，10-15 10:00）待采用" in owed
    text, _ = await summary_of(bot, coordinator)
    assert "已报送 0/4" in text

    # A member of the lead's group adopts it: now it is the lead's delivery.
    adopted = await bot.press(clerk, notice, "采用为本单位材料")
    assert adopted is notice
    assert notice.plain_text == (
        f"✅ 已采用【区供电公司】的配合材料《{LEDGER}》为【{LEAD}】指标2 获得电力的报送材料，"
        "等待协调人审核。"
    )
    assert button_texts(notice) == []
    owed = text_of(await bot.say(clerk, lead_group, "/owe"))
    assert "所有材料均已报送" in owed
    assert f"⏳ 指标2 获得电力：《{LEDGER}》10-15 10:00 待审核（区供电公司提供的配合材料）" in owed

    # The coordinator's summary counts it, and its workbook lists it as a contribution.
    text, workbook_message = await summary_of(bot, coordinator)
    assert "已报送 1/4" in text
    assert workbook_message.data is not None
    workbook = load_workbook(io.BytesIO(workbook_message.data))
    [row] = list(workbook["配合材料"].iter_rows(min_row=2, values_only=True))
    assert row[:5] == ("2", "获得电力", LEAD, "区供电公司", LEDGER)
    assert row[6] == "是"

    # And the supporting unit sees that the lead has it.
    supported = text_of(await bot.say(power, power, "/owe"))
    assert f"牵头单位：{LEAD}（⏳待审核）" in supported
    assert f"已提供：《{LEDGER}》已采用" in supported
