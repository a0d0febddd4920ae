"""Small pieces every handler module uses: who is asking, and replying in parts."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot import texts
from bot.refusals import Refusal
from bot.services.access import Actor
from bot.services.onboarding import who_is
from handlers import keyboards
from handlers.context import BotContext

log = logging.getLogger(__name__)


class StaleButton(Refusal):
    """A button whose data this bot does not recognise (forged, or from an old version)."""


def actor_of(update: Update, context: BotContext) -> Actor:
    """The sender of this update as the services see them."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None  # noqa: S101 - filters guarantee both
    with context.db.uow() as uow:
        return who_is(
            uow,
            user_id=user.id,
            chat_id=chat.id,
            private=chat.type == "private",
            name=user.full_name,
        )


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
