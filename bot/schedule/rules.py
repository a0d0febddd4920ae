"""Reminder rules: the grammar, its errors and the parsed `ReminderRule`.

Rule grammar (whitespace, case and full-width characters such as －＋：１ are ignored/folded):

    <±N>d HH:MM            at HH:MM local time on the deadline's local date + N days
    <±N>d HH:MM daily      ... and again every working day after, until the unit delivers
    <±N>d HH:MM daily xK   ... at most K reminders in all (K working-day rounds)
    ±[Nd][Nh][Nm]          an exact offset from the deadline instant: -2h, -30m, -1d, -1d12h

A non-zero offset must carry its sign, because "3d 09:00" could mean before or after.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Literal

from bot.refusals import Refusal
from bot.texts import (
    RULE_BAD_REPEAT,
    RULE_BAD_TIME,
    RULE_NEEDS_SIGN,
    RULE_OUT_OF_RANGE,
    RULE_UNKNOWN,
)

DEFAULT_RULES = "-3d 09:00, -1d 09:00, 0d 09:00, +1d 09:00 daily"
# Offset rules have no wall-clock time of their own; a quiet-day move lands here.
WORKDAY_MORNING = time(9, 0)
# Bounds keep canonical rule texts short (the ledger column holds 64 chars) and loops finite.
MAX_RULE_DAYS = 366
MAX_REPEAT = 366


RuleKind = Literal["day", "offset"]

# Characters NFKC leaves alone but people type for "-" and "x".
_FOLD = str.maketrans({"−": "-", "–": "-", "—": "-", "×": "x", "＊": "x", "*": "x"})
_RULE_SEPARATORS = re.compile(r"[,;、\n]+")
_DAY_RULE = re.compile(
    r"(?P<sign>[+-]?)(?P<days>\d+)d(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?P<daily>daily(?:x(?P<limit>\d+))?)?"
)
_OFFSET_RULE = re.compile(r"(?P<sign>[+-]?)(?=\d)(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?")


class RuleError(Refusal, ValueError):
    """A reminder rule (or quiet-day list) that cannot be understood; the sentence is for users."""


@dataclass(frozen=True)
class ReminderRule:
    """One parsed reminder rule; `text` is its canonical spelling, stable across inputs."""

    text: str
    kind: RuleKind
    day_offset: int = 0
    at: time | None = None
    offset: timedelta | None = None
    repeat_daily: bool = False
    repeat_limit: int | None = None

    def __post_init__(self) -> None:
        # The parser guarantees these; the checks catch hand-built rules that would misfire.
        if self.kind == "day" and (self.at is None or self.offset is not None):
            raise ValueError(f"day rule {self.text!r} needs a time of day and no offset")
        if self.kind == "offset" and (
            self.offset is None or self.at is not None or self.repeat_daily
        ):
            raise ValueError(f"offset rule {self.text!r} needs an offset and nothing else")

    def __str__(self) -> str:
        return self.text

    @property
    def wall_clock(self) -> time:
        """The local time a round fires at, or lands at when a quiet day moves it."""
        return self.at or WORKDAY_MORNING


def parse_rule(text: str) -> ReminderRule:
    """Parse one rule such as `-3d 09:00`, `+1d 09:00 daily x5` or `-1d12h`."""
    compact = _normalise(text)
    if match := _DAY_RULE.fullmatch(compact):
        return _day_rule(text, match)
    if match := _OFFSET_RULE.fullmatch(compact):
        return _offset_rule(text, match)
    raise RuleError(RULE_UNKNOWN, rule=text.strip())


def parse_rules(rules: str | Iterable[str]) -> list[ReminderRule]:
    """Parse rules separated by commas, semicolons, 、 or newlines (in one string or a list)."""
    items = [rules] if isinstance(rules, str) else rules
    pieces = [piece for item in items for piece in _split_rules(item)]
    # Keyed by canonical text: "-2h" and "-120m" are one rule, kept once, first place wins.
    parsed: dict[str, ReminderRule] = {}
    for piece in pieces:
        if piece.strip():
            rule = parse_rule(piece)
            parsed.setdefault(rule.text, rule)
    return list(parsed.values())


def _split_rules(text: str) -> list[str]:
    """Split on separators after folding, so full-width ，；work too."""
    return _RULE_SEPARATORS.split(unicodedata.normalize("NFKC", text))


def _normalise(text: str) -> str:
    """Fold width, dashes and case, and drop all whitespace (the grammar needs none)."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return "".join(folded.split())


def _day_rule(original: str, match: re.Match[str]) -> ReminderRule:
    """Build a day rule from its regex match."""
    days = _signed(original, match["sign"], int(match["days"]))
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise RuleError(RULE_BAD_TIME, rule=original.strip())
    limit = int(match["limit"]) if match["limit"] is not None else None
    if limit == 0:
        raise RuleError(RULE_BAD_REPEAT, rule=original.strip())
    if abs(days) > MAX_RULE_DAYS or (limit or 0) > MAX_REPEAT:
        raise _out_of_range(original)
    at = time(hour, minute)
    text = f"{_signed_text(days)}d {at:%H:%M}"
    if match["daily"]:
        text += " daily" + (f" x{limit}" if limit else "")
    return ReminderRule(
        text=text,
        kind="day",
        day_offset=days,
        at=at,
        repeat_daily=bool(match["daily"]),
        repeat_limit=limit,
    )


def _offset_rule(original: str, match: re.Match[str]) -> ReminderRule:
    """Build an exact-offset rule from its regex match; `-90m` and `-1h30m` are one rule."""
    minutes = int(match["d"] or 0) * 1440 + int(match["h"] or 0) * 60 + int(match["m"] or 0)
    minutes = _signed(original, match["sign"], minutes)
    if abs(minutes) > MAX_RULE_DAYS * 1440:
        raise _out_of_range(original)
    return ReminderRule(
        text=_offset_text(minutes), kind="offset", offset=timedelta(minutes=minutes)
    )


def _signed(original: str, sign: str, magnitude: int) -> int:
    """Apply the sign, insisting on one for any non-zero amount."""
    if magnitude and not sign:
        raise RuleError(RULE_NEEDS_SIGN, rule=original.strip())
    return -magnitude if sign == "-" else magnitude


def _signed_text(value: int) -> str:
    """`+1`, `-3`, and a bare `0`."""
    return f"{value:+d}" if value else "0"


def _offset_text(minutes: int) -> str:
    """Canonical offset spelling: largest units first, zero parts left out, `0m` for zero."""
    if minutes == 0:
        return "0m"
    days, rest = divmod(abs(minutes), 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return ("-" if minutes < 0 else "+") + "".join(parts)


def _out_of_range(original: str) -> RuleError:
    """The error for amounts beyond the bounds."""
    return RuleError(
        RULE_OUT_OF_RANGE, days=MAX_RULE_DAYS, repeat=MAX_REPEAT, rule=original.strip()
    )
