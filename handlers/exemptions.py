"""不适用 and extensions: /na and [申请不适用] (units), [批准] [驳回] in /review, /excuse and
/extend (coordinators). Reasons are asked for as replies, like /review's 退回."""

from __future__ import annotations

import re

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.progress import OweReport
from bot.services.exemptions import (
    ExemptionDecision,
    ExemptionItem,
    approve_exemption,
    describe_obligation,
    describe_request,
    excuse,
    refuse_exemption,
    request_exemption,
    request_exemption_for,
)
from bot.services.extensions import extend
from bot.wording import html_escape
from bot.wording.exemptions import (
    ask_refusal_reason_text,
    ask_request_reason_text,
    decided_notice,
    decided_text,
    extended_text,
    request_item_text,
    requested_text,
    requests_header,
)
from handlers import keyboards
from handlers.common import PromptReply, button_of
from handlers.context import BotContext
from handlers.reminders import parse_deadline_args

ASK = "na"  # [申请不适用] on /owe: obligation id
APPROVE = "ea"  # [批准]: exemption id
REFUSE = "er"  # [驳回]: exemption id
_REF = re.compile(r"#(\d+)")


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None  # noqa: S101 - every route here has one
    return message


def _replied_ref(update: Update) -> int | None:
    """The "#id" the replied-to prompt names."""
    replied = _message(update).reply_to_message
    found = _REF.search(replied.text or "") if replied is not None else None
    return int(found.group(1)) if found else None


def exemption_keyboard(report: OweReport) -> InlineKeyboardMarkup | None:
    """[指标N 申请不适用] under /owe for each owed item not already asked about."""
    rows = [
        [
            InlineKeyboardButton(
                texts.BUTTON_EXEMPTION.format(number=item.indicator),
                callback_data=keyboards.encode(ASK, item.obligation_id),
            )
        ]
        for item in report.owed
        if item.exemption is None or item.exemption.status == "refused"
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _decision_keyboard(exemption_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.BUTTON_APPROVE, callback_data=keyboards.encode(APPROVE, exemption_id)
                ),
                InlineKeyboardButton(
                    texts.BUTTON_REFUSE, callback_data=keyboards.encode(REFUSE, exemption_id)
                ),
            ]
        ]
    )


async def reply_requests(message: Message, requests: tuple[ExemptionItem, ...], zone: str) -> None:
    """/review, after the submissions: each 不适用 request waiting, with [批准] [驳回]."""
    if not requests:
        return
    await message.reply_text(requests_header(len(requests)))
    for item in requests:
        await message.reply_text(
            request_item_text(item, zone, html_escape),
            reply_markup=_decision_keyboard(item.exemption_id),
        )


async def _tell_unit(context: BotContext, decision: ExemptionDecision) -> None:
    notice = decided_notice(decision, html_escape)
    for chat_id in decision.notify_chats:
        try:
            await context.bot.send_message(chat_id, notice)
        except TelegramError:
            continue  # the decision is recorded; the unit also sees it in /owe


# --- a unit asks ----------------------------------------------------------------------------


async def not_applicable(update: Update, context: BotContext) -> None:
    """/na 7 理由: ask for the unit to be excused from indicator 7."""
    args = context.args or []
    if len(args) < 2:
        await _message(update).reply_text(texts.NA_USAGE)
        return
    number, reason = args[0], " ".join(args[1:])
    item = await context.act(update, request_exemption, number, reason, context.now())
    await _message(update).reply_text(requested_text(item, html_escape))


async def ask_request_reason(update: Update, context: BotContext) -> None:
    """[申请不适用]: ask for the reason as a reply (the prompt names the obligation)."""
    callback = await button_of(update)
    assert callback.args  # noqa: S101 - the pattern guarantees it
    ref = await context.act(update, describe_obligation, int(callback.args[0]))
    await _message(update).reply_text(
        ask_request_reason_text(ref, html_escape), reply_markup=ForceReply(selective=True)
    )


async def receive_request_reason(update: Update, context: BotContext) -> None:
    """The reply with the reason: the request is recorded for the coordinator's /review."""
    obligation_id = _replied_ref(update)
    if obligation_id is None:
        return
    reason = _message(update).text or ""
    item = await context.act(update, request_exemption_for, obligation_id, reason, context.now())
    await _message(update).reply_text(requested_text(item, html_escape))


# --- the coordinator decides -----------------------------------------------------------------


async def approve(update: Update, context: BotContext) -> None:
    """[批准]: the obligation is excused; the unit is told."""
    query = update.callback_query
    callback = await button_of(update)
    assert query is not None and callback.args  # noqa: S101
    decision = await context.act(update, approve_exemption, int(callback.args[0]), context.now())
    await query.edit_message_text(decided_text(decision, html_escape))
    await _tell_unit(context, decision)


async def ask_refusal_reason(update: Update, context: BotContext) -> None:
    """[驳回]: ask for the reason as a reply."""
    callback = await button_of(update)
    assert callback.args  # noqa: S101
    item = await context.act(update, describe_request, int(callback.args[0]))
    await _message(update).reply_text(
        ask_refusal_reason_text(item, html_escape), reply_markup=ForceReply(selective=True)
    )


async def receive_refusal_reason(update: Update, context: BotContext) -> None:
    """The reply with the refusal's reason: the unit is told the decision and why."""
    exemption_id = _replied_ref(update)
    if exemption_id is None:
        return
    reason = _message(update).text or ""
    decision = await context.act(update, refuse_exemption, exemption_id, reason, context.now())
    await _tell_unit(context, decision)
    await _message(update).reply_text(decided_text(decision, html_escape))


async def excuse_directly(update: Update, context: BotContext) -> None:
    """/excuse 公安局 7 理由: a coordinator excuses a unit without a request."""
    args = context.args or []
    if len(args) < 3:
        await _message(update).reply_text(texts.EXCUSE_USAGE)
        return
    unit, number, reason = args[0], args[1], " ".join(args[2:])
    decision = await context.act(update, excuse, unit, number, reason, context.now())
    await _tell_unit(context, decision)
    await _message(update).reply_text(decided_text(decision, html_escape))


async def extend_deadline(update: Update, context: BotContext) -> None:
    """/extend 公安局 7|全部 2023-10-20[T18:00]: one unit's own deadline."""
    args = context.args or []
    parsed = parse_deadline_args(args[2:]) if len(args) >= 3 else None
    if parsed is None or parsed[0] is not None:
        await _message(update).reply_text(texts.EXTEND_USAGE)
        return
    unit, which, when = args[0], args[1], parsed[1]
    number = None if which.lower() in texts.EXTEND_ALL_WORDS else which
    extension = await context.act(update, extend, unit, number, when)
    await _message(update).reply_text(extended_text(extension, html_escape))


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the 不适用 and extension routes; call before any catch-all handler."""
    updates = ~filters.UpdateType.EDITED
    add = application.add_handler
    add(CommandHandler("na", not_applicable, filters=updates))
    add(CommandHandler("excuse", excuse_directly, filters=updates))
    add(CommandHandler("extend", extend_deadline, filters=updates))
    add(CallbackQueryHandler(ask_request_reason, pattern=f"^{ASK}:"))
    add(CallbackQueryHandler(approve, pattern=f"^{APPROVE}:"))
    add(CallbackQueryHandler(ask_refusal_reason, pattern=f"^{REFUSE}:"))
    asked = PromptReply(texts.EXEMPTION_ASK_REASON)
    add(MessageHandler(updates & asked, receive_request_reason))
    add(MessageHandler(updates & PromptReply(texts.EXEMPTION_ASK_REFUSAL), receive_refusal_reason))
