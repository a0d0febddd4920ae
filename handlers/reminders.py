"""/remind (一键催办), /deadline, /pause, /resume, /rules: coordinators steer reminders."""

from __future__ import annotations

from datetime import date, datetime

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, filters

from bot import texts
from bot.importer import DEADLINE_TIME
from bot.services import reminders
from bot.wording import html_escape
from bot.wording import reminders as wording
from handlers.context import BotContext
from handlers.jobs import send_pending


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None  # noqa: S101 - CommandHandler guarantees it
    return message


async def remind(update: Update, context: BotContext) -> None:
    """/remind [unit]: a round now to that unit, or to every unit that still owes."""
    named = " ".join(context.args or []).strip() or None
    planned = await context.act(update, reminders.plan_manual_round, context.now(), named)
    await send_pending(context)
    await _message(update).reply_text(wording.remind_text(planned, html_escape))


async def set_deadline(update: Update, context: BotContext) -> None:
    """/deadline [indicator] YYYY-MM-DD [HH:MM]: move a deadline; reminders follow."""
    parsed = parse_deadline_args(context.args or [])
    if parsed is None:
        await _message(update).reply_text(texts.DEADLINE_USAGE)
        return
    indicator, when = parsed
    result = await context.act(update, reminders.set_deadline, when, indicator)
    await _message(update).reply_text(wording.deadline_text(result, html_escape))


def parse_deadline_args(args: list[str]) -> tuple[str | None, datetime] | None:
    """[indicator] date [time] → (indicator or None, naive campaign-local datetime)."""
    indicator = None
    if args and args[0].rstrip(".、").isdigit() and len(args[0]) <= 3:
        indicator, args = args[0].rstrip(".、"), args[1:]
    if not args or len(args) > 2:
        return None
    try:
        parsed = datetime.fromisoformat(" ".join(args).replace("T", " "))
    except ValueError:
        return None
    if len(args) == 1 and "T" not in args[0] and ":" not in args[0]:
        parsed = datetime.combine(date(parsed.year, parsed.month, parsed.day), DEADLINE_TIME)
    return indicator, parsed


async def pause(update: Update, context: BotContext) -> None:
    """/pause in a group: no reminders there until /resume."""
    result = await context.act(update, reminders.pause)
    await _message(update).reply_text(wording.pause_text(result))


async def resume(update: Update, context: BotContext) -> None:
    """/resume in a group: reminders again from the next round."""
    result = await context.act(update, reminders.resume)
    await _message(update).reply_text(wording.pause_text(result))


async def rules(update: Update, context: BotContext) -> None:
    """/rules: show the reminder rules; /rules RULE, RULE…: replace them (coordinators)."""
    written = " ".join(context.args or []).strip()
    if written:
        result = await context.act(update, reminders.set_rules, [written])
    else:
        result = await context.act(update, reminders.current_rules)
    reply = wording.rules_text(result, html_escape, changed=bool(written))
    await _message(update).reply_text(reply)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the reminder commands; call before any catch-all command handler."""
    updates = ~filters.UpdateType.EDITED
    application.add_handler(CommandHandler("remind", remind, filters=updates))
    application.add_handler(CommandHandler("deadline", set_deadline, filters=updates))
    application.add_handler(CommandHandler("pause", pause, filters=updates))
    application.add_handler(CommandHandler("resume", resume, filters=updates))
    application.add_handler(CommandHandler("rules", rules, filters=updates))
