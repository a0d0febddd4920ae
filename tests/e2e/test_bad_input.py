"""Things people send that are not what the bot expects, and a Bot API that misbehaves."""

from __future__ import annotations

from pathlib import Path

from bot.db import Database
from tests.conftest import import_workbook
from tests.e2e.conftest import REPLY_TIMEOUT, Bot, BotFactory, button_texts, text_of
from tests.e2e.workbooks import generated_workbook, unit_names
from tests.fixtures.office_files import docx_data, pdf_data, xlsx_data, xlsx_with_media

CASES_XLSX = xlsx_data("行政案件")
JUNK = pdf_data("scanned")
UNSUPPORTED = "我只能处理文字和文件（Word、Excel、PDF、图片、压缩包）。发送 /help 查看用法。"


def send_each_unsupported_kind(bot: Bot, user, chat) -> None:  # type: ignore[no-untyped-def]
    bot.emu.send_sticker(user, chat)
    bot.emu.send_voice(user, chat)
    bot.emu.send_location(user, chat)
    bot.emu.send_contact(user, chat)


async def test_stickers_voice_locations_and_contacts_in_private_get_a_hint(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    send_each_unsupported_kind(bot, police, police)
    replies = await bot.emu.wait_for_messages(police, 4, timeout=REPLY_TIMEOUT)
    assert [r.plain_text for r in replies] == [UNSUPPORTED] * 4


async def test_stickers_voice_locations_and_contacts_in_groups_get_no_reply(bot: Bot) -> None:
    member = bot.person("群成员")
    bound = await bot.group("公安局工作群", [member], bind="公安局")
    unbound = await bot.group("闲聊群", [member])
    send_each_unsupported_kind(bot, member, bound)
    send_each_unsupported_kind(bot, member, unbound)
    assert await bot.silence(bound) == []
    assert await bot.silence(unbound) == []
    assert bot.submissions() == []


async def test_an_edited_message_is_not_processed_again(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    question = bot.emu.send_text(police, police, "/owe")
    await bot.emu.wait_for_messages(police, timeout=REPLY_TIMEOUT)
    bot.emu.edit_text(police, question, "还差什么")
    [reply] = await bot.emu.wait_for_messages(police, timeout=REPLY_TIMEOUT)
    assert reply.plain_text == "修改后的消息不会重新处理；如需重新报送，请重新发送文件。"

    group = await bot.group("公安局工作群", [police], bind="公安局")
    said = bot.emu.send_text(police, group, "大家好")
    bot.emu.edit_text(police, said, "/owe")
    assert await bot.silence(group) == []


async def test_a_forwarded_file_is_filed_like_any_other(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    colleague = bot.person("同事")
    reply = await bot.upload(
        police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX, forward_from=colleague
    )
    assert reply.plain_text.startswith("✅ 已登记到 指标4")
    [submission] = bot.submissions()
    assert submission.uploaded_by == police.id
    assert bot.stored_bytes(submission) == CASES_XLSX


async def test_an_empty_file_is_refused_and_nothing_is_stored(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    reply = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", b"")
    assert (
        reply.plain_text
        == "文件“侵犯知识产权行政案件信息表.xlsx”是空的（0 字节），请检查后重新发送。"
    )
    assert bot.submissions() == []
    assert bot.emu.calls_to("getFile") == []


async def test_a_file_over_20_mb_is_refused_with_advice_and_never_downloaded(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    big = b"\0" * (21 * 1024 * 1024)
    reply = await bot.upload(police, police, "执法专项行动影像资料.zip", big)
    assert "有 21.0 MB，超过了 20 MB 的上限" in reply.plain_text
    assert "压缩或拆分" in reply.plain_text
    assert bot.emu.calls_to("getFile") == []
    assert bot.submissions() == []
    stored = [p for p in (bot.settings.storage_dir).rglob("*") if p.is_file()]
    assert stored == []


async def test_with_a_local_bot_api_server_a_file_over_20_mb_is_filed_from_its_disk(
    seeded: Database, start_bot: BotFactory
) -> None:
    bot = await start_bot(seeded, telegram_local_mode=True)
    await bot.add_coordinator()
    police = await bot.add_contact("公安局")
    big = xlsx_with_media(21 * 1024 * 1024)
    reply = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", big)
    assert reply.plain_text.startswith("✅ 已登记到 指标4")
    assert "21.0 MB" in reply.plain_text
    [submission] = bot.submissions()
    assert bot.stored_bytes(submission) == big
    assert bot.emu.calls_to("getFile")
    assert bot.emu.stats.downloads == 0  # the server's own copy on this disk was stored


async def test_a_file_shared_in_the_coordinator_group_is_left_alone_and_never_downloaded(
    bot: Bot,
) -> None:
    clerk = bot.person("协调组文员")
    group = await bot.group("迎检协调组", [clerk], bind="协调组")
    bot.emu.send_document(clerk, group, "会议纪要.docx", JUNK)
    assert await bot.silence(group) == []
    assert bot.emu.calls_to("getFile") == []
    assert bot.submissions() == []


async def test_an_executable_is_refused(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    reply = await bot.upload(police, police, "案件信息表.exe", b"MZ\x90\x00" * 64)
    assert reply.plain_text.startswith("不接收这种类型的文件（案件信息表.exe）")
    assert bot.emu.calls_to("getFile") == []
    assert bot.submissions() == []


async def test_a_document_without_a_file_name_is_judged_by_its_mime_type(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    bot.emu.send_document(police, police, None, JUNK, mime_type="application/pdf")  # type: ignore[arg-type]
    [question] = await bot.emu.wait_for_messages(police, timeout=REPLY_TIMEOUT)
    assert question.plain_text.startswith("📎 document_")
    assert ".pdf\n这份材料属于哪一项指标" in question.plain_text


async def test_html_in_names_is_shown_literally(bot: Bot) -> None:
    token = await bot.invite_link("公安局")
    odd = bot.person("a<b & c>")
    greeting = text_of(await bot.say(odd, odd, f"/start {token}"))
    assert greeting.startswith("欢迎，a<b & c>！")
    question = await bot.upload(odd, odd, "<b>报告</b>.pdf", JUNK)
    assert question.plain_text.startswith("📎 _b_报告__b_.pdf")
    coordinator = bot.coordinator
    assert coordinator is not None
    [unknown] = await bot.say(coordinator, coordinator, "/owe <b>x")
    assert unknown.plain_text.startswith("找不到单位“<b>x”")
    assert bot.emu.stats.errors == 0


async def test_a_forged_button_payload_gets_a_short_answer_not_silence(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    question = await bot.upload(police, police, "扫描件.pdf", JUNK)
    for data in ("p:999:4", "w:999", "p:notanumber:4"):
        bot.emu.push_update(
            "callback_query",
            {
                "id": str(len(data)) + data,
                "from": police.to_api(),
                "message": question.to_api(),
                "chat_instance": "1",
                "data": data,
            },
        )
    replies = await bot.emu.wait_for_messages(police, 3, timeout=REPLY_TIMEOUT)
    # The presses are handled concurrently: the malformed one needs no database and may be
    # answered before the other two.
    answers = [r.plain_text for r in replies]
    assert answers.count("这个选择已经处理过了。") == 2
    assert [a for a in answers if a.startswith("抱歉，处理时出了点问题")] != []
    assert bot.submissions() == []


async def test_names_with_path_separators_or_control_characters_are_stored_safely(
    bot: Bot, tmp_path: Path
) -> None:
    police = await bot.add_contact("公安局")
    climbing = await bot.upload(police, police, "../../etc/passwd.docx", docx_data("passwd"))
    assert climbing.plain_text.startswith("📎 etc_passwd.docx\n")
    await bot.press(police, climbing, 0)
    belled = await bot.upload(police, police, "a\x07b.pdf", JUNK + b"2")
    assert belled.plain_text.startswith("📎 ab.pdf\n")
    await bot.press(police, belled, 0)
    assert sorted(s.filename for s in bot.submissions()) == ["ab.pdf", "etc_passwd.docx"]
    root = bot.settings.storage_dir
    files = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    assert len(files) == 2
    assert all(len(p.parts) == 3 and len(p.name) == 64 for p in files)  # ab/cd/<sha256>
    assert not (tmp_path / "etc").exists()


async def test_a_4096_character_text_gets_an_ordinary_reply(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    [hint] = await bot.say(police, police, "啊" * 4096)
    assert "发送 /owe 查看还差哪些材料" in hint.plain_text
    owed = text_of(await bot.say(police, police, "还差什么" + "？" * 4092))
    assert "还需报送 3 项" in owed
    stranger = bot.person("路人")
    [who] = await bot.say(stranger, stranger, "啊" * 4096)
    assert "还没有登记所属单位" in who.plain_text


async def test_unknown_commands_are_answered_in_private_and_in_groups_only_when_addressed(
    bot: Bot,
) -> None:
    police = await bot.add_contact("公安局")
    [private] = await bot.say(police, police, "/foo")
    assert private.plain_text == "未知命令：/foo。发送 /help 查看可用命令。"
    group = await bot.group("公安局工作群", [police], bind="公安局")
    bot.emu.send_text(police, group, "/foo")
    bot.emu.send_text(police, group, "/owe@some_other_bot")
    assert await bot.silence(group) == []
    [addressed] = await bot.say(police, group, "/foo@yingjian_bot")
    assert addressed.plain_text == "未知命令：/foo@yingjian_bot。发送 /help 查看可用命令。"
    owed = text_of(await bot.say(police, group, "/owe@yingjian_bot"))
    assert "【公安局】" in owed


async def test_a_429_with_retry_after_is_waited_out_and_the_reply_arrives(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    before = len(bot.emu.calls_to("sendMessage"))
    bot.emu.fail_next("sendMessage", 429, retry_after=1, chat_id=police.id)
    owed = text_of(await bot.say(police, police, "/owe"))
    assert "还需报送 3 项" in owed
    assert len(bot.emu.calls_to("sendMessage")) - before == 2
    assert bot.emu.stats.too_many_requests == 1


async def test_a_502_from_the_bot_api_is_retried_and_the_reply_arrives(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    bot.emu.fail_next("sendMessage", 502, chat_id=police.id)
    owed = text_of(await bot.say(police, police, "/owe"))
    assert "还需报送 3 项" in owed
    assert len(bot.emu.messages_in(police)) == len(
        {m.message_id for m in bot.emu.messages_in(police)}
    )


async def test_a_dropped_connection_before_sending_is_retried(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    bot.emu.fail_next("sendMessage", drop=True, chat_id=police.id)
    receipt = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert receipt.plain_text.startswith("✅ 已登记到 指标4")
    assert await bot.silence(police) == []  # exactly one receipt


async def test_a_server_error_on_get_file_is_retried_and_the_file_is_filed(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    bot.emu.fail_next("getFile", 500)
    receipt = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert receipt.plain_text.startswith("✅ 已登记到 指标4")
    [submission] = bot.submissions()
    assert bot.stored_bytes(submission) == CASES_XLSX


async def test_a_failed_download_is_reported_and_leaves_no_submission(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    bot.emu.fail_next("getFile", 400, description="Bad Request: file is temporarily unavailable")
    reply = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert reply.plain_text == "文件“侵犯知识产权行政案件信息表.xlsx”下载失败，请稍后重新发送。"
    assert bot.submissions() == []
    # Sent again, it goes through.
    again = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert again.plain_text.startswith("✅ 已登记到 指标4")


async def test_long_owe_and_summary_replies_are_split_under_4096_characters(
    database: Database, start_bot: BotFactory, tmp_path: Path
) -> None:
    workbook = generated_workbook(
        tmp_path / "big.xlsx", units=30, indicators=60, material_chars=120
    )
    import_workbook(database, workbook, code="big")
    bot = await start_bot(database)
    coordinator = await bot.add_coordinator()
    unit = unit_names(1)[0]
    contact = await bot.add_contact(unit)

    bot.emu.send_text(contact, contact, "/owe")
    owed = await bot.emu.wait_for(
        lambda: (sent := bot.emu.messages_in(contact)) and "指标60" in sent[-1].shown_text and sent,
        timeout=REPLY_TIMEOUT,
    )
    owe_parts = [m for m in owed if "指标" in m.shown_text]
    assert len(owe_parts) >= 2
    assert "还需报送 60 项（共 60 项）" in text_of(owe_parts)

    bot.emu.send_text(coordinator, coordinator, "/summary")
    sent = await bot.emu.wait_for(
        lambda: (found := bot.emu.messages_in(coordinator)) and found[-1].document and found,
        timeout=REPLY_TIMEOUT,
    )
    summary_parts = [m for m in sent if m.document is None and "/60" in m.shown_text]
    assert len(summary_parts) >= 2
    assert sum(text_of(summary_parts).count(f"{name} 0/60") for name in unit_names(30)) == 30

    texts = [str(c.params.get("text", "")) for c in bot.emu.calls_to("sendMessage")]
    assert max(len(t) for t in texts) <= 4096
    assert all(len(m.shown_text) <= 4096 for m in bot.emu.messages_in(contact))
    assert bot.emu.stats.errors == 0  # never "message is too long"
    assert button_texts(sent[-1]) == []
