"""What the reminder use cases return, and what a reminder round says, as plain result objects.

Produced by bot.services.reminders and worded by bot.wording.reminders, for the bot (HTML)
and the CLI (plain) alike. They live in the core, beside bot.progress, so that the wording
reads them without importing a service; nothing here touches the database or writes a
sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.progress import ObligationState, SupportState


@dataclass(frozen=True)
class RulesSet:
    campaign: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class DeadlineSet:
    campaign: str
    indicator: str | None  # None: the campaign-wide deadline
    title: str
    deadline: datetime  # in the campaign's zone
    timezone: str


@dataclass(frozen=True)
class UpcomingRound:
    """A round still to come: when, which rule, for which indicators and units."""

    due_at: datetime  # in the campaign's zone
    campaign: str
    rules: tuple[str, ...]
    indicators: tuple[str, ...]
    units: tuple[str, ...]


@dataclass(frozen=True)
class PauseResult:
    chat_id: int
    title: str
    unit: str | None
    paused: bool


@dataclass(frozen=True)
class ManualRound:
    """What a 一键催办 planned: who will be reminded now, and who not, and why."""

    units: tuple[str, ...]
    nothing_owed: tuple[str, ...]
    unreached: tuple[str, ...]  # owe, but have no reachable, unpaused group and no contact


@dataclass(frozen=True)
class DispatchReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    recovered: int = 0  # rows left `sending` by an interrupted pass, sent again
    unreachable: tuple[int, ...] = ()  # chats that answered 403 in this pass
    locked_out: bool = False  # another dispatcher holds the lock; nothing was done


# --- what a round says ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderMessage:
    """Everything one unit still owes, for its group (or its contacts' private chats), then
    the indicators it supports whose lead still owes (配合事项)."""

    unit: str
    campaign: str  # the campaign's title
    owed: tuple[ObligationState, ...]
    now: datetime  # for the time left before each deadline
    timezone: str
    manual: bool = False  # a coordinator's 催办 rather than a scheduled round
    supported: tuple[SupportState, ...] = ()
    templates: tuple[str, ...] = ()  # owed indicators with templates: their [模板] buttons


@dataclass(frozen=True)
class DigestMessage:
    """For the coordinators: who was reminded at one instant, who not, who is overdue."""

    campaign: str
    due_at: datetime  # in the campaign's zone
    reminded: tuple[str, ...]
    missed: tuple[str, ...]
    paused: tuple[str, ...]
    overdue: tuple[str, ...]


@dataclass(frozen=True)
class UnreachableNotice:
    """For the coordinators: a unit's group removed the bot; where its reminders go now."""

    unit: str
    groups: tuple[str, ...]  # titles of the unit's unreachable groups
    contacts: int  # private chats the round falls back to (0: it reaches nobody)


Outgoing = ReminderMessage | DigestMessage | UnreachableNotice


@dataclass(frozen=True)
class RoundPreview:
    """A dry run of one check: the messages it would send, to which chat, in order."""

    messages: tuple[tuple[int, Outgoing], ...]
