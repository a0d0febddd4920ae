"""Issue 5's "Done when": a new user's whole session, start to finish, through the emulator."""

from __future__ import annotations

import hashlib
import io

from openpyxl import load_workbook

from tests.e2e.conftest import REPLY_TIMEOUT, Bot, button_texts, text_of
from tests.fixtures.office_files import xlsx_data

CASES_XLSX = xlsx_data("公安局 侵犯知识产权行政案件 2023")
WECHAT_JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20


async def test_a_contact_registers_uploads_two_files_and_the_coordinator_sees_them(
    bot: Bot,
) -> None:
    emu, coordinator = bot.emu, bot.coordinator
    assert coordinator is not None

    # The coordinator invites 公安局 in private and gets a deep link.
    [invite] = await bot.say(coordinator, coordinator, "/invite 公安局")
    assert "公安局 联系人" in invite.plain_text
    assert "https://t.me/yingjian_bot?start=" in invite.plain_text
    token = invite.plain_text.rsplit("start=", 1)[1].strip()

    # The contact taps it: greeted with the unit and what it owes.
    police = emu.add_user("李警官")
    greeting = text_of(await bot.say(police, police, f"/start {token}"))
    assert "欢迎，李警官" in greeting
    assert "【公安局】" in greeting
    for number in ("4", "5", "7"):
        assert f"指标{number}" in greeting

    # 还差什么 → indicators 4, 5 and 7 with material, deadline and days left.
    owed = text_of(await bot.say(police, police, "还差什么"))
    assert "还需报送 3 项（共 3 项）" in owed
    assert "指标4 加强知识产权行政保护工作情况" in owed
    assert "指标5 开展执法专项行动" in owed
    assert "指标7 知识产权保护工作机制改革创新情况" in owed
    assert "需报送：" in owed
    assert owed.count("截止：2023-10-18（还剩3天）") == 3
    assert "指标1 " not in owed
    assert "指标2 " not in owed

    # The case table goes to 4 on its own, with [改归类] [撤回] [也用于…] under the receipt.
    receipt = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert receipt.plain_text.startswith("✅ 已登记到 指标4 加强知识产权行政保护工作情况")
    assert "侵犯知识产权行政案件信息表.xlsx" in receipt.plain_text
    assert "公安局 还需报送 2 项" in receipt.plain_text
    assert button_texts(receipt) == ["改归类", "撤回", "也用于…"]

    # A WeChat photo says nothing: the bot asks, the contact picks 5.
    question = await bot.upload(police, police, "微信图片_2023.jpg", WECHAT_JPG)
    assert "这份材料属于哪一项指标" in question.plain_text
    labels = button_texts(question)
    assert labels[-2:] == ["全部指标", "取消"]
    [five] = [label for label in labels if label.startswith("5.")]
    answered = await bot.press(police, question, five)
    assert answered is question
    assert question.plain_text.startswith("✅ 已按您的选择登记到 指标5")
    assert button_texts(question) == ["改归类", "撤回", "也用于…"]

    # Asked again: only 7 is owed.
    again = text_of(await bot.say(police, police, "还差什么"))
    assert "还需报送 1 项（共 3 项）" in again
    assert "指标7 知识产权保护工作机制改革创新情况" in again
    assert "《侵犯知识产权行政案件信息表.xlsx》" in again
    assert "《微信图片_2023.jpg》" in again

    # The coordinator group: /summary shows 公安局 with 4 and 5 submitted, and the workbook.
    group = await bot.group("迎检协调组", [], bind="协调组")
    emu.send_text(coordinator, group, "/summary")
    messages = await emu.wait_for(
        lambda: (found := emu.messages_in(group)) and found[-1].document and found,
        timeout=REPLY_TIMEOUT,
        description="the summary workbook",
    )
    summary = text_of([m for m in messages if m.document is None])
    assert "已报送 2/19" in summary
    [police_line] = [line for line in summary.splitlines() if "公安局" in line]
    assert "2/3" in police_line
    assert "4⏳" in police_line
    assert "5⏳" in police_line
    assert "7❌" in police_line

    workbook_message = messages[-1]
    assert workbook_message.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(workbook_message.data)).active
    header = [cell.value for cell in sheet[3]]
    [police_row] = [row for row in sheet.iter_rows(values_only=True) if row[0] == "公安局"]
    cells = dict(zip(header, police_row, strict=True))
    column = {str(name).split(".")[0]: name for name in header if name and name[0].isdigit()}
    assert cells[column["4"]] == "⏳ 待审核"
    assert cells[column["5"]] == "⏳ 待审核"
    assert cells[column["7"]] == "❌ 未交"
    assert cells[column["1"]] == "—"
    assert cells["已交/应交"] == "2/3"

    # The files on disk are the uploads, byte for byte.
    stored = {s.filename: bot.stored_bytes(s) for s in bot.submissions()}
    assert stored == {
        "侵犯知识产权行政案件信息表.xlsx": CASES_XLSX,
        "微信图片_2023.jpg": WECHAT_JPG,
    }
    for submission in bot.submissions():
        assert submission.sha256 == hashlib.sha256(stored[submission.filename]).hexdigest()
        assert submission.uploaded_by == police.id
    assert {s.match_method for s in bot.submissions()} == {"auto", "chosen"}
