"""/review with [通过] [退回] (a reason is asked by reply), and /export of the final package."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import filters

from bot import texts
from bot.services.access import NotAllowed
from bot.services.campaigns import CampaignNotFound
from bot.services.export import ExportResult, build_package
from bot.services.review import (
    AlreadyReviewed,
    ReviewItem,
    accept,
    describe,
    return_submission,
    review_queue,
)
from handlers import keyboards, render
from handlers.common import actor_of, pressed, reply_parts
from handlers.context import BotContext

ACCEPT = "ok"
RETURN = "rt"
# The reason prompt names the submission as "#<id>"; the reply to it carries the reason.
_PROMPT_PREFIX = texts.REVIEW_ASK_REASON.split("{", 1)[0]
_SUBMISSION_REF = re.compile(r"#(\d+)")


class ReasonReply(filters.MessageFilter):
    """A text reply to the bot's "why return it?" prompt."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied
            and replied.from_user
            and replied.from_user.is_bot
            and replied.text
            and replied.text.startswith(_PROMPT_PREFIX)
            and message.text
        )


def _item_text(item: ReviewItem, timezone: str) -> str:
    when = item.uploaded_at.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
    text = texts.REVIEW_ITEM.format(
        id=item.submission_id,
        unit=render.escape(item.unit),
        number=render.escape(item.number),
        title=render.escape(item.title),
        filename=render.escape(item.filename),
        size=render.human_size(item.size),
        when=when,
        version=item.version,
    )
    return f"{text} {texts.PASSWORD_PROTECTED_MARK}" if item.password_protected else text


def _named(item: ReviewItem) -> dict[str, object]:
    """The fields every review sentence names the submission by, escaped."""
    return {
        "id": item.submission_id,
        "unit": render.escape(item.unit),
        "number": render.escape(item.number),
        "filename": render.escape(item.filename),
    }


def _review_keyboard(submission_id: int) -> InlineKeyboardMarkup:
    accept_data = keyboards.encode(ACCEPT, submission_id)
    return_data = keyboards.encode(RETURN, submission_id)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.BUTTON_ACCEPT, callback_data=accept_data),
                InlineKeyboardButton(texts.BUTTON_RETURN, callback_data=return_data),
            ]
        ]
    )


async def review(update: Update, context: BotContext) -> None:
    """/review: the oldest submissions waiting for review, each with [通过] [退回]."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    with context.db.uow() as uow:
        try:
            queue = review_queue(uow, actor)
        except (NotAllowed, CampaignNotFound) as error:
            await message.reply_text(render.escape(str(error)))
            return
    if not queue.items:
        await message.reply_text(texts.REVIEW_NOTHING)
        return
    await message.reply_text(texts.REVIEW_HEADER.format(count=queue.total, shown=len(queue.items)))
    for item in queue.items:
        await message.reply_text(
            _item_text(item, queue.timezone), reply_markup=_review_keyboard(item.submission_id)
        )


async def accept_submission(update: Update, context: BotContext) -> None:
    """[通过]."""
    query = update.callback_query
    assert query is not None  # noqa: S101
    callback, actor = await pressed(update, context)
    if callback is None or not callback.args:
        return
    with context.db.uow() as uow:
        try:
            item = accept(uow, int(callback.args[0]), actor, context.now())
        except (NotAllowed, AlreadyReviewed) as error:
            await query.edit_message_text(render.escape(str(error)))
            return
    await query.edit_message_text(texts.REVIEW_ACCEPTED.format(**_named(item)))


async def ask_return_reason(update: Update, context: BotContext) -> None:
    """[退回]: ask for the reason as a reply (the prompt itself names the submission)."""
    query = update.callback_query
    assert query is not None  # noqa: S101
    callback, actor = await pressed(update, context)
    message = update.effective_message
    if callback is None or not callback.args or message is None:
        return
    with context.db.uow() as uow:
        try:
            item = describe(uow, int(callback.args[0]), actor)
        except (NotAllowed, AlreadyReviewed) as error:
            await query.edit_message_text(render.escape(str(error)))
            return
    await message.reply_text(
        texts.REVIEW_ASK_REASON.format(**_named(item)),
        reply_markup=ForceReply(selective=True),
    )


async def receive_return_reason(update: Update, context: BotContext) -> None:
    """The reply with the reason: return the submission and tell the unit."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None  # noqa: S101
    found = _SUBMISSION_REF.search(message.reply_to_message.text or "")
    if found is None:
        return
    actor = actor_of(update, context)
    with context.db.uow() as uow:
        try:
            returned = return_submission(
                uow, int(found.group(1)), actor, message.text or "", context.now()
            )
        except (NotAllowed, AlreadyReviewed) as error:
            await message.reply_text(render.escape(str(error)))
            return
    item = returned.item
    reason = render.escape(returned.reason)
    notice = texts.REVIEW_RETURNED_NOTICE.format(
        unit=render.escape(item.unit),
        number=render.escape(item.number),
        title=render.escape(item.title),
        filename=render.escape(item.filename),
        reason=reason,
    )
    for chat_id in returned.notify_chats:
        try:
            await context.bot.send_message(chat_id, notice)
        except TelegramError:
            continue  # the return is recorded; the unit also sees it in /owe
    await message.reply_text(texts.REVIEW_RETURNED.format(**_named(item), reason=reason))


async def export(update: Update, context: BotContext) -> None:
    """/export: the package as zip files (汇总.xlsx + files by group / indicator / unit)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    if not actor.is_coordinator:
        await message.reply_text(texts.NOT_ALLOWED_COORDINATOR)
        return
    with tempfile.TemporaryDirectory() as folder:

        def build() -> ExportResult:
            with context.db.uow() as uow:
                return build_package(uow, context.runtime.store, Path(folder), context.now())

        try:
            result = await asyncio.to_thread(build)
        except CampaignNotFound as error:
            await message.reply_text(render.escape(str(error)))
            return
        if not result.parts:
            await message.reply_text(texts.EXPORT_NOTHING)
            return
        await reply_parts(
            message, [texts.EXPORT_READY.format(files=result.files, parts=len(result.parts))]
        )
        for part in result.parts:
            await message.reply_document(part, filename=part.name)
