"""收一次，用多处 through the emulator: one 工作总结.docx for indicators 4 and 5, stored once."""

from __future__ import annotations

import io
import zipfile

from tests.e2e.conftest import REPLY_TIMEOUT, Bot, button_texts, text_of
from tests.fixtures.office_files import docx_data

REPORT = docx_data("公安局 2023年工作总结")


async def test_one_report_linked_to_two_indicators_appears_twice_in_the_export_stored_once(
    bot: Bot,
) -> None:
    emu, coordinator = bot.emu, bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局")

    # 工作总结.docx says nothing about an indicator: the contact picks 4.
    question = await bot.upload(police, police, "工作总结.docx", REPORT)
    [four] = [label for label in button_texts(question) if label.startswith("4.")]
    receipt = await bot.press(police, question, four)
    assert receipt.plain_text.startswith("✅ 已按您的选择登记到 指标4")
    assert button_texts(receipt) == ["改归类", "撤回", "也用于…"]

    # [也用于…]: a new message lists the unit's other owed indicators; the receipt stays.
    offer = await bot.press(police, receipt, "也用于…")
    assert offer is not receipt
    assert offer.plain_text == (
        "“工作总结.docx”（已登记到 指标4）还可以同时用于哪一项指标？同一文件只存一份。"
    )
    assert [label.split(".")[0] for label in button_texts(offer)] == ["5", "7"]
    assert button_texts(receipt) == ["改归类", "撤回", "也用于…"]

    [five] = [label for label in button_texts(offer) if label.startswith("5.")]
    done = await bot.press(police, offer, five)
    assert done is offer
    assert offer.plain_text.startswith("🔗 “工作总结.docx”也已登记到 指标5")
    assert "（与 指标4 共用同一文件）" in offer.plain_text
    assert "公安局 还需报送 1 项：7." in offer.plain_text

    # Both obligations are delivered; only 7 is owed.
    owed = text_of(await bot.say(police, police, "/owe"))
    assert "还需报送 1 项（共 3 项）" in owed
    assert owed.count("《工作总结.docx》") == 2

    # Two submissions, one stored file.
    first, second = bot.submissions()
    assert (second.link_of, second.match_method) == (first.id, "linked")
    assert second.storage_key == first.storage_key
    assert len(list(bot.runtime.store.blobs())) == 1

    # The coordinator's export holds it under 4 and under 5.
    emu.send_text(coordinator, coordinator, "/export")
    messages = await emu.wait_for(
        lambda: (found := emu.messages_in(coordinator)) and found[-1].document and found,
        timeout=REPLY_TIMEOUT,
        description="the export package",
    )
    with zipfile.ZipFile(io.BytesIO(messages[-1].data)) as archive:
        reports = sorted(n for n in archive.namelist() if n.endswith("工作总结.docx"))
        assert {archive.read(name) for name in reports} == {REPORT}
    assert [name.split("/")[1].split(".")[0] for name in reports] == ["4", "5"]


async def test_a_coordinator_links_a_submission_with_the_link_command(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局")
    receipt = await bot.upload(police, police, "工作总结.docx", REPORT, caption="指标4")
    assert receipt.plain_text.startswith("✅ 已登记到 指标4")
    [submission] = bot.submissions()

    [usage] = await bot.say(coordinator, coordinator, "/link 5")
    assert usage.plain_text.startswith("用法：/link 材料编号 指标编号")
    [reply] = await bot.say(coordinator, coordinator, f"/link {submission.id} 7")

    assert reply.plain_text.startswith("🔗 “工作总结.docx”也已登记到 指标7")
    [refused] = await bot.say(coordinator, coordinator, f"/link {submission.id} 7")
    assert refused.plain_text == "“工作总结.docx”已经登记在 指标7 了。"
    [unit_tries] = await bot.say(police, police, f"/link {submission.id} 1")
    assert unit_tries.plain_text == "公安局 没有指标1（本单位的指标：4、5、7）。"
    assert [s.link_of for s in bot.submissions()] == [None, submission.id]
