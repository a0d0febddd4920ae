"""Small pieces every handler module uses: button presses, and replying in parts."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import filters

from bot import texts
from bot.refusals import Refusal
from handlers import keyboards

log = logging.getLogger(__name__)


class StaleButton(Refusal):
    """A button whose data this bot does not recognise (forged, or from an old version)."""


async def reply_parts(
    message: Message, parts: list[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send each part; the keyboard goes under the last one."""
    for index, part in enumerate(parts):
        await message.reply_text(part, reply_markup=markup if index == len(parts) - 1 else None)


async def answer_query(query: CallbackQuery) -> None:
    """Stop the button's spinner. A press handled late (after downtime) can no longer be
    answered ("query is too old"); the press itself must still take effect."""
    try:
        await query.answer()
    except BadRequest as error:
        log.info("callback query %s not answered: %s", query.id, error)


async def button_of(update: Update) -> keyboards.Callback:
    """A button press: answered (stops the spinner) and decoded; forged data is refused."""
    query = update.callback_query
    assert query is not None  # noqa: S101 - CallbackQueryHandler guarantees it
    await answer_query(query)
    callback = keyboards.decode(query.data)
    if callback is None:
        raise StaleButton(texts.UPLOAD_CHOICE_GONE)
    return callback


class PromptReply(filters.MessageFilter):
    """A text reply to one of the bot's prompts, known by the prompt's opening words."""

    def __init__(self, template: str) -> None:
        super().__init__()
        self.prefix = template.split("{", 1)[0]

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied
            and replied.from_user
            and replied.from_user.is_bot
            and replied.text
            and replied.text.startswith(self.prefix)
            and message.text
        )
