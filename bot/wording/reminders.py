"""What the reminder flow says: the round's messages, the coordinators' digest and notices,
and the answers to /remind, /rules, /deadline, /pause and the `reminders` commands."""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot import texts
from bot.reminder_results import (
    DeadlineSet,
    DigestMessage,
    DispatchReport,
    ManualRound,
    Outgoing,
    PauseResult,
    ReminderMessage,
    RoundPreview,
    RulesSet,
    UnreachableNotice,
    UpcomingRound,
)
from bot.wording import Escape, plain
from bot.wording.owe import owed_item_lines, supported_item_lines

# Telegram's limit for one message; a reminder keeps what fits and counts the rest.
MESSAGE_LIMIT = 4096
# Room for names in one digest line, so a digest of 1,000 units still fits one message.
NAMES_LIMIT = 900
_TAG = re.compile(r"</?[a-z]+>")


def markup(template: str, escape: Escape) -> str:
    """A catalog text with HTML tags (<b>…</b>): kept where `escape` produces HTML, dropped
    where the output is plain (the terminal), so the CLI never shows a tag."""
    return template if escape("<") != "<" else _TAG.sub("", template)


# --- the round's messages ---------------------------------------------------------------------


def outgoing_text(message: Outgoing, escape: Escape = plain) -> str:
    """Any message a round sends."""
    if isinstance(message, ReminderMessage):
        return reminder_text(message, escape)
    if isinstance(message, DigestMessage):
        return digest_text(message, escape)
    return unreachable_text(message, escape)


def reminder_text(message: ReminderMessage, escape: Escape = plain) -> str:
    """Everything the unit owes, in one message, then the indicators it supports whose lead
    still owes (配合事项): as many items as fit, then a count."""
    zone = ZoneInfo(message.timezone)
    header = texts.REMINDER_MANUAL_HEADER if message.manual else texts.REMINDER_HEADER
    campaign = escape(message.campaign)
    head = [
        markup(header, escape).format(unit=escape(message.unit)),
        texts.REMINDER_INTRO.format(campaign=campaign, owed=len(message.owed))
        if message.owed
        else texts.REMINDER_SUPPORT_INTRO.format(campaign=campaign, count=len(message.supported)),
    ]
    blocks = [owed_item_lines(item, message.now, zone, escape) for item in message.owed]
    supported = [supported_item_lines(s, message.now, zone, escape) for s in message.supported]
    if message.owed and supported:
        supported[0].insert(0, texts.REMINDER_SUPPORT_HEADER)
    return _fit(head, blocks + supported, [texts.REMINDER_FOOTER])


def _fit(head: list[str], blocks: list[list[str]], tail: list[str]) -> str:
    """Head, as many item blocks as fit in one message, a "more" line, and the tail."""
    lines = list(head)
    room = MESSAGE_LIMIT - sum(len(line) + 1 for line in (*head, *tail)) - 80
    for index, block in enumerate(blocks):
        size = sum(len(line) + 1 for line in block)
        if size > room:
            lines.append(texts.REMINDER_MORE.format(more=len(blocks) - index))
            break
        lines.extend(block)
        room -= size
    lines.extend(tail)
    return "\n".join(lines)


def names_text(names: Sequence[str], escape: Escape = plain) -> str:
    """Names joined with 、, cut short with a count past NAMES_LIMIT characters."""
    shown: list[str] = []
    length = 0
    for name in names:
        if length + len(name) > NAMES_LIMIT:
            return texts.DIGEST_AND_MORE.format(
                names="、".join(escape(n) for n in shown), count=len(names)
            )
        shown.append(name)
        length += len(name) + 1
    return "、".join(escape(n) for n in shown)


def digest_text(digest: DigestMessage, escape: Escape = plain) -> str:
    """Who was reminded at this instant, who could not be, who is paused, who is overdue."""
    lines = [
        markup(texts.DIGEST_HEADER, escape).format(
            campaign=escape(digest.campaign),
            when=digest.due_at.strftime(texts.REMINDER_TIME_FORMAT),
        ),
        texts.DIGEST_REMINDED.format(
            count=len(digest.reminded),
            units=names_text(digest.reminded, escape) or texts.NONE_MARK,
        ),
    ]
    if digest.missed:
        lines.append(
            texts.DIGEST_MISSED.format(
                count=len(digest.missed), units=names_text(digest.missed, escape)
            )
        )
    if digest.paused:
        lines.append(texts.DIGEST_PAUSED.format(units=names_text(digest.paused, escape)))
    lines.append(
        texts.DIGEST_OVERDUE.format(
            count=len(digest.overdue), units=names_text(digest.overdue, escape)
        )
        if digest.overdue
        else texts.DIGEST_NO_OVERDUE
    )
    return "\n".join(lines)


