"""Issue 12's "Done when" for /import in chat, through the emulator: an edited task table is
previewed, nothing changes until 确认导入, then /summary shows it."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from emulator import EmuMessage, EmuUser
from tests.conftest import SEED_WORKBOOK, import_workbook
from tests.e2e.conftest import REPLY_TIMEOUT, Bot, button_texts, text_of
from tests.fixtures.office_files import pdf_data
from tests.workbooks import seed_with_indicator_added

EDITED_NAME = "永宁县任务分工表（增加指标8）.xlsx"


def edited_table(tmp_path: Path) -> bytes:
    return seed_with_indicator_added(tmp_path / "edited.xlsx", SEED_WORKBOOK).read_bytes()


async def summary_of(bot: Bot, coordinator: EmuUser) -> str:
    """/summary: its text (the Excel summary follows it)."""
    mark = bot.emu.mark()
    bot.emu.send_text(coordinator, coordinator, "/summary")
    sent = await bot.emu.wait_for(
        lambda: (
            (found := bot.emu.messages_in(coordinator, after=mark)) and found[-1].document and found
        ),
        timeout=REPLY_TIMEOUT,
    )
    await bot.emu.wait_for_messages(coordinator, len(sent), timeout=0)  # past them
    return text_of([m for m in sent if m.document is None])


async def send_table(bot: Bot, user: EmuUser, name: str, data: bytes) -> EmuMessage:
    return await bot.upload(user, user, name, data, caption="/import")


async def test_an_edited_table_is_previewed_and_applied_only_on_confirmation(
    bot: Bot, tmp_path: Path
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None

    preview = await send_table(bot, coordinator, EDITED_NAME, edited_table(tmp_path))

    shown = preview.plain_text
    assert "将更新活动 yongning-ip-2023" in shown, shown
    assert "新增指标：8. 知识产权纠纷多元化解情况（司法局、市场监管局）" in shown
    assert "新单位：司法局" in shown
    assert "导入后：5 个指标组，8 项指标，8 个单位，21 项任务。" in shown
    assert button_texts(preview) == ["确认导入", "取消"]
    assert len(bot.emu.calls_to("getFile")) == 1
    assert "已报送 0/19" in await summary_of(bot, coordinator)

    await bot.restart()  # the pending import is in the database, not in memory
    assert "已报送 0/19" in await summary_of(bot, coordinator)

    done = await bot.press(coordinator, preview, "确认导入")

    assert done is preview
    assert done.plain_text.startswith(f"✅ 已导入“{EDITED_NAME}”。"), done.plain_text
    assert "新增指标：8. 知识产权纠纷多元化解情况" in done.plain_text
    assert button_texts(done) == []
    summary = await summary_of(bot, coordinator)
    assert "已报送 0/21" in summary
    assert "司法局 0/1" in summary
    assert bot.submissions() == []

    # The next `make run` imports data/campaigns/ again: the older seed file is left alone.
    import_workbook(bot.db, SEED_WORKBOOK)
    await bot.restart()
    assert "已报送 0/21" in await summary_of(bot, coordinator)


async def test_a_second_press_is_told_the_table_was_already_handled(
    bot: Bot, tmp_path: Path
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    preview = await send_table(bot, coordinator, EDITED_NAME, edited_table(tmp_path))

    # Pressed twice before the first press's answer arrives, then 取消 as well.
    bot.emu.press_button(coordinator, preview, "确认导入")
    bot.emu.press_button(coordinator, preview, "确认导入")
    bot.emu.press_button(coordinator, preview, "取消")
    said = await bot.emu.wait_for_messages(coordinator, 2, timeout=REPLY_TIMEOUT)

    assert preview.plain_text.startswith("✅ 已导入")
    assert [m.plain_text for m in said] == [f"“{EDITED_NAME}”已经导入，这个按钮不再有效。"] * 2
    assert "已报送 0/21" in await summary_of(bot, coordinator)


async def test_cancel_imports_nothing(bot: Bot, tmp_path: Path) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    preview = await send_table(bot, coordinator, EDITED_NAME, edited_table(tmp_path))

    cancelled = await bot.press(coordinator, preview, "取消")

    assert cancelled.plain_text == f"已取消：“{EDITED_NAME}”未导入，活动没有任何修改。"
    assert "已报送 0/19" in await summary_of(bot, coordinator)


async def test_import_in_reply_to_a_table_sent_before(bot: Bot, tmp_path: Path) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    sent = bot.emu.send_document(coordinator, coordinator, EDITED_NAME, edited_table(tmp_path))
    await bot.silence(coordinator)  # whatever the upload path said about a bare file

    bot.emu.send_text(coordinator, coordinator, "/import", reply_to=sent)
    [preview] = await bot.emu.wait_for_messages(coordinator, timeout=REPLY_TIMEOUT)

    assert "新增指标：8. 知识产权纠纷多元化解情况" in preview.plain_text
    assert button_texts(preview) == ["确认导入", "取消"]
    [hint] = await bot.say(coordinator, coordinator, "/import")
    assert hint.plain_text == texts.IMPORT_CHAT_NO_FILE


async def test_an_unchanged_table_is_said_to_be_unchanged(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    reply = await send_table(bot, coordinator, SEED_WORKBOOK.name, SEED_WORKBOOK.read_bytes())
    assert "完全相同，无需导入" in reply.plain_text
    assert button_texts(reply) == []


async def test_a_file_that_is_not_a_workbook_gets_the_importers_message(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None

    reply = await send_table(bot, coordinator, "任务分工表.pdf", pdf_data("不是表格"))

    assert (
        reply.plain_text
        == "“任务分工表.pdf”不是 Excel 工作簿（.xlsx），请导入 .xlsx 格式的任务分工表。"
    )
    assert button_texts(reply) == []
    assert "已报送 0/19" in await summary_of(bot, coordinator)


async def test_a_contact_sending_a_table_with_import_is_refused_and_nothing_is_filed(
    bot: Bot, tmp_path: Path
) -> None:
    police = await bot.add_contact("公安局")

    reply = await send_table(bot, police, EDITED_NAME, edited_table(tmp_path))

    assert reply.plain_text == texts.IMPORT_CHAT_COORDINATORS_ONLY
    assert button_texts(reply) == []
    assert bot.submissions() == []
    assert bot.emu.calls_to("getFile") == []  # not even downloaded
