"""/review with [通过] [退回]; the reason for a return is asked for as a reply."""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import texts
from bot.services.exemptions import review_board
from bot.services.review import (
    Returned,
    ReviewItem,
    accept,
    describe,
    return_for_differences,
    return_submission,
)
from bot.wording import html_escape
from bot.wording.review import (
    accepted_text,
    ask_reason_text,
    queue_header,
    returned_notice,
    returned_text,
    review_item_text,
)
from handlers import keyboards
from handlers.common import button_of
from handlers.context import BotContext
from handlers.exemptions import reply_requests

ACCEPT = "ok"
RETURN = "rt"
RETURN_DIFFERENCES = "rd"
# The reason prompt names the submission as "#<id>"; the reply to it carries the reason.
_SUBMISSION_REF = re.compile(r"#(\d+)")


def _review_keyboard(item: ReviewItem) -> InlineKeyboardMarkup:
    """[通过] [退回], and [按模板差异退回] under a file that differs from its template."""
    submission_id = item.submission_id
    buttons = [
        InlineKeyboardButton(
            texts.BUTTON_ACCEPT, callback_data=keyboards.encode(ACCEPT, submission_id)
        ),
        InlineKeyboardButton(
            texts.BUTTON_RETURN, callback_data=keyboards.encode(RETURN, submission_id)
        ),
    ]
    rows = [buttons]
    if item.differences:
        data = keyboards.encode(RETURN_DIFFERENCES, submission_id)
        rows.append([InlineKeyboardButton(texts.BUTTON_RETURN_DIFFERENCES, callback_data=data)])
    return InlineKeyboardMarkup(rows)


async def review(update: Update, context: BotContext) -> None:
    """/review: the oldest submissions waiting for review, each with [通过] [退回]; then the
    不适用 requests waiting, each with [批准] [驳回]."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    board = await context.act(update, review_board)
    queue = board.queue
    await message.reply_text(queue_header(queue))
    for item in queue.items:
        await message.reply_text(
            review_item_text(item, queue.timezone, html_escape),
            reply_markup=_review_keyboard(item),
        )
    await reply_requests(message, board.requests, queue.timezone)


async def accept_submission(update: Update, context: BotContext) -> None:
    """[通过]."""
    query = update.callback_query
    callback = await button_of(update)
    assert query is not None and callback.args  # noqa: S101 - the pattern guarantees both
    item = await context.act(update, accept, int(callback.args[0]), context.now())
    await query.edit_message_text(accepted_text(item, html_escape))


async def ask_return_reason(update: Update, context: BotContext) -> None:
    """[退回]: ask for the reason as a reply (the prompt itself names the submission)."""
    message = update.effective_message
    callback = await button_of(update)
    assert message is not None and callback.args  # noqa: S101
    item = await context.act(update, describe, int(callback.args[0]))
    await message.reply_text(
        ask_reason_text(item, html_escape), reply_markup=ForceReply(selective=True)
    )


async def receive_return_reason(update: Update, context: BotContext) -> None:
    """The reply with the reason: return the submission and tell the unit."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None  # noqa: S101
    found = _SUBMISSION_REF.search(message.reply_to_message.text or "")
    if found is None:
        return
    submission_id, reason = int(found.group(1)), message.text or ""
    returned = await context.act(update, return_submission, submission_id, reason, context.now())
    await _tell_unit(returned, context)
    await message.reply_text(returned_text(returned, html_escape))


async def return_differing(update: Update, context: BotContext) -> None:
    """[按模板差异退回]: returned with how it differs from its template as the reason."""
    query = update.callback_query
    callback = await button_of(update)
    assert query is not None and callback.args  # noqa: S101 - the pattern guarantees both
    submission_id = int(callback.args[0])
    returned = await context.act(update, return_for_differences, submission_id, context.now())
    await _tell_unit(returned, context)
    await query.edit_message_text(returned_text(returned, html_escape))


async def _tell_unit(returned: Returned, context: BotContext) -> None:
    notice = returned_notice(returned, html_escape)
    for chat_id in returned.notify_chats:
        try:
            await context.bot.send_message(chat_id, notice)
        except TelegramError:
            continue  # the return is recorded; the unit also sees it in /owe