def unreachable_text(notice: UnreachableNotice, escape: Escape = plain) -> str:
    """A unit's group is gone: where its reminders go instead."""
    fallback = (
        texts.UNREACHABLE_FALLBACK.format(count=notice.contacts)
        if notice.contacts
        else texts.UNREACHABLE_NO_FALLBACK
    )
    return texts.UNREACHABLE_NOTICE.format(
        unit=escape(notice.unit or texts.NONE_MARK),
        groups=escape("、".join(title or texts.NONE_MARK for title in notice.groups)),
        fallback=fallback,
    )


# --- answers to commands ------------------------------------------------------------------------


def remind_text(result: ManualRound, escape: Escape = plain) -> str:
    """/remind: who was reminded, who could not be, who owes nothing."""
    lines = []
    if result.units:
        lines.append(
            texts.REMIND_DONE.format(count=len(result.units), units=_joined(result.units, escape))
        )
    if result.unreached:
        lines.append(texts.REMIND_UNREACHED.format(units=_joined(result.unreached, escape)))
    if result.nothing_owed:
        lines.append(texts.REMIND_NOTHING_OWED.format(units=_joined(result.nothing_owed, escape)))
    return "\n".join(lines) or texts.REMIND_NONE


def rules_text(result: RulesSet, escape: Escape = plain, *, changed: bool = False) -> str:
    """The rules in force, or the rules just set."""
    template = texts.RULES_SET if changed else texts.RULES_CURRENT
    return template.format(campaign=escape(result.campaign), rules=_joined(result.rules, escape))


def deadline_text(result: DeadlineSet, escape: Escape = plain) -> str:
    """The deadline just moved, in the campaign's zone."""
    deadline = result.deadline.strftime(texts.DEADLINE_FORMAT)
    if result.indicator is None:
        return texts.DEADLINE_SET_CAMPAIGN.format(
            title=escape(result.title), deadline=deadline, tz=result.timezone
        )
    return texts.DEADLINE_SET_INDICATOR.format(
        number=escape(result.indicator),
        title=escape(result.title),
        deadline=deadline,
        tz=result.timezone,
    )


def pause_text(result: PauseResult) -> str:
    """/pause and /resume (nothing in it comes from users, so nothing to escape)."""
    return texts.REMINDERS_PAUSED if result.paused else texts.REMINDERS_RESUMED


def upcoming_text(rules: RulesSet, rounds: Sequence[UpcomingRound], escape: Escape = plain) -> str:
    """`reminders list`: the rules in force, then the next rounds."""
    lines = [
        rules_text(rules, escape),
        texts.UPCOMING_HEADER.format(campaign=escape(rules.campaign)),
    ]
    lines.extend(
        texts.UPCOMING_LINE.format(
            when=round_.due_at.strftime(texts.DEADLINE_FORMAT),
            rules=_joined(round_.rules, escape),
            indicators=_joined(round_.indicators, escape),
            units=_joined(round_.units, escape),
        )
        for round_ in rounds
    )
    if not rounds:
        lines.append(texts.UPCOMING_NONE)
    return "\n".join(lines)


def printed_message_text(
    chat_id: int, message: Outgoing, message_id: int | None, escape: Escape = plain
) -> str:
    """One message as the terminal shows it: where it goes, then what it says."""
    text = outgoing_text(message, escape)
    if message_id is None:
        return texts.CLI_PREVIEW_MESSAGE.format(chat=chat_id, text=text)
    return texts.CLI_PRINTED_MESSAGE.format(chat=chat_id, message_id=message_id, text=text)


def preview_text(preview: RoundPreview, escape: Escape = plain) -> str:
    """`reminders run-once` without --send: every message the check would send, then a count."""
    lines = [
        printed_message_text(chat, message, None, escape) for chat, message in preview.messages
    ]
    lines.append(texts.CLI_PREVIEW_DONE.format(count=len(preview.messages)))
    return "\n".join(lines)


def run_once_text(report: DispatchReport) -> str:
    """`reminders run-once --send`: what the check did (counts only)."""
    return texts.CLI_RUN_ONCE.format(
        sent=report.sent, failed=report.failed, skipped=report.skipped, retrying=report.retrying
    )


def _joined(names: Sequence[str], escape: Escape) -> str:
    return "、".join(escape(name) for name in names)
