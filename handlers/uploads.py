"""Documents and photos: check, download, hand to receive_upload, render the outcome."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from telegram import File, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.services.access import NotAllowed
from bot.services.campaigns import CampaignNotFound
from bot.services.uploads import (
    ChoiceGone,
    Duplicate,
    Filed,
    NeedsChoice,
    NotOwed,
    UploadRequest,
    all_choices,
    cancel_pending,
    check_file,
    choose_indicator,
    receive_upload,
    reclassify,
    reclassify_choices,
    store_content,
    withdraw,
)
from bot.storage import safe_filename
from handlers import keyboards, render
from handlers.common import actor_of, pressed
from handlers.context import BotContext

log = logging.getLogger(__name__)

T = TypeVar("T")


def _file_of(message: Message) -> tuple[str, str, str, int | None, str]:
    """(file_id, file_unique_id, name, size, mime) of a document or the largest photo."""
    if message.document is not None:
        doc = message.document
        # file_name is optional in the Bot API: name it after its MIME type, so that a PDF
        # without a name is still recognised as a PDF by the type allowlist.
        extension = mimetypes.guess_extension(doc.mime_type or "") or ""
        name = doc.file_name or f"document_{message.message_id}{extension}"
        return doc.file_id, doc.file_unique_id, name, doc.file_size, doc.mime_type or ""
    photo = message.photo[-1]
    return (
        photo.file_id,
        photo.file_unique_id,
        f"photo_{message.message_id}.jpg",
        photo.file_size,
        "image/jpeg",
    )


async def receive_file(update: Update, context: BotContext) -> None:
    """A document or photo from a contact (private) or a member of a bound unit group."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    if actor.unit is None:
        if actor.chat_kind == "private":
            await message.reply_text(texts.UPLOAD_NOT_REGISTERED)
        elif actor.chat_kind == "unbound":
            await message.reply_text(texts.UPLOAD_UNBOUND_GROUP)
        return  # files shared in the coordinator group are conversation, not submissions
    file_id, unique_id, raw_name, size, mime = _file_of(message)
    filename = safe_filename(raw_name)
    check = check_file(filename, size, context.settings.download_limit_bytes)
    if not check.ok:
        await message.reply_text(render.escape(check.reason))
        return
    try:
        content = await _fetch(await context.bot.get_file(file_id), context)
    except TelegramError as error:
        log.warning("download of %s failed: %s", filename, error)
        await message.reply_text(
            texts.UPLOAD_FAILED_DOWNLOAD.format(filename=render.escape(filename))
        )
        return
    # Disk work off the event loop; on disk before anything is recorded or acknowledged.
    # The content check runs there too: a refused file raises before anything is stored.
    stored = await asyncio.to_thread(store_content, context.runtime.store, content, filename)
    request = UploadRequest(
        actor=actor,
        filename=filename,
        caption=message.caption or "",
        mime_type=mime,
        stored=stored,
        telegram_file_id=file_id,
        telegram_file_unique_id=unique_id,
    )
    with context.db.uow() as uow:
        try:
            outcome = receive_upload(
                uow, context.runtime.store, context.runtime.matchers, request, context.now()
            )
        except (NotAllowed, CampaignNotFound) as error:
            await message.reply_text(render.escape(str(error)))
            return
    await _reply_outcome(message, outcome, context)


async def _fetch(telegram_file: File, context: BotContext) -> bytes | Path:
    """The file's bytes; from a local Bot API server, the path of its own copy instead.

    PTB holds a download in memory whole anyway (at most the 20 MB Telegram allows); a local
    server's files can be 2 GB, and they are on this disk already: the store copies them.
    """
    local = Path(telegram_file.file_path or "")
    # A stat of a local file: too short to be worth a thread.
    if context.settings.telegram_local_mode and local.is_absolute() and local.is_file():  # noqa: ASYNC240
        return local
    return bytes(await telegram_file.download_as_bytearray())


async def _reply_outcome(
    message: Message, outcome: Filed | NeedsChoice | NotOwed | Duplicate, context: BotContext
) -> None:
    if isinstance(outcome, Filed):
        await message.reply_text(
            render.filed_message(outcome),
            reply_markup=keyboards.receipt_keyboard(outcome.submission_id),
        )
    elif isinstance(outcome, Duplicate):
        await message.reply_text(render.duplicate_message(outcome, context.settings.tz))
    elif isinstance(outcome, NotOwed):
        text = texts.UPLOAD_NOT_OWED.format(
            filename=render.escape(outcome.filename),
            number=render.escape(outcome.number),
            title=render.escape(outcome.title),
            unit=render.escape(outcome.unit),
        )
        await message.reply_text(
            text,
            reply_markup=keyboards.choice_keyboard(
                outcome.pending_id, outcome.choices, offer_all=False
            ),
        )
    else:
        await message.reply_text(
            texts.UPLOAD_ASK.format(filename=render.escape(outcome.filename)),
            reply_markup=keyboards.choice_keyboard(
                outcome.pending_id, outcome.choices, offer_all=True
            ),
        )


