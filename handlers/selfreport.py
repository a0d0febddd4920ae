"""/selfreport: the 自评报告 draft as a Word document."""

from __future__ import annotations

from telegram import Update

from bot.selfreport_docx import draft_document
from bot.services.selfreport import self_report as self_report_of
from bot.wording import html_escape
from bot.wording.selfreport import self_report_filename, self_report_text
from handlers.context import BotContext


async def self_report(update: Update, context: BotContext) -> None:
    """/selfreport [单位]: the campaign's draft for a coordinator, the unit's for its people."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    named = " ".join(context.args or []).strip() or None
    report = await context.act(update, self_report_of, context.now(), named)
    document = await context.build(draft_document, report, context.runtime.store)
    await message.reply_document(
        document,
        filename=self_report_filename(report),
        caption=self_report_text(report, html_escape),
    )
