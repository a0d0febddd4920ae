"""/import in chat: a task table sent with the caption /import (or /import in reply to one) is
previewed, then imported on [确认导入] or dropped on [取消]. Coordinators, in private.

The admission runs before the download (nothing is fetched for anyone else), the download and
the store in a worker thread, the preview and the import in worker threads as use cases.
"""

from __future__ import annotations

import logging

from telegram import Document, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import filters

from bot import texts
from bot.refusals import Refusal
from bot.services.imports_in_chat import (
    admit_import,
    cancel_import,
    confirm_import,
    preview_import,
    store_table,
)
from bot.wording import html_escape
from bot.wording.imports import import_cancelled_text, imported_text, preview_text
from handlers import keyboards, render
from handlers.common import StaleButton, button_of, reply_parts
from handlers.context import BotContext

log = logging.getLogger(__name__)

CONFIRM = "imp"
CANCEL = "imx"
# The caption that sends a document here instead of to the upload handler.
CAPTION = filters.CaptionRegex(r"^\s*/import(@\w+)?(\s|$)")


class TableNotDownloaded(Refusal):
    """Telegram would not hand over the table: the coordinator is asked to send it again."""


async def import_sent_table(update: Update, context: BotContext) -> None:
    """A document captioned /import."""
    message = update.effective_message
    assert message is not None  # noqa: S101 - the document filter guarantees it
    await _preview(update, context, message.document)


async def import_replied_table(update: Update, context: BotContext) -> None:
    """/import typed in reply to a message holding the table."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    replied = message.reply_to_message
    await _preview(update, context, replied.document if replied is not None else None)


async def confirm(update: Update, context: BotContext) -> None:
    """[确认导入]: the import, committed; its report replaces the preview."""
    pending_id = _pending_id(await button_of(update))
    store, units_file = context.runtime.store, context.settings.units_file
    done = await context.act(update, confirm_import, store, pending_id, units_file, context.now())
    await _replace_preview(update, imported_text(done, html_escape))


async def cancel(update: Update, context: BotContext) -> None:
    """[取消]: nothing is imported."""
    pending_id = _pending_id(await button_of(update))
    cancelled = await context.act(update, cancel_import, pending_id, context.now())
    await _replace_preview(update, import_cancelled_text(cancelled, html_escape))


async def _preview(update: Update, context: BotContext, document: Document | None) -> None:
    """Admit (who, where, which file) → download → store → preview with the two buttons."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    name = (document.file_name or "") if document is not None else None
    size = document.file_size if document is not None else None
    limit = context.settings.download_limit_bytes
    await context.act(update, admit_import, name, size, limit)
    assert document is not None and name is not None  # noqa: S101 - admit_import refuses none
    content = await _download(context, document)
    table = await context.compute(store_table, context.runtime.store, content, name)
    store, units_file = context.runtime.store, context.settings.units_file
    preview = await context.act(update, preview_import, store, table, units_file, context.now())
    markup = _keyboard(preview.pending_id) if preview.pending_id is not None else None
    await reply_parts(message, render.split_message(preview_text(preview, html_escape)), markup)


async def _download(context: BotContext, document: Document) -> bytes:
    # A table is small (the importer refuses 50 MB); a local Bot API server's copy is read
    # from its disk by PTB itself.
    try:
        telegram_file = await context.bot.get_file(document.file_id)
        return bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("download of %s failed: %s", document.file_name, error)
        name = document.file_name or ""
        raise TableNotDownloaded(texts.IMPORT_CHAT_DOWNLOAD_FAILED, name=name) from error


async def _replace_preview(update: Update, text: str) -> None:
    """The preview's message becomes the outcome (its buttons go); a long one goes on below."""
    query, message = update.callback_query, update.effective_message
    assert query is not None and message is not None  # noqa: S101
    first, *rest = render.split_message(text)
    await query.edit_message_text(first)
    await reply_parts(message, rest)


def _pending_id(callback: keyboards.Callback) -> int:
    if not callback.args or not callback.args[0].isdigit():
        raise StaleButton(texts.UPLOAD_CHOICE_GONE)
    return int(callback.args[0])


def _keyboard(pending_id: int) -> InlineKeyboardMarkup:
    """[确认导入] [取消] under a preview."""
    confirm_button = InlineKeyboardButton(
        texts.BUTTON_IMPORT_CONFIRM, callback_data=keyboards.encode(CONFIRM, pending_id)
    )
    cancel_button = InlineKeyboardButton(
        texts.BUTTON_IMPORT_CANCEL, callback_data=keyboards.encode(CANCEL, pending_id)
    )
    return InlineKeyboardMarkup([[confirm_button, cancel_button]])
