"""/remind (一键催办), /deadline, /pause, /resume, /rules: coordinators steer reminders."""

from __future__ import annotations

from datetime import date, datetime

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot import texts
from bot.importer import DEADLINE_TIME
from bot.schedule import RuleError
from bot.services import reminders
from bot.services.access import NotAllowed
from bot.services.campaigns import CampaignNotFound, UnitNotFound
from handlers import render
from handlers.common import actor_of
from handlers.context import BotContext
from handlers.jobs import TelegramSender

# Failures whose message is written for the person who typed the command.
EXPECTED = (
    NotAllowed,
    RuleError,
    reminders.ReminderError,
    CampaignNotFound,
    UnitNotFound,
)


async def remind(update: Update, context: BotContext) -> None:
    """/remind [unit]: a round now to that unit, or to every unit that still owes."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    named = " ".join(context.args or []).strip() or None
    try:
        result = await reminders.remind_now(
            context.db, TelegramSender(context.bot), context.now(), named, actor=actor
        )
    except EXPECTED as error:
        await message.reply_text(render.escape(str(error)))
        return
    await message.reply_text(remind_text(result))


def remind_text(result: reminders.RemindResult) -> str:
    lines = []
    if result.units:
        lines.append(texts.REMIND_DONE.format(count=len(result.units), units=_names(result.units)))
    if result.unreached:
        lines.append(texts.REMIND_UNREACHED.format(units=_names(result.unreached)))
    if result.nothing_owed:
        lines.append(texts.REMIND_NOTHING_OWED.format(units=_names(result.nothing_owed)))
    return "\n".join(lines) or texts.REMIND_NONE


async def set_deadline(update: Update, context: BotContext) -> None:
    """/deadline [indicator] YYYY-MM-DD [HH:MM]: move a deadline; reminders follow."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    parsed = parse_deadline_args(context.args or [])
    if parsed is None:
        await message.reply_text(texts.DEADLINE_USAGE)
        return
    indicator, when = parsed
    try:
        with context.db.uow() as uow:
            result = reminders.set_deadline(uow, when, indicator, actor=actor)
    except EXPECTED as error:
        await message.reply_text(render.escape(str(error)))
        return
    deadline = result.deadline.strftime(texts.DEADLINE_FORMAT)
    if result.indicator is None:
        reply = texts.DEADLINE_SET_CAMPAIGN.format(
            title=render.escape(result.title), deadline=deadline, tz=result.timezone
        )
    else:
        reply = texts.DEADLINE_SET_INDICATOR.format(
            number=render.escape(result.indicator),
            title=render.escape(result.title),
            deadline=deadline,
            tz=result.timezone,
        )
    await message.reply_text(reply)


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
    await _pause_or_resume(update, context, paused=True)


async def resume(update: Update, context: BotContext) -> None:
    """/resume in a group: reminders again from the next round."""
    await _pause_or_resume(update, context, paused=False)


async def _pause_or_resume(update: Update, context: BotContext, *, paused: bool) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None  # noqa: S101
    actor = actor_of(update, context)
    change = reminders.pause if paused else reminders.resume
    try:
        with context.db.uow() as uow:
            change(uow, chat.id, actor=actor)
    except EXPECTED as error:
        await message.reply_text(render.escape(str(error)))
        return
    await message.reply_text(texts.REMINDERS_PAUSED if paused else texts.REMINDERS_RESUMED)


async def rules(update: Update, context: BotContext) -> None:
    """/rules: show the reminder rules; /rules RULE, RULE…: replace them (coordinators)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    written = " ".join(context.args or []).strip()
    try:
        with context.db.uow() as uow:
            if written:
                result = reminders.set_rules(uow, [written], actor=actor_of(update, context))
            else:
                result = reminders.current_rules(uow)
    except EXPECTED as error:
        await message.reply_text(render.escape(str(error)))
        return
    template = texts.RULES_SET if written else texts.RULES_CURRENT
    await message.reply_text(
        template.format(campaign=render.escape(result.campaign), rules="、".join(result.rules))
    )


def _names(names: tuple[str, ...]) -> str:
    return "、".join(render.escape(name) for name in names)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add the reminder commands; call before any catch-all command handler."""
    updates = ~filters.UpdateType.EDITED
    application.add_handler(CommandHandler("remind", remind, filters=updates))
    application.add_handler(CommandHandler("deadline", set_deadline, filters=updates))
    application.add_handler(CommandHandler("pause", pause, filters=updates))
    application.add_handler(CommandHandler("resume", resume, filters=updates))
    application.add_handler(CommandHandler("rules", rules, filters=updates))
