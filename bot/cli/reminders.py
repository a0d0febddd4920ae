"""Deadlines, reminders, 不适用 and extensions from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from bot import texts
from bot.cli.common import OPERATOR, now_of, open_database
from bot.config import Settings
from bot.importer import DEADLINE_TIME
from bot.services import reminders
from bot.services.exemptions import excuse
from bot.services.extensions import extend
from bot.wording import reminders as reminder_words
from bot.wording.exemptions import decided_text, extended_text


def cmd_deadline(args: argparse.Namespace, settings: Settings) -> int:
    when = args.when
    if not isinstance(when, datetime):
        when = datetime.combine(when, DEADLINE_TIME)  # a date means the end of that day
    database = open_database(settings)
    result = database.run(reminders.set_deadline, OPERATOR, when, args.indicator, args.campaign)
    print(reminder_words.deadline_text(result))
    return 0


def cmd_reminders_set(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    result = database.run(reminders.set_rules, OPERATOR, args.rules, args.campaign)
    print(reminder_words.rules_text(result, changed=True))
    return 0


def cmd_reminders_list(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    now = now_of(args)
    rules = database.run(reminders.current_rules, OPERATOR, args.campaign)
    rounds = database.run(reminders.upcoming_rounds, OPERATOR, now, args.campaign, args.limit)
    print(reminder_words.upcoming_text(rules, rounds))
    return 0


class PrintingSender:
    """A Sender for the terminal: prints each message, worded plain."""

    def __init__(self) -> None:
        self.count = 0

    async def send(self, chat_id: int, message: reminders.Outgoing) -> int:
        self.count += 1
        print(reminder_words.printed_message_text(chat_id, message, self.count))
        return self.count


def cmd_reminders_run_once(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    if not args.send:
        preview = database.run(reminders.preview_round, OPERATOR, now_of(args))
        print(reminder_words.preview_text(preview))
        return 0
    report = asyncio.run(reminders.run_reminders(database, PrintingSender(), now_of(args)))
    if report.locked_out:
        print(texts.CLI_DISPATCH_BUSY, file=sys.stderr)
        return 1
    print(reminder_words.run_once_text(report))
    return 0


def cmd_excuse(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    reason = " ".join(args.reason)
    decision = database.run(
        excuse, OPERATOR, args.unit, args.indicator, reason, now_of(args), args.campaign
    )
    print(decided_text(decision))
    return 0


def cmd_extend(args: argparse.Namespace, settings: Settings) -> int:
    when = args.when
    if not isinstance(when, datetime):
        when = datetime.combine(when, DEADLINE_TIME)  # a date means the end of that day
    database = open_database(settings)
    result = database.run(extend, OPERATOR, args.unit, args.indicator, when, args.campaign)
    print(extended_text(result))
    return 0
