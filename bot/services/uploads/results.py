"""What the upload use cases answer with: plain, frozen values (no ORM rows, no text).

bot.wording.uploads turns each of them into sentences, for the bot and the CLI alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.progress import OwedIndicator
from bot.services.templates import TemplateInfo
from bot.structure import Difference


@dataclass(frozen=True)
class Choice:
    """An indicator offered as a button: its number, title and the matcher's score."""

    number: str
    title: str
    score: float
    lead: str = ""  # an indicator the unit supports: its file goes to this lead as a contribution


@dataclass(frozen=True)
class Filed:
    """A file filed to an indicator: what a receipt shows."""

    submission_id: int
    number: str
    title: str
    filename: str
    size: int
    method: str  # auto / chosen / corrected
    unit: str
    still_owed: tuple[OwedIndicator, ...]
    password_protected: bool = False  # the reviewer will need the password from the unit
    lead: str = ""  # a contribution: filed to this lead unit's obligation, not counted yet
    lead_chats: tuple[int, ...] = ()  # where the lead is told of the contribution
    differences: tuple[Difference, ...] = ()  # how it differs from the indicator's template


@dataclass(frozen=True)
class Adopted:
    """A supporting unit's contribution adopted as the lead's own delivery."""

    submission_id: int
    filename: str
    number: str
    title: str
    lead: str
    contributor: str


@dataclass(frozen=True)
class NeedsChoice:
    """The bot is unsure: the question waits (in the database) for the person's pick."""

    pending_id: int
    filename: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class NotOwed:
    """The file clearly belongs to an indicator the unit does not owe: offer its own."""

    pending_id: int
    filename: str
    number: str
    title: str
    unit: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Duplicate:
    """The same bytes are already filed for this unit: nothing new is recorded."""

    filename: str
    number: str
    title: str
    version: int
    uploaded_at: datetime


@dataclass(frozen=True)
class BlankTemplate:
    """One of the campaign's templates sent back unchanged (same bytes): not filed."""

    template: TemplateInfo


@dataclass(frozen=True)
class Ignored:
    """Not a submission and nothing to say: a file shared as conversation (the coordinator
    group, for someone who acts for no unit there)."""


@dataclass(frozen=True)
class Admitted:
    """The sender may upload here and the file may be downloaded."""


@dataclass(frozen=True)
class Throttled:
    """A file of a burst beyond the unit's pace, after the one answer the burst gets: not
    downloaded, and nothing said (hundreds of files must not draw hundreds of replies)."""


@dataclass(frozen=True)
class Cancelled:
    """A pending question dropped: its file is not filed."""

    filename: str


@dataclass(frozen=True)
class Withdrawn:
    """A submission withdrawn from its indicator."""

    filename: str
    number: str


@dataclass(frozen=True)
class Moved:
    """A submission moved from indicator `old_number` to where `filed` says."""

    old_number: str
    filed: Filed


@dataclass(frozen=True)
class MoveChoices:
    """Where a submission may be moved: the other indicators its unit owes."""

    submission_id: int
    filename: str
    choices: tuple[Choice, ...]


UploadOutcome = Filed | NeedsChoice | NotOwed | Duplicate | BlankTemplate
