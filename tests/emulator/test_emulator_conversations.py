"""A real PTB Application polls the emulator over HTTP; tests assert what people see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from emulator import BotApiEmulator, RateLimits
from emulator.running import running

AppFactory = Callable[..., Any]
Context = ContextTypes.DEFAULT_TYPE


async def reply_echo(update: Update, context: Context) -> None:
    """Echo text back in bold."""
    await update.effective_message.reply_text(
        f"<b>收到</b>：{update.effective_message.text}", parse_mode=ParseMode.HTML
    )


async def offer_review(update: Update, context: Context) -> None:
    """Send a message with two buttons and a link."""
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("通过", callback_data="review:ok"),
                InlineKeyboardButton("退回", callback_data="review:back"),
            ],
            [InlineKeyboardButton("说明", url="https://example.org")],
        ]
    )
    await update.effective_message.reply_text("审核材料 1", reply_markup=keyboard)


async def settle_review(update: Update, context: Context) -> None:
    """Answer the press and edit the message to show the decision."""
    query = update.callback_query
    await query.answer("已处理")
    await query.edit_message_text(f"已{'通过' if query.data == 'review:ok' else '退回'}")


async def test_a_text_message_gets_a_reply(emu: BotApiEmulator, make_app: AppFactory) -> None:
    user = emu.add_user("张三")
    async with running(make_app(MessageHandler(filters.TEXT, reply_echo))):
        emu.send_text(user, user, "还差什么")
        [reply] = await emu.wait_for_messages(user)
    assert reply.plain_text == "收到：还差什么"
    assert reply.text == "<b>收到</b>：还差什么"
    assert emu.pending_updates() == 0


async def test_pressing_a_button_reaches_the_callback_handler_which_edits_the_message(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("协调员")
    app = make_app(CommandHandler("review", offer_review), CallbackQueryHandler(settle_review))
    async with running(app):
        emu.send_text(user, user, "/review")
        [offer] = await emu.wait_for_messages(user)
        assert [b.text for b in offer.buttons] == ["通过", "退回", "说明"]
        query = emu.press_button(user, offer, "退回")
        answer = await emu.wait_for_answer(query)
        await emu.wait_for(lambda: offer.plain_text == "已退回", description="the edit")
    assert answer["text"] == "已处理"
    assert offer.history == ["审核材料 1"]
    assert offer.buttons == []  # an edit without reply_markup drops the keyboard
    assert len(emu.calls_to("answerCallbackQuery")) == 1


def test_a_url_button_cannot_be_pressed() -> None:
    emu = BotApiEmulator(strict_private=False)
    user = emu.add_user("张三")
    markup = {"inline_keyboard": [[{"text": "说明", "url": "https://example.org"}]]}
    message = emu.new_message(
        emu.private_chat(user), emu.bot, text="x", plain_text="x", reply_markup=markup
    )
    emu.store_message(message)
    with pytest.raises(ValueError, match="cannot be pressed"):
        emu.press_button(user, message, 0)


async def test_a_document_sent_by_a_person_downloads_byte_for_byte(
    emu: BotApiEmulator, make_app: AppFactory, tmp_path: Path
) -> None:
    received: list[bytes] = []

    async def download(update: Update, context: Context) -> None:
        file = await context.bot.get_file(update.effective_message.document.file_id)
        target = await file.download_to_drive(tmp_path / "got.pdf")
        received.append(target.read_bytes())
        received.append(bytes(await file.download_as_bytearray()))
        await update.effective_message.reply_text("已收到")

    user = emu.add_user("联络员")
    group = emu.add_group("公安局工作群", [user])
    data = b"%PDF-1.7 " + bytes(range(256)) * 40
    async with running(make_app(MessageHandler(filters.Document.ALL, download))):
        emu.send_document(user, group, "舆情信息表.pdf", data, caption="指标2")
        await emu.wait_for_messages(group)
    assert received == [data, data]


async def test_files_over_20_mb_cannot_be_downloaded_from_the_cloud_api(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("联络员")
    message = emu.send_document(user, user, "big.zip", b"\0" * (20 * 1024 * 1024 + 1))
    async with make_app() as app:
        with pytest.raises(BadRequest, match="File is too big"):
            await app.bot.get_file(message.document.file_id)


async def test_a_local_mode_server_serves_big_files_from_disk(app_for: AppFactory) -> None:
    async with BotApiEmulator(local_mode=True) as local:
        user = local.add_user("联络员")
        data = b"\1" * (20 * 1024 * 1024 + 1)
        message = local.send_document(user, user, "big.zip", data)
        async with app_for(local, local_mode=True) as app:
            file = await app.bot.get_file(message.document.file_id)
            assert Path(file.file_path).is_absolute()
            assert bytes(await file.download_as_bytearray()) == data


async def test_a_document_sent_by_the_bot_is_visible_with_its_bytes(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    group = emu.add_group("协调组", [emu.add_user("协调员")])
    async with make_app() as app:
        await app.bot.send_document(
            group.id,
            InputFile(b"PK\x03\x04zip", filename="汇总.zip"),
            caption="<i>导出</i>",
            parse_mode=ParseMode.HTML,
        )
    sent = emu.last_message(group)
    assert sent is not None
    assert (sent.filename, sent.data, sent.plain_caption) == ("汇总.zip", b"PK\x03\x04zip", "导出")


async def test_an_injected_429_is_waited_out_by_aioratelimiter(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "hi")
    emu.fail_next("sendMessage", error_code=429, retry_after=1)
    async with make_app(rate_limited=True) as app:
        await app.bot.send_message(user.id, "催办")
    assert [m.plain_text for m in emu.messages_in(user)] == ["催办"]
    assert emu.stats.too_many_requests == 1
    assert len(emu.calls_to("sendMessage")) == 2


async def test_a_429_without_a_rate_limiter_raises_retry_after(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "hi")
    emu.fail_next("sendMessage", retry_after=7, chat_id=user.id)
    async with make_app() as app:
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(user.id, "催办")
    assert caught.value.retry_after == dt.timedelta(seconds=7)


async def test_a_server_error_surfaces_as_a_network_error(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "hi")
    emu.fail_next("sendMessage", error_code=502)
    async with make_app() as app:
        with pytest.raises(NetworkError):
            await app.bot.send_message(user.id, "催办")
        await app.bot.send_message(user.id, "again")
    assert [m.plain_text for m in emu.messages_in(user)] == ["again"]


async def test_a_held_request_times_out_on_the_client_although_it_took_effect(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "hi")
    emu.fail_next("sendMessage", timeout=True, applied=True, hold=2)
    async with make_app() as app:
        with pytest.raises(TimedOut):
            await app.bot.send_message(user.id, "提醒", read_timeout=0.2)
    assert [m.plain_text for m in emu.messages_in(user)] == ["提醒"]


async def test_sending_after_the_bot_was_removed_or_blocked_is_forbidden(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    group = emu.add_group("文旅局工作群", [user])
    emu.send_text(user, user, "hi")
    emu.remove_bot_from(group)
    emu.block_bot(user)
    async with make_app() as app:
        with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
            await app.bot.send_message(group.id, "提醒")
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(user.id, "提醒")
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await app.bot.send_message(emu.add_user("陌生人").id, "你好")


async def test_texts_over_4096_characters_and_bad_html_are_refused(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "hi")
    async with make_app() as app:
        await app.bot.send_message(user.id, "字" * 4096)
        with pytest.raises(BadRequest, match="Message is too long"):
            await app.bot.send_message(user.id, "字" * 4097)
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await app.bot.send_message(user.id, "a <unit> b", parse_mode=ParseMode.HTML)
        button = InlineKeyboardButton("x", callback_data="x" * 65)
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await app.bot.send_message(user.id, "x", reply_markup=InlineKeyboardMarkup([[button]]))
    assert len(emu.messages_in(user)) == 1


async def test_group_commands_addressed_with_the_bot_username_reach_the_command_handler(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    async def owe(update: Update, context: Context) -> None:
        await update.effective_message.reply_text(f"欠：{' '.join(context.args)}")

    user = emu.add_user("联络员")
    group = emu.add_group("公安局工作群", [user])
    async with running(make_app(CommandHandler("owe", owe))):
        emu.send_text(user, group, "/owe@other_bot 公安局")
        emu.send_text(user, group, "/owe@yingjian_bot 公安局")
        [reply] = await emu.wait_for_messages(group)
        await emu.settle(quiet=0.1)
    assert reply.plain_text == "欠：公安局"
    assert len(emu.messages_in(group)) == 1


async def test_an_edited_message_arrives_as_an_edited_message_update(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    async def on_edit(update: Update, context: Context) -> None:
        await context.bot.send_message(
            update.effective_chat.id, f"改为 {update.edited_message.text}"
        )

    user = emu.add_user("张三")
    async with running(make_app(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit))):
        message = emu.send_text(user, user, "指标3")
        emu.edit_text(user, message, "指标4")
        [reply] = await emu.wait_for_messages(user)
    assert reply.plain_text == "改为 指标4"


async def test_unconfirmed_updates_survive_a_restart_and_confirmed_ones_do_not_return(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "第一条")
    async with make_app() as crashed:
        # a bot that fetched the update and died before confirming it
        assert len(await crashed.bot.get_updates()) == 1
    async with running(make_app(MessageHandler(filters.TEXT, reply_echo))):
        await emu.wait_for_messages(user)
    assert emu.pending_updates() == 0
    async with running(make_app(MessageHandler(filters.TEXT, reply_echo))):
        emu.send_text(user, user, "第二条")
        replies = await emu.wait_for_messages(user)
        await emu.settle(quiet=0.1)
    assert [m.plain_text for m in emu.messages_in(user)] == ["收到：第一条", "收到：第二条"]
    assert [m.plain_text for m in replies] == ["收到：第二条"]


async def test_the_group_limit_of_20_messages_a_minute_is_enforced_without_a_rate_limiter(
    make_app: AppFactory, app_for: AppFactory
) -> None:
    async with BotApiEmulator(rate_limits=RateLimits(slack=0)) as strict:
        group = strict.add_group("协调组", [strict.add_user("协调员")])
        async with app_for(strict) as app:
            for n in range(20):
                await app.bot.send_message(group.id, f"第{n}条")
            with pytest.raises(RetryAfter) as caught:
                await app.bot.send_message(group.id, "第21条")
        assert dt.timedelta(seconds=1) <= caught.value.retry_after <= dt.timedelta(seconds=3)
        assert strict.stats.sent_per_chat[group.id] == 20
        assert strict.stats.rate_limited == 1


async def test_commands_are_stored_per_scope_and_language(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    async with make_app() as app:
        await app.bot.set_my_commands([("owe", "还差什么")])
        await app.bot.set_my_commands(
            [("summary", "汇总")], scope=BotCommandScopeChat(-1001), language_code="zh"
        )
        default = await app.bot.get_my_commands()
        await app.bot.delete_my_commands()
    assert [c.command for c in default] == ["owe"]
    assert emu.my_commands() == []
    assert emu.my_commands({"type": "chat", "chat_id": -1001}, "zh")[0]["command"] == "summary"


async def test_a_button_answered_without_text_counts_as_answered(emu, make_app) -> None:
    """answerCallbackQuery with no parameters is still an answer."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.ext import CallbackQueryHandler, CommandHandler

    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
        await update.effective_message.reply_text("选一个", reply_markup=markup)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()

    user = emu.add_user("用户")
    async with running(make_app(CommandHandler("ask", ask), CallbackQueryHandler(pressed))):
        emu.send_text(user, user, "/ask")
        [question] = await emu.wait_for_messages(user)
        query = emu.press_button(user, question, 0)
        assert await emu.wait_for_answer(query, timeout=5) == {}
