"""Onboarding, owe, uploads and their buttons, and refusals: several people, chats and groups."""

from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.db import Database
from bot.models import InboxUpdate
from tests.e2e.conftest import REPLY_TIMEOUT, Bot, BotFactory, button_texts, text_of
from tests.fixtures.office_files import docx_data, pdf_data, xlsx_data
from tests.forward_proxy import forward_proxy

CASES_XLSX = xlsx_data("行政案件")
OPINION_XLSX = xlsx_data("舆情")
JUNK = pdf_data("scanned page")


# ----- onboarding -------------------------------------------------------------------------


async def test_a_stranger_who_starts_without_an_invite_is_told_how_to_get_one(bot: Bot) -> None:
    stranger = bot.person("路人")
    [reply] = await bot.say(stranger, stranger, "/start")
    assert "还没有登记所属单位" in reply.plain_text
    assert "邀请链接" in reply.plain_text


async def test_an_unknown_a_used_and_an_expired_invite_are_each_explained(bot: Bot) -> None:
    stranger = bot.person("路人")
    [unknown] = await bot.say(stranger, stranger, "/start not-a-real-token")
    assert unknown.plain_text == "邀请链接无效。请向协调人重新索取。"

    token = await bot.invite_link("公安局")
    first = bot.person("李警官")
    await bot.say(first, first, f"/start {token}")
    [used] = await bot.say(stranger, stranger, f"/start {token}")
    assert "已经被使用过了" in used.plain_text
    # The person who used it may tap it again: greeted, not refused.
    again = text_of(await bot.say(first, first, f"/start {token}"))
    assert "【公安局】" in again

    old = await bot.invite_link("文旅局")
    bot.clock.advance(hours=73)  # invites live 72 hours
    [expired] = await bot.say(stranger, stranger, f"/start {old}")
    assert "已过期" in expired.plain_text
    [still_stranger] = await bot.say(stranger, stranger, "/owe")
    assert "还没有登记所属单位" in still_stranger.plain_text