async def pick_indicator(update: Update, context: BotContext) -> None:
    """[N. title] under a question: file the pending upload there."""
    callback, actor = await pressed(update, context)
    if callback is None or len(callback.args) < 2:
        return
    with context.db.uow() as uow:
        filed = await _guarded(
            update,
            lambda: choose_indicator(
                uow, int(callback.args[0]), callback.args[1], actor, context.now()
            ),
        )
    if filed is not None:
        await _edit(
            update, render.filed_message(filed), keyboards.receipt_keyboard(filed.submission_id)
        )


async def show_all_indicators(update: Update, context: BotContext) -> None:
    """[全部指标]: every indicator the unit owes."""
    callback, actor = await pressed(update, context)
    if callback is None or not callback.args:
        return
    with context.db.uow() as uow:
        choices = await _guarded(update, lambda: all_choices(uow, int(callback.args[0]), actor))
    if choices is not None:
        await _edit(
            update,
            texts.UPLOAD_ASK_ALL.format(filename=render.escape(choices.filename)),
            keyboards.choice_keyboard(choices.pending_id, choices.choices, offer_all=False),
        )


async def cancel_upload(update: Update, context: BotContext) -> None:
    """[取消]: drop the pending upload."""
    callback, actor = await pressed(update, context)
    if callback is None or not callback.args:
        return
    with context.db.uow() as uow:
        name = await _guarded(
            update, lambda: cancel_pending(uow, int(callback.args[0]), actor, context.now())
        )
    if name is not None:
        await _edit(update, texts.UPLOAD_CANCELLED.format(filename=render.escape(name)), None)


async def withdraw_submission(update: Update, context: BotContext) -> None:
    """[撤回] under a receipt."""
    callback, actor = await pressed(update, context)
    if callback is None or not callback.args:
        return
    with context.db.uow() as uow:
        submission = await _guarded(
            update, lambda: withdraw(uow, int(callback.args[0]), actor, context.now())
        )
        if submission is not None:
            text = texts.UPLOAD_WITHDRAWN.format(
                filename=render.escape(submission.filename),
                number=render.escape(submission.obligation.indicator.number),
            )
    if submission is not None:
        await _edit(update, text, None)


async def ask_reclassify(update: Update, context: BotContext) -> None:
    """[改归类] under a receipt: offer the unit's other indicators."""
    callback, actor = await pressed(update, context)
    if callback is None or not callback.args:
        return
    submission_id = int(callback.args[0])
    with context.db.uow() as uow:
        found = await _guarded(update, lambda: reclassify_choices(uow, submission_id, actor))
    if found is not None:
        name, choices = found
        await _edit(
            update,
            texts.UPLOAD_RECLASSIFY_ASK.format(filename=render.escape(name)),
            keyboards.move_keyboard(submission_id, choices),
        )


async def move_submission(update: Update, context: BotContext) -> None:
    """An indicator picked after [改归类]."""
    callback, actor = await pressed(update, context)
    if callback is None or len(callback.args) < 2:
        return
    with context.db.uow() as uow:
        moved = await _guarded(
            update,
            lambda: reclassify(uow, int(callback.args[0]), callback.args[1], actor, context.now()),
        )
    if moved is not None:
        old, filed = moved
        text = texts.UPLOAD_MOVED.format(
            filename=render.escape(filed.filename),
            old=render.escape(old),
            number=render.escape(filed.number),
            title=render.escape(filed.title),
        )
        await _edit(
            update,
            text + "\n" + render.filed_message(filed).split("\n", 2)[-1],
            keyboards.receipt_keyboard(filed.submission_id),
        )


async def _guarded(update: Update, action: Callable[[], T]) -> T | None:
    """Run a service call; a refusal or a stale button becomes a short answer, not an error."""
    try:
        return action()
    except (NotAllowed, ChoiceGone) as error:
        message = update.effective_message
        if message is not None:
            await message.reply_text(render.escape(str(error)))
        return None


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None  # noqa: S101
    await query.edit_message_text(text, reply_markup=markup)
