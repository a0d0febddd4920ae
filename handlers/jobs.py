"""The reminder job and the Telegram side of sending: the database says what is due.

PTB's JobQueue (APScheduler) only wakes the dispatcher. Jobs live in memory and PTB leaves
APScheduler's misfire_grace_time at 1 s, so a late wake-up would be dropped silently; hence
`misfire_grace_time=None` and, above all, nothing about what is due kept in the job.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application

from bot.config import Settings
from bot.services.housekeeping import sweep_orphan_blobs
from bot.services.reminders import (
    ChatUnreachable,
    DispatchReport,
    MessageRejected,
    Outgoing,
    ReminderMessage,
    RetryLater,
    dispatch_pending,
    run_reminders,
)
from bot.wording import html_escape
from bot.wording.reminders import outgoing_text
from handlers import keyboards
from handlers.context import BotContext

log = logging.getLogger(__name__)

JOB_NAME = "reminders:dispatch"
# Seconds to wait after a timeout or a 5xx that survived the rate limiter's own retries.
NETWORK_BACKOFF = 30.0
# BadRequest descriptions that mean the chat is gone rather than the message being wrong.
GONE = ("chat not found", "group chat was deactivated", "bot is not a member")


class TelegramSender:
    """The reminders' Sender port over a PTB Bot (rate-limited by the Application)."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, message: Outgoing) -> int:
        """Word one message of a round for Telegram (HTML) and send it; a reminder carries
        the same [模板 N] buttons as /owe."""
        markup = None
        if isinstance(message, ReminderMessage):
            markup = keyboards.template_keyboard(message.templates)
        return await self.send_html(chat_id, outgoing_text(message, html_escape), markup)

    async def send_html(
        self, chat_id: int, text_html: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        """Send one HTML message; Telegram's failures become the service's exceptions."""
        try:
            try:
                message = await self._send(chat_id, text_html, markup)
            except ChatMigrated as moved:
                # The group became a supergroup: deliver there now; the migration service
                # message the bot also receives rebinds the group (handlers/onboarding).
                message = await self._send(moved.new_chat_id, text_html, markup)
        except Forbidden as error:
            raise ChatUnreachable(error.message) from error
        except RetryAfter as error:
            raise RetryLater(_seconds(error.retry_after), error.message) from error
        except ChatMigrated as error:  # migrated twice in a row: treat as gone
            raise ChatUnreachable(error.message) from error
        except BadRequest as error:  # before NetworkError: BadRequest subclasses it
            if any(gone in error.message.lower() for gone in GONE):
                raise ChatUnreachable(error.message) from error
            raise MessageRejected(error.message) from error
        except NetworkError as error:  # TimedOut included; 5xx answers arrive as NetworkError
            raise RetryLater(NETWORK_BACKOFF, error.message) from error
        return message.message_id

    async def _send(
        self, chat_id: int, text_html: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        return await self._bot.send_message(
            chat_id,
            text_html,
            parse_mode=ParseMode.HTML,
            disable_notification=False,
            reply_markup=markup,
        )


def _seconds(retry_after: Any) -> float:
    """PTB gives int seconds, or a timedelta when PTB_TIMEDELTA is set."""
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


async def dispatch_reminders(context: BotContext) -> None:
    """One check: plan what is due from the database, then send everything pending."""
    report = await run_reminders(context.db, TelegramSender(context.bot), context.now())
    if report.unreachable:
        log.warning("reminder chats unreachable: %s", report.unreachable)


async def send_pending(context: BotContext) -> DispatchReport:
    """Send what is pending now (a manual round just planned); if a pass is already running,
    it or the next check sends it."""
    return await dispatch_pending(context.db, TelegramSender(context.bot), context.now())


def register_reminder_jobs(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Wake the dispatcher every `reminder_check_seconds`, starting a second after start-up."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("install python-telegram-bot[job-queue] to send reminders")
    for stale in job_queue.get_jobs_by_name(JOB_NAME):
        stale.schedule_removal()
    job_queue.run_repeating(
        dispatch_reminders,  # type: ignore[arg-type]
        interval=settings.reminder_check_seconds,
        first=1,
        name=JOB_NAME,
        # Late is fine (the database decides what is due); never two passes at once.
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


SWEEP_JOB_NAME = "housekeeping:sweep-blobs"


async def sweep_blobs(context: BotContext) -> None:
    """Daily: remove stored files nothing has referred to for ORPHAN_BLOB_GRACE_HOURS."""
    grace = timedelta(hours=context.settings.orphan_blob_grace_hours)
    await context.call(sweep_orphan_blobs, context.runtime.store, context.now(), grace)


def register_housekeeping_jobs(application: Application) -> None:  # type: ignore[type-arg]
    """The sweep of unreferenced files: once a day, the first an hour after start-up."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("install python-telegram-bot[job-queue] to run housekeeping")
    job_queue.run_repeating(
        sweep_blobs,  # type: ignore[arg-type]
        interval=timedelta(days=1),
        first=timedelta(hours=1),
        name=SWEEP_JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
