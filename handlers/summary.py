"""/summary and /export: what the coordinator sees and hands in."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import Update

from bot.package import write_package
from bot.services.export import plan_package
from bot.services.summary import summary_for
from bot.wording import html_escape
from bot.wording.review import export_text, summary_filename, summary_text
from bot.workbooks import summary_workbook
from handlers import render
from handlers.common import reply_parts
from handlers.context import BotContext


async def show_summary(update: Update, context: BotContext) -> None:
    """Who has delivered what: a line per unit, overdue first, and the workbook attached."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    now = context.now()
    result = await context.act(update, summary_for, now)
    # 200 units × 50 indicators is 10,000 marks to format: not on the event loop either.
    text = await context.compute(summary_text, result, now, html_escape)
    await reply_parts(message, render.split_message(text))
    workbook = await context.build(summary_workbook, result)
    await message.reply_document(workbook, filename=summary_filename(result, now))


async def export(update: Update, context: BotContext) -> None:
    """/export: the package as zip files (汇总.xlsx + files by group / indicator / unit)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    plan = await context.act(update, plan_package, context.now())
    with tempfile.TemporaryDirectory() as folder:
        result = await context.build(write_package, plan, context.runtime.store, Path(folder))
        await message.reply_text(export_text(result))
        for part in result.parts:
            await message.reply_document(part, filename=part.name)
