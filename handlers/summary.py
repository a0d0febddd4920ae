"""/summary: progress text plus the Excel workbook, for coordinators."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from bot import texts
from bot.services.campaigns import CampaignNotFound
from bot.services.summary import summary
from bot.workbooks import summary_workbook
from handlers import render
from handlers.common import actor_of, reply_parts
from handlers.context import BotContext


async def show_summary(update: Update, context: BotContext) -> None:
    """Who has delivered what: a line per unit, overdue first, and the workbook attached."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    if not actor.may_see_summary:
        await message.reply_text(texts.SUMMARY_REFUSED)
        return
    now = context.now()
    with context.db.uow() as uow:
        try:
            result = summary(uow, now)
        except CampaignNotFound as error:
            await message.reply_text(render.escape(str(error)))
            return
    await reply_parts(message, render.summary_message(result, now))
    day = now.astimezone(ZoneInfo(result.timezone)).strftime("%Y%m%d-%H%M")
    await message.reply_document(
        summary_workbook(result),
        filename=texts.SUMMARY_FILENAME.format(code=result.campaign, date=day),
    )
