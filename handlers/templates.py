"""/template, "模板" and the [模板] buttons: templates handed out; coordinators attach files."""

from __future__ import annotations

import logging

from telegram import Document, Message, Update
from telegram.error import BadRequest

from bot.services.handouts import record_sent_file_id, templates_for
from bot.services.templates import (
    TemplateInfo,
    add_template,
    check_attach,
    store_template_file,
)
from bot.storage import safe_filename
from bot.wording import html_escape
from bot.wording.templates import added_text, caption_text
from handlers.common import button_of
from handlers.context import BotContext

log = logging.getLogger(__name__)

# A document whose caption is this command is a template being attached, not a submission.
CAPTION_COMMAND = r"^/template(@\w+)?(\s|$)"


async def template_command(update: Update, context: BotContext) -> None:
    """/template 2 sends indicator 2's templates (/template alone: every owed one's); as a
    reply to a file, it attaches that file to indicator 2 (coordinators)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    numbers = list(context.args or [])
    replied = message.reply_to_message
    if replied is not None and replied.document is not None:
        await _attach(update, context, replied.document, numbers[0] if numbers else "")
    else:
        await _send_templates(update, context, numbers)


async def template_caption(update: Update, context: BotContext) -> None:
    """A document sent with the caption "/template 2": attach it to indicator 2."""
    message = update.effective_message
    assert message is not None and message.document is not None  # noqa: S101
    words = (message.caption or "").split()
    await _attach(update, context, message.document, words[1] if len(words) > 1 else "")


async def template_words(update: Update, context: BotContext) -> None:
    """ "模板": the templates of every indicator the unit still owes."""
    await _send_templates(update, context, [])


async def template_button(update: Update, context: BotContext) -> None:
    """[模板 2] under /owe: indicator 2's templates."""
    callback = await button_of(update)
    await _send_templates(update, context, list(callback.args[:1]))


async def _attach(update: Update, context: BotContext, document: Document, number: str) -> None:
    message = update.effective_message
    assert message is not None  # noqa: S101
    filename = safe_filename(document.file_name or document.file_unique_id)
    limit = context.settings.download_limit_bytes
    await context.act(update, check_attach, number, filename, document.file_size, limit)
    telegram_file = await context.bot.get_file(document.file_id)
    content = bytes(await telegram_file.download_as_bytearray())
    store = context.runtime.store
    stored = await context.compute(store_template_file, store, content, filename, document.file_id)
    added = await context.act(update, add_template, number, stored, filename, context.now())
    await message.reply_text(added_text(added, html_escape))


async def _send_templates(update: Update, context: BotContext, numbers: list[str]) -> None:
    chat = update.effective_chat
    assert chat is not None  # noqa: S101
    for template in await context.act(update, templates_for, numbers):
        sent = await _send_one(context, chat.id, template)
        if sent.document is not None and sent.document.file_id != template.telegram_file_id:
            await context.call(record_sent_file_id, template.id, sent.document.file_id)


async def _send_one(context: BotContext, chat_id: int, template: TemplateInfo) -> Message:
    """By Telegram's file id once it has one (no upload); else (or if Telegram no longer
    knows the id, e.g. under a new bot token) the stored bytes."""
    caption = caption_text(template, html_escape)
    if template.telegram_file_id:
        try:
            return await context.bot.send_document(
                chat_id, template.telegram_file_id, caption=caption
            )
        except BadRequest as error:
            log.warning("template %s: file id refused (%s); uploading it", template.id, error)
    path = context.runtime.store.path_for(template.storage_key)
    data = await context.compute(path.read_bytes)
    return await context.bot.send_document(
        chat_id, data, filename=template.filename, caption=caption
    )
