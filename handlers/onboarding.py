"""/start with an invite, /invite, /bind, /unbind, /help."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.error import Forbidden

from bot import texts
from bot.services.onboarding import (
    BindAmbiguous,
    bind_chat,
    create_invite,
    move_chat,
    unbind_chat,
    welcome,
)
from bot.wording import html_escape
from bot.wording.onboarding import bind_text, invite_text, unbind_text, welcome_text
from handlers import keyboards, render
from handlers.common import button_of, reply_parts
from handlers.context import BotContext


async def start(update: Update, context: BotContext) -> None:
    """/start TOKEN registers with an invite; /start alone greets or explains how to join."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None  # noqa: S101
    token = context.args[0] if context.args else ""
    greeted = await context.act(
        update,
        welcome,
        token,
        username=user.username or "",
        now=context.now(),
        timezone=context.settings.tz,
    )
    text = welcome_text(greeted, context.now(), html_escape)
    await reply_parts(message, render.split_message(text))


async def invite(update: Update, context: BotContext) -> None:
    """/invite 公安局 or /invite 协调人: a single-use deep link (coordinators only)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None  # noqa: S101
    hours = context.settings.invite_ttl_hours
    target = " ".join(context.args or [])
    ttl = timedelta(hours=hours)
    created = await context.act(update, create_invite, target, now=context.now(), ttl=ttl)
    text = invite_text(created, context.bot.username, hours, html_escape)
    if chat.type == "private":
        await message.reply_text(text)
        return
    # A single-use link posted in a group could be taken by anyone there: send it privately.
    try:
        await context.bot.send_message(user.id, text)
    except Forbidden:
        await message.reply_text(texts.INVITE_PRIVATE_FAILED)
        return
    await message.reply_text(texts.INVITE_SENT_PRIVATELY)


async def bind(update: Update, context: BotContext) -> None:
    """/bind 公安局 or /bind 协调组 in a group (coordinators only)."""
    await _bind_to(update, context, " ".join(context.args or []))


async def bind_pick(update: Update, context: BotContext) -> None:
    """A button under an ambiguous /bind."""
    callback = await button_of(update)
    if callback.args:
        await _bind_to(update, context, callback.args[0])


async def _bind_to(update: Update, context: BotContext, target: str) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None  # noqa: S101
    outcome = await context.act(update, bind_chat, chat.title or "", target)
    markup = None
    if isinstance(outcome, BindAmbiguous):
        markup = keyboards.names_keyboard(keyboards.BIND, outcome.candidates)
    await message.reply_text(bind_text(outcome, html_escape), reply_markup=markup)


async def chat_migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its binding follows it to the new chat id."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await context.call(move_chat, old_chat_id=old, new_chat_id=new)


async def unbind(update: Update, context: BotContext) -> None:
    """/unbind: forget this group's binding."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    done = await context.act(update, unbind_chat)
    await message.reply_text(unbind_text(done))


async def show_help(update: Update, context: BotContext) -> None:
    """/help: what each command does."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    await message.reply_text(
        texts.HELP.format(limit_mb=context.settings.download_limit_bytes // 2**20)
    )
