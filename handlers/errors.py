"""The error handler and the replies to everything the bot does not handle."""

from __future__ import annotations

import logging

from telegram import Update

from bot import texts
from bot.refusals import Refusal
from bot.wording import html_escape
from bot.wording.refusals import refusal_text
from handlers import render
from handlers.context import BotContext

log = logging.getLogger(__name__)


async def report_error(update: object, context: BotContext) -> None:
    """Answer a refusal with its sentence; otherwise log the traceback and say, in Chinese,
    that something went wrong."""
    if isinstance(context.error, Refusal):
        if isinstance(update, Update) and update.effective_message is not None:
            await update.effective_message.reply_text(refusal_text(context.error, html_escape))
        return
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(texts.SOMETHING_WENT_WRONG)
        except Exception:  # the reply itself may be what failed
            log.exception("could not tell the user about the error")


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"


async def unsupported_message(update: Update, context: BotContext) -> None:
    """Stickers, voice, locations, contacts …: a hint in private; silence in groups."""
    if _private(update) and update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNSUPPORTED_MESSAGE)


async def edited_message(update: Update, context: BotContext) -> None:
    """An edited message is not processed again; say so in private."""
    if _private(update) and update.effective_message is not None:
        await update.effective_message.reply_text(texts.EDITED_MESSAGE_IGNORED)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not know (in groups only when addressed to this bot)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    addressed = command.endswith(f"@{context.bot.username}")
    if _private(update) or addressed:
        await message.reply_text(texts.UNKNOWN_COMMAND.format(command=render.escape(command[:64])))
