"""Documents and photos, and the buttons under questions and receipts.

A file goes: admitted by the service (who may upload here, which files are taken) → downloaded
here (Telegram's part) → stored off the event loop → filed or asked about by receive_upload in
a worker thread → the outcome rendered. Refusals are answered by handlers.errors.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import texts
from bot.refusals import Refusal
from bot.services.uploads import (
    Admitted,
    BlankTemplate,
    Duplicate,
    Filed,
    Ignored,
    NotOwed,
    UploadOutcome,
    UploadRequest,
    admit_upload,
    adopt_contribution,
    all_choices,
    cancel_pending,
    choose_indicator,
    link_choices,
    link_submission,
    receive_upload,
    reclassify,
    reclassify_choices,
    store_content,
    withdraw,
)
from bot.storage import safe_filename
from bot.wording import html_escape
from bot.wording.templates import blank_template_text
from bot.wording.uploads import (
    adopted,
    all_question,
    cancelled,
    contribution_notice,
    duplicate,
    link_question,
    linked,
    move_question,
    moved,
    not_owed,
    question,
    receipt,
    withdrawn,
)
from handlers import keyboards
from handlers.common import button_of
from handlers.context import BotContext

log = logging.getLogger(__name__)


class DownloadFailed(Refusal):
    """Telegram would not hand over the file: the sender is asked to send it again."""


@dataclass(frozen=True)
class SentFile:
    """A document or the largest size of a photo, as the message describes it."""

    file_id: str
    unique_id: str
    filename: str  # made safe to show and to store
    size: int | None
    mime_type: str


def sent_file(message: Message) -> SentFile:
    """The file a message carries."""
    if message.document is not None:
        doc = message.document
        # file_name is optional in the Bot API: name it after its MIME type, so that a PDF
        # without a name is still recognised as a PDF by the type allowlist.
        extension = mimetypes.guess_extension(doc.mime_type or "") or ""
        name = doc.file_name or f"document_{message.message_id}{extension}"
        return SentFile(
            doc.file_id, doc.file_unique_id, safe_filename(name), doc.file_size, doc.mime_type or ""
        )
    photo = message.photo[-1]
    name = f"photo_{message.message_id}.jpg"
    return SentFile(photo.file_id, photo.file_unique_id, name, photo.file_size, "image/jpeg")


async def receive_file(update: Update, context: BotContext) -> None:
    """A document or photo from a contact (private) or a member of a bound unit group."""
    message = update.effective_message
    assert message is not None  # noqa: S101 - the document/photo filter guarantees it
    sent = sent_file(message)
    runtime = context.runtime
    limit, quota = runtime.settings.download_limit_bytes, runtime.settings.campaign_quota_bytes
    admitted = await context.act(
        update, admit_upload, sent.filename, sent.size, limit, runtime.throttle, quota
    )
    if not isinstance(admitted, Admitted):
        return  # shared as conversation, or beyond the unit's pace: nothing is downloaded
    content = await _fetch(sent, context)
    # Checked, then on disk, off the event loop, before anything is recorded (or refused).
    stored = await context.compute(store_content, runtime.store, content, sent.filename)
    request = UploadRequest(
        sent.filename, message.caption or "", sent.mime_type, stored, sent.file_id, sent.unique_id
    )
    outcome = await context.act(
        update, receive_upload, runtime.store, runtime.matchers, request, context.now()
    )
    if not isinstance(outcome, Ignored):
        text, markup = _reply_to(outcome, runtime.settings.tz)
        await message.reply_text(text, reply_markup=markup)
        await _tell_lead(outcome, context)


async def _tell_lead(outcome: UploadOutcome, context: BotContext) -> None:
    """A contribution: its lead's group (or contacts) get it with [采用为本单位材料]."""
    if not isinstance(outcome, Filed) or not outcome.lead:
        return
    notice = contribution_notice(outcome, html_escape)
    markup = keyboards.adopt_keyboard(outcome.submission_id)
    for chat_id in outcome.lead_chats:
        try:
            await context.bot.send_message(chat_id, notice, reply_markup=markup)
        except TelegramError as error:
            # The contribution is filed either way; the lead also sees it in /owe.
            log.warning("contribution notice to %s failed: %s", chat_id, error)


async def _fetch(sent: SentFile, context: BotContext) -> bytes | Path:
    """The file's bytes; from a local Bot API server, the path of its own copy instead.

    PTB holds a download in memory whole anyway (at most the 20 MB Telegram allows); a local
    server's files can be 2 GB, and they are on this disk already: the store copies them.
    """
    try:
        telegram_file = await context.bot.get_file(sent.file_id)
        local = Path(telegram_file.file_path or "")
        # A stat of a local file: too short to be worth a thread.
        if context.settings.telegram_local_mode and local.is_absolute() and local.is_file():  # noqa: ASYNC240
            return local
        return bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("download of %s failed: %s", sent.filename, error)
        raise DownloadFailed(texts.UPLOAD_FAILED_DOWNLOAD, filename=sent.filename) from error