async def test_a_registered_contact_who_starts_again_is_reminded_of_their_unit(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    [reply] = await bot.say(police, police, "/start")
    assert "您已登记为【公安局】的联系人" in reply.plain_text


async def test_a_coordinator_can_invite_another_coordinator_who_then_sees_the_summary(
    bot: Bot,
) -> None:
    token = await bot.invite_link("协调人")
    deputy = bot.person("副协调员")
    [welcome] = await bot.say(deputy, deputy, f"/start {token}")
    assert "您已登记为协调人" in welcome.plain_text
    bot.emu.send_text(deputy, deputy, "/summary")
    messages = await bot.emu.wait_for(
        lambda: (sent := bot.emu.messages_in(deputy)) and sent[-1].document and sent,
        timeout=REPLY_TIMEOUT,
    )
    assert "已报送 0/19" in text_of(messages)


async def test_a_contact_may_not_see_the_summary_nor_create_invites(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    [summary] = await bot.say(police, police, "/summary")
    assert summary.plain_text == texts.SUMMARY_REFUSED
    [invite] = await bot.say(police, police, "/invite 文旅局")
    assert invite.plain_text == "抱歉，这个命令只有协调人可以使用。"
    assert "start=" not in text_of(bot.emu.messages_in(police))


async def test_invite_for_a_unit_that_does_not_exist_is_explained(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    [reply] = await bot.say(coordinator, coordinator, "/invite 气象局")
    assert "找不到单位“气象局”" in reply.plain_text
    [usage] = await bot.say(coordinator, coordinator, "/invite")
    assert usage.plain_text.startswith("用法：/invite 单位名称")


# ----- groups ---------------------------------------------------------------------------


async def test_any_member_of_a_bound_unit_group_uploads_for_its_unit_and_owe_answers_for_it(
    bot: Bot,
) -> None:
    clerk = bot.person("内勤小王")  # never registered: membership of the bound group is enough
    group = await bot.group("公安局工作群", [clerk], bind="公安局")
    receipt = await bot.upload(clerk, group, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert receipt.plain_text.startswith("✅ 已登记到 指标4")
    assert "公安局 还需报送 2 项" in receipt.plain_text

    owed = text_of(await bot.say(clerk, group, "/owe"))
    assert "【公安局】" in owed
    assert "还需报送 2 项（共 3 项）" in owed
    assert "指标5" in owed
    assert "指标7" in owed
    asked = text_of(await bot.say(clerk, group, "我们交齐了吗"))
    assert "还需报送 2 项（共 3 项）" in asked
    # Chatter in a group is left alone.
    bot.emu.send_text(clerk, group, "收到，下午开会")
    assert await bot.silence(group) == []
    [submission] = bot.submissions()
    assert submission.uploaded_by == clerk.id
    assert submission.chat_id == group.id


async def test_bind_by_someone_who_is_not_a_coordinator_is_refused(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    group = await bot.group("公安局工作群", [police])
    [refused] = await bot.say(police, group, "/bind 公安局")
    assert refused.plain_text == "抱歉，这个命令只有协调人可以使用。"
    [unbound] = await bot.say(police, group, "/owe")
    assert "本群还没有绑定单位" in unbound.plain_text


async def test_bind_with_an_ambiguous_name_offers_the_units_as_buttons(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    group = await bot.group("文旅工作群", [])
    [choose] = await bot.say(coordinator, group, "/bind 县局")
    assert choose.plain_text == "“县局”对应哪个单位？"
    assert set(button_texts(choose)) >= {"公安局", "财政局", "文旅局"}
    done = await bot.press(coordinator, choose, "文旅局")
    assert done.plain_text.startswith("本群已绑定【文旅局】")
    owed = text_of(await bot.say(coordinator, group, "/owe"))
    assert "【文旅局】" in owed


async def test_a_non_coordinator_pressing_a_bind_button_is_refused(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    member = bot.person("群成员")
    group = await bot.group("某局工作群", [member])
    [choose] = await bot.say(coordinator, group, "/bind 县局")
    refused = await bot.press(member, choose, "公安局")
    assert refused.plain_text == "抱歉，这个命令只有协调人可以使用。"
    [unbound] = await bot.say(member, group, "/owe")
    assert "本群还没有绑定单位" in unbound.plain_text


async def test_bind_with_a_typo_asks_to_confirm_and_an_unknown_name_is_explained(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    group = await bot.group("公安工作群", [])
    [confirm] = await bot.say(coordinator, group, "/bind 公按局")
    assert button_texts(confirm) == ["公安局"]
    [unknown] = await bot.say(coordinator, group, "/bind 气象台")
    assert "找不到单位“气象台”" in unknown.plain_text
    [usage] = await bot.say(coordinator, group, "/bind")
    assert usage.plain_text.startswith("用法：/bind 单位名称")
    [private] = await bot.say(coordinator, coordinator, "/bind 公安局")
    assert private.plain_text == "请在要绑定的群里发送 /bind。"


async def test_unbind_forgets_the_group_and_a_second_unbind_says_there_was_nothing(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    member = bot.person("群成员")
    group = await bot.group("财政局工作群", [member], bind="财政局")
    [refused] = await bot.say(member, group, "/unbind")
    assert refused.plain_text == "抱歉，这个命令只有协调人可以使用。"
    [done] = await bot.say(coordinator, group, "/unbind")
    assert done.plain_text == "本群已解除绑定。"
    [nothing] = await bot.say(coordinator, group, "/unbind")
    assert nothing.plain_text == "本群没有绑定任何单位。"
    [unbound] = await bot.say(member, group, "还差什么")
    assert "本群还没有绑定单位" in unbound.plain_text


async def test_a_file_in_an_unbound_group_is_not_filed_and_the_group_is_told_why(
    bot: Bot,
) -> None:
    member = bot.person("群成员")
    group = await bot.group("某工作群", [member])
    reply = await bot.upload(member, group, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert (
        reply.plain_text == "本群还没有绑定单位，无法登记材料。请协调人在群里发送 /bind 单位名称。"
    )
    assert bot.submissions() == []


async def test_a_non_coordinator_asking_for_the_summary_in_a_unit_group_is_refused(
    bot: Bot,
) -> None:
    police = await bot.add_contact("公安局")
    group = await bot.group("公安局工作群", [police], bind="公安局")
    [refused] = await bot.say(police, group, "/summary")
    assert refused.plain_text == texts.SUMMARY_REFUSED


async def test_a_member_of_the_coordinator_group_who_is_no_coordinator_gets_no_summary(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    clerk = bot.person("办公室文员")
    group = await bot.group("迎检协调组", [clerk], bind="协调组")
    [refused] = await bot.say(clerk, group, "/summary")
    assert refused.plain_text == texts.SUMMARY_REFUSED
    summary, _workbook = await bot.say(coordinator, group, "/summary", count=2)
    assert "材料报送进度" in summary.plain_text


# ----- owe ------------------------------------------------------------------------------


async def test_a_coordinator_without_a_unit_gets_a_pick_list_and_pressing_shows_that_unit(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    [pick] = await bot.say(coordinator, coordinator, "/owe")
    assert pick.plain_text == "要查看哪个单位？"
    assert set(button_texts(pick)) == {
        "县人民政府",
        "县委宣传部",
        "县人民法院",
        "公安局",
        "财政局",
        "文旅局",
        "市场监管局",
    }
    court = await bot.press(coordinator, pick, "县人民法院")
    assert "【县人民法院】" in court.plain_text
    assert "还需报送 1 项（共 1 项）" in court.plain_text
    named = text_of(await bot.say(coordinator, coordinator, "/owe 县法院"))
    assert "【县人民法院】" in named


async def test_a_contact_naming_another_unit_still_sees_only_their_own(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    owed = text_of(await bot.say(police, police, "/owe 市场监管局"))
    assert "【公安局】" in owed
    assert "市场监管局】" not in owed


async def test_free_text_that_is_not_a_question_gets_a_hint_in_private(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    [hint] = await bot.say(police, police, "你好")
    assert "发送 /owe 查看还差哪些材料" in hint.plain_text
    stranger = bot.person("路人")
    [who] = await bot.say(stranger, stranger, "你好")
    assert "还没有登记所属单位" in who.plain_text


async def test_help_explains_the_commands(bot: Bot) -> None:
    stranger = bot.person("路人")
    [reply] = await bot.say(stranger, stranger, "/help")
    for command in ("/owe", "/summary", "/invite", "/bind", "20 MB"):
        assert command in reply.plain_text


# ----- uploads ------------------------------------------------------------------------------


async def test_a_stranger_sending_a_file_in_private_is_told_to_register_first(bot: Bot) -> None:
    stranger = bot.person("路人")
    await bot.say(stranger, stranger, "/start")
    reply = await bot.upload(stranger, stranger, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert "还没有登记所属单位，暂时不能报送材料" in reply.plain_text
    assert bot.submissions() == []


async def test_the_same_file_twice_is_recognised_as_already_submitted(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    again = await bot.upload(police, police, "案件信息表（再发一次）.xlsx", CASES_XLSX)
    assert again.plain_text.startswith("这个文件已经在 2023-10-15 10:00 报送过了")
    assert "指标4" in again.plain_text
    assert "第 1 版" in again.plain_text
    assert len(bot.submissions()) == 1


async def test_a_file_for_an_indicator_the_unit_does_not_owe_offers_its_own(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    offer = await bot.upload(police, police, "舆情信息表.xlsx", OPINION_XLSX)
    assert "指标2 宣传培训情况 的材料，但公安局不负责这一项" in offer.plain_text
    labels = button_texts(offer)
    assert [label.split(".")[0] for label in labels[:-1]] == ["4", "5", "7"]
    assert labels[-1] == "取消"
    assert bot.submissions() == []
    filed = await bot.press(police, offer, labels[2])
    assert filed.plain_text.startswith("✅ 已按您的选择登记到 指标7")
    [submission] = bot.submissions()
    assert submission.filename == "舆情信息表.xlsx"


async def test_all_indicators_lists_every_owed_one_and_cancel_files_nothing(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    question = await bot.upload(police, police, "扫描件001.pdf", JUNK)
    assert "这份材料属于哪一项指标" in question.plain_text
    await bot.press(police, question, "全部指标")
    assert question.plain_text == "📎 扫描件001.pdf\n请选择指标："
    labels = button_texts(question)
    assert [label.split(".")[0] for label in labels[:-1]] == ["4", "5", "7"]
    assert "全部指标" not in labels
    await bot.press(police, question, "取消")
    assert question.plain_text == "已取消，文件“扫描件001.pdf”未登记。"
    assert question.buttons == []
    assert bot.submissions() == []


async def test_withdraw_and_reclassify_under_a_receipt(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    receipt = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    await bot.press(police, receipt, "改归类")
    assert receipt.plain_text == "“侵犯知识产权行政案件信息表.xlsx”应归到哪一项指标？"
    labels = button_texts(receipt)
    assert [label.split(".")[0] for label in labels] == ["5", "7"]
    await bot.press(police, receipt, labels[1])
    assert receipt.plain_text.startswith(
        "已改归类：“侵犯知识产权行政案件信息表.xlsx”从 指标4 改到 指标7"
    )
    assert button_texts(receipt) == ["改归类", "撤回", "也用于…"]
    owed = text_of(await bot.say(police, police, "/owe"))
    assert "还需报送 2 项" in owed
    assert "✅" not in owed.split("已报送：")[0]
    assert "⏳ 指标7" in owed

    await bot.press(police, receipt, "撤回")
    assert receipt.plain_text == "已撤回“侵犯知识产权行政案件信息表.xlsx”（指标7）。"
    assert receipt.buttons == []
    assert bot.submissions() == []
    owed = text_of(await bot.say(police, police, "/owe"))
    assert "还需报送 3 项（共 3 项）" in owed
    # Withdrawn, the same file may be sent again and is filed anew.
    refiled = await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    assert refiled.plain_text.startswith("✅ 已登记到 指标4")


async def test_a_media_group_of_two_documents_gets_each_confirmed(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    bot.emu.send_document(
        police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX, media_group_id="album1"
    )
    bot.emu.send_document(
        police, police, "知识产权保护专项行动总结.docx", docx_data("总结"), media_group_id="album1"
    )
    replies = await bot.emu.wait_for_messages(police, 2, timeout=REPLY_TIMEOUT)
    assert len(replies) == 2
    # Each file confirmed once; in either order (updates are handled concurrently).
    for name in ("侵犯知识产权行政案件信息表.xlsx", "知识产权保护专项行动总结.docx"):
        assert sum(name in r.plain_text for r in replies) == 1
    assert len(bot.submissions()) + sum("请选择" in r.plain_text for r in replies) == 2
    assert all(r.buttons for r in replies)


async def test_a_photo_is_asked_about_and_filed_where_the_contact_says(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    photo = b"\xff\xd8\xff\xe0 photo of a meeting " + bytes(range(256))
    bot.emu.send_photo(police, police, photo)
    [question] = await bot.emu.wait_for_messages(police, timeout=REPLY_TIMEOUT)
    assert "这份材料属于哪一项指标" in question.plain_text
    assert "photo_" in question.plain_text
    assert ".jpg" in question.plain_text
    five = next(label for label in button_texts(question) if label.startswith("5."))
    await bot.press(police, question, five)
    assert question.plain_text.startswith("✅ 已按您的选择登记到 指标5")
    [submission] = bot.submissions()
    assert bot.stored_bytes(submission) == photo


async def test_a_stopped_bot_leaves_every_handled_update_marked_handled(bot: Bot) -> None:
    # Marks are written in batches; stopping writes the last batch, so a restart replays none.
    police = await bot.add_contact("公安局")
    await bot.say(police, police, "/owe")
    await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", xlsx_data("cases"))
    await bot.stop()
    with bot.db.uow() as uow:
        rows = uow.session.execute(select(InboxUpdate.update_id, InboxUpdate.handled_at)).all()
    assert len(rows) >= 3  # /start, /owe, the file
    assert [update_id for update_id, handled_at in rows if handled_at is None] == []


async def test_a_restart_between_the_question_and_the_answer_loses_nothing(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    question = await bot.upload(police, police, "扫描件002.pdf", JUNK)
    assert "这份材料属于哪一项指标" in question.plain_text
    await bot.restart()
    seven = next(label for label in button_texts(question) if label.startswith("7."))
    filed = await bot.press(police, question, seven)
    assert filed is question
    assert question.plain_text.startswith("✅ 已按您的选择登记到 指标7")
    [submission] = bot.submissions()
    assert bot.stored_bytes(submission) == JUNK


async def test_a_button_pressed_while_the_bot_was_down_takes_effect_when_it_is_back(
    bot: Bot,
) -> None:
    police = await bot.add_contact("公安局")
    question = await bot.upload(police, police, "扫描件005.pdf", JUNK)
    seven = next(label for label in button_texts(question) if label.startswith("7."))
    await bot.stop()
    bot.emu.press_button(police, question, seven)
    # By the time the bot is back, Telegram no longer accepts an answer to that press.
    bot.emu.fail_next(
        "answerCallbackQuery",
        400,
        description="Bad Request: query is too old and response timeout expired "
        "or query ID is invalid",
    )
    await bot.start()
    await bot.emu.wait_for(
        lambda: question.plain_text.startswith("✅ 已按您的选择登记到 指标7"),
        timeout=REPLY_TIMEOUT,
        description="the receipt",
    )
    assert len(bot.submissions()) == 1
    assert await bot.silence(police) == []  # no "something went wrong"


async def test_messages_sent_while_the_bot_is_down_are_answered_after_it_restarts(
    bot: Bot,
) -> None:
    police = await bot.add_contact("公安局")
    await bot.stop()
    bot.emu.send_text(police, police, "还差什么")
    bot.emu.send_document(police, police, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    await bot.start()
    owed, receipt = await bot.emu.wait_for_messages(police, 2, timeout=REPLY_TIMEOUT)
    assert "还需报送 3 项" in owed.plain_text
    assert receipt.plain_text.startswith("✅ 已登记到 指标4")


async def test_a_button_pressed_twice_is_answered_once_and_the_second_press_is_explained(
    bot: Bot,
) -> None:
    police = await bot.add_contact("公安局")
    question = await bot.upload(police, police, "扫描件003.pdf", JUNK)
    seven = next(label for label in button_texts(question) if label.startswith("7."))
    stale = bot.emu.press_button(police, question, seven)  # a double tap: two queries
    await bot.press(police, question, seven)
    await bot.emu.wait_for(lambda: stale.answered, timeout=REPLY_TIMEOUT)
    replies = await bot.silence(police)
    assert [r.plain_text for r in replies] == ["这个选择已经处理过了。"]
    assert len(bot.submissions()) == 1


async def test_in_a_unit_group_anyone_may_answer_the_question_and_the_uploader_is_kept(
    bot: Bot,
) -> None:
    police = await bot.add_contact("公安局")
    tourism = await bot.add_contact("文旅局")
    group = await bot.group("联合工作群", [police, tourism], bind="公安局")
    question = await bot.upload(police, group, "扫描件004.pdf", JUNK)
    # In the 公安局 group everybody acts for 公安局, so the 文旅局 contact may answer too:
    five = next(label for label in button_texts(question) if label.startswith("5."))
    filed = await bot.press(tourism, question, five)
    assert filed.plain_text.startswith("✅ 已按您的选择登记到 指标5")
    [submission] = bot.submissions()
    assert submission.uploaded_by == police.id  # the uploader is kept, not the button presser


async def test_an_invite_asked_for_in_a_group_is_sent_privately_not_posted(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局")
    group = await bot.group("公安局工作群", [police], bind="公安局")
    [answer] = await bot.say(coordinator, group, "/invite 文旅局")
    assert "已私信发给您" in answer.plain_text
    assert "start=" not in answer.plain_text
    [private] = await bot.emu.wait_for_messages(coordinator)
    assert "https://t.me/yingjian_bot?start=" in private.plain_text


async def test_a_bound_group_upgraded_to_a_supergroup_keeps_its_binding(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    member = bot.emu.add_user("公安局民警")
    basic = bot.emu.add_basic_group("公安局工作群", [coordinator, member])
    [bound] = await bot.say(coordinator, basic, "/bind 公安局")
    assert "已绑定【公安局】" in bound.plain_text

    supergroup = bot.emu.upgrade_to_supergroup(basic, by=coordinator)
    await bot.silence(supergroup)
    [owe] = await bot.say(member, supergroup, "/owe")
    assert "【公安局】" in owe.plain_text
    assert "指标4" in owe.plain_text


async def test_a_reminder_sent_to_a_group_that_just_became_a_supergroup_arrives_there(
    bot: Bot,
) -> None:
    from handlers.jobs import TelegramSender

    coordinator = bot.coordinator
    assert coordinator is not None
    basic = bot.emu.add_basic_group("文旅局工作群", [coordinator])
    supergroup = bot.emu.upgrade_to_supergroup(basic, by=coordinator)
    message_id = await TelegramSender(bot.application.bot).send_html(basic.id, "提醒：材料明日截止")
    [arrived] = await bot.emu.wait_for_messages(supergroup)
    assert arrived.plain_text == "提醒：材料明日截止"
    assert arrived.message_id == message_id


async def test_an_accept_pressed_while_the_bot_was_down_takes_effect_when_it_is_back(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局")
    await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", xlsx_data("cases"))
    [_header, item] = await bot.say(coordinator, coordinator, "/review", count=2)
    await bot.stop()
    bot.emu.press_button(coordinator, item, "通过")
    bot.emu.fail_next(
        "answerCallbackQuery",
        400,
        description="Bad Request: query is too old and response timeout expired "
        "or query ID is invalid",
    )
    await bot.start()
    await bot.emu.wait_for(
        lambda: item.plain_text.startswith("✅ 已通过"), timeout=REPLY_TIMEOUT, description="accept"
    )
    assert await bot.silence(coordinator) == []  # no "something went wrong"


async def test_behind_a_proxy_the_bot_answers_and_files_uploads(
    seeded: Database, start_bot: BotFactory
) -> None:
    async with forward_proxy() as proxy:
        bot = await start_bot(seeded, telegram_proxy=proxy.url)
        await bot.add_coordinator()
        police = await bot.add_contact("公安局")
        [owed] = await bot.say(police, police, "还差什么")
        assert "还需报送 3 项" in owed.plain_text
        receipt = await bot.upload(
            police, police, "侵犯知识产权行政案件信息表.xlsx", xlsx_data("x")
        )
        assert receipt.plain_text.startswith("✅ 已登记到 指标4")
        await bot.stop()
    relayed = {url.rsplit("/", 1)[-1] for url in proxy.relayed}
    assert {"getUpdates", "sendMessage", "getFile"} <= relayed