def _reply_to(outcome: UploadOutcome, timezone: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer to a received file, and the buttons under it."""
    if isinstance(outcome, Filed):
        return receipt(outcome, html_escape), _receipt_keyboard(outcome)
    if isinstance(outcome, Duplicate):
        return duplicate(outcome, timezone, html_escape), None
    if isinstance(outcome, BlankTemplate):
        return blank_template_text(outcome.template, html_escape), None
    if isinstance(outcome, NotOwed):
        markup = keyboards.choice_keyboard(outcome.pending_id, outcome.choices, offer_all=False)
        return not_owed(outcome, html_escape), markup
    markup = keyboards.choice_keyboard(outcome.pending_id, outcome.choices, offer_all=True)
    return question(outcome, html_escape), markup


async def pick_indicator(update: Update, context: BotContext) -> None:
    """[N. title] under a question: file the pending upload there."""
    callback = await button_of(update)
    if len(callback.args) < 2:
        return
    pending_id, number = int(callback.args[0]), callback.args[1]
    store = context.runtime.store  # the file is compared with the indicator's template
    filed = await context.act(update, choose_indicator, pending_id, number, context.now(), store)
    await _edit(update, receipt(filed, html_escape), _receipt_keyboard(filed))
    await _tell_lead(filed, context)


async def show_all_indicators(update: Update, context: BotContext) -> None:
    """[全部指标]: every indicator the unit owes."""
    callback = await button_of(update)
    if not callback.args:
        return
    asked = await context.act(update, all_choices, int(callback.args[0]))
    markup = keyboards.choice_keyboard(asked.pending_id, asked.choices, offer_all=False)
    await _edit(update, all_question(asked, html_escape), markup)


async def cancel_upload(update: Update, context: BotContext) -> None:
    """[取消]: drop the pending upload."""
    callback = await button_of(update)
    if not callback.args:
        return
    dropped = await context.act(update, cancel_pending, int(callback.args[0]), context.now())
    await _edit(update, cancelled(dropped, html_escape), None)


async def withdraw_submission(update: Update, context: BotContext) -> None:
    """[撤回] under a receipt."""
    callback = await button_of(update)
    if not callback.args:
        return
    taken_back = await context.act(update, withdraw, int(callback.args[0]), context.now())
    await _edit(update, withdrawn(taken_back, html_escape), None)


async def ask_reclassify(update: Update, context: BotContext) -> None:
    """[改归类] under a receipt: offer the unit's other indicators."""
    callback = await button_of(update)
    if not callback.args:
        return
    offer = await context.act(update, reclassify_choices, int(callback.args[0]))
    markup = keyboards.move_keyboard(offer.submission_id, offer.choices)
    await _edit(update, move_question(offer, html_escape), markup)


async def move_submission(update: Update, context: BotContext) -> None:
    """An indicator picked after [改归类]."""
    callback = await button_of(update)
    if len(callback.args) < 2:
        return
    submission_id, number = int(callback.args[0]), callback.args[1]
    store = context.runtime.store
    move = await context.act(update, reclassify, submission_id, number, context.now(), store)
    await _edit(update, moved(move, html_escape), _receipt_keyboard(move.filed))
    await _tell_lead(move.filed, context)


async def adopt(update: Update, context: BotContext) -> None:
    """[采用为本单位材料] under a contribution notice: it becomes the lead's delivery."""
    callback = await button_of(update)
    if not callback.args:
        return
    done = await context.act(update, adopt_contribution, int(callback.args[0]), context.now())
    await _edit(update, adopted(done, html_escape), None)


async def ask_link(update: Update, context: BotContext) -> None:
    """[也用于…] under a receipt: the unit's other owed indicators, in a new message (the
    receipt keeps its own buttons)."""
    callback = await button_of(update)
    message = update.effective_message
    if not callback.args or message is None:
        return
    offer = await context.act(update, link_choices, int(callback.args[0]))
    markup = keyboards.link_keyboard(offer.submission_id, offer.choices)
    await message.reply_text(link_question(offer, html_escape), reply_markup=markup)


async def link_to_indicator(update: Update, context: BotContext) -> None:
    """An indicator picked after [也用于…]: the same stored file counts there too."""
    callback = await button_of(update)
    if len(callback.args) < 2:
        return
    submission_id, number = int(callback.args[0]), callback.args[1]
    link = await context.act(update, link_submission, submission_id, number, context.now())
    await _edit(update, linked(link, html_escape), _receipt_keyboard(link.filed))


async def link_command(update: Update, context: BotContext) -> None:
    """/link SUBMISSION INDICATOR: a filed file counts for another indicator of its unit too
    (coordinators link any unit's files; the submission ids are shown by /review)."""
    message = update.effective_message
    assert message is not None  # noqa: S101 - CommandHandler guarantees it
    args = context.args or []
    if len(args) != 2 or not args[0].lstrip("#").isdigit():
        await message.reply_text(texts.LINK_USAGE)
        return
    submission_id, number = int(args[0].lstrip("#")), args[1]
    link = await context.act(update, link_submission, submission_id, number, context.now())
    await message.reply_text(linked(link, html_escape))


def _receipt_keyboard(filed: Filed) -> InlineKeyboardMarkup:
    """[改归类] [撤回], and [也用于…] while the unit owes other indicators."""
    return keyboards.receipt_keyboard(filed.submission_id, offer_link=bool(filed.still_owed))


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None  # noqa: S101 - CallbackQueryHandler guarantees it
    await query.edit_message_text(text, reply_markup=markup)
