"""Reminder rules and what is due: pure functions of deadlines, a timezone and an injected `now`.

Rule grammar (whitespace, case and full-width characters such as －＋：１ are ignored/folded):

    <±N>d HH:MM            at HH:MM local time on the deadline's local date + N days
    <±N>d HH:MM daily      ... and again every working day after, until the unit delivers
    <±N>d HH:MM daily xK   ... at most K reminders in all (K working-day rounds)
    ±[Nd][Nh][Nm]          an exact offset from the deadline instant: -2h, -30m, -1d, -1d12h

A non-zero offset must carry its sign, because "3d 09:00" could mean before or after.
Every instant is computed in the campaign's zone and returned as an aware UTC datetime.

Quiet days (weekends and public holidays, but not the official make-up working days 调休,
plus a campaign's own extra dates) never receive a reminder:
- a one-off round on a quiet day moves to the next working day, at the rule's wall-clock time
  (09:00 for offset rules);
- if that move would carry a heads-up (a round due at or before the deadline) past the
  deadline, it moves back instead, to the same time on the last working day before it, so the
  office hears of the deadline while it is still open (e.g. before a long holiday);
- a daily round on a quiet day is simply skipped: the next working day has its own round, and
  `xK` therefore counts reminders actually sent, not calendar days.
Rounds of different rules that land on the same instant for the same deadline are merged.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar

from bot.refusals import Refusal
from bot.texts import (
    DUE_TODAY,
    OVERDUE_DAYS,
    OVERDUE_TODAY,
    QUIET_DATE_CONFLICT,
    QUIET_DATE_INVALID,
    RULE_BAD_REPEAT,
    RULE_BAD_TIME,
    RULE_NEEDS_SIGN,
    RULE_OUT_OF_RANGE,
    RULE_UNKNOWN,
    TIME_LEFT_DAYS,
    TIME_LEFT_HOURS,
    TIME_LEFT_MINUTES,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_RULES = "-3d 09:00, -1d 09:00, 0d 09:00, +1d 09:00 daily"
# Offset rules have no wall-clock time of their own; a quiet-day move lands here.
WORKDAY_MORNING = time(9, 0)
# A missed daily round older than this is superseded by a newer one.
DEFAULT_GRACE = timedelta(days=1)
# Bounds keep canonical rule texts short (the ledger column holds 64 chars) and loops finite.
MAX_RULE_DAYS = 366
MAX_REPEAT = 366
# No real calendar has a longer run of quiet days; beyond it the round stays where it was.
MAX_QUIET_RUN = 60


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


@dataclass(frozen=True)
class Round:
    """One firing of a rule for one deadline."""

    rule: ReminderRule
    due_at: datetime  # aware UTC, after any quiet-day move
    deadline: datetime  # aware UTC
    nominal_at: datetime | None = None  # where the rule put it before a quiet-day move

    @property
    def moved(self) -> bool:
        """Whether a quiet day moved this round away from where the rule put it."""
        return self.nominal_at is not None and self.nominal_at != self.due_at

    @property
    def is_heads_up(self) -> bool:
        """Whether the rule meant this round to arrive before the deadline (not to chase)."""
        return (self.nominal_at or self.due_at) <= self.deadline


@dataclass(frozen=True)
class CatchUp:
    """Rounds found due after downtime, split into what to send and what to record as skipped."""

    send: tuple[Round, ...]
    skip: tuple[Round, ...]


# --- parsing -------------------------------------------------------------------------------


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


# --- quiet days ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietDays:
    """Which local dates are not working days: the official calendar plus a campaign's own."""

    extra_holidays: AbstractSet[date] = frozenset()
    extra_workdays: AbstractSet[date] = frozenset()
    use_official_calendar: bool = True

    def __post_init__(self) -> None:
        # Frozen copies keep the value hashable and safe from the caller's later edits.
        object.__setattr__(self, "extra_holidays", frozenset(self.extra_holidays))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))
        if both := self.extra_holidays & self.extra_workdays:
            days = "、".join(sorted(day.isoformat() for day in both))
            raise RuleError(QUIET_DATE_CONFLICT, days=days)

    @classmethod
    def from_iso(
        cls,
        holidays: Iterable[str] = (),
        workdays: Iterable[str] = (),
        *,
        use_official_calendar: bool = True,
    ) -> QuietDays:
        """Build from ISO date strings as campaigns store them."""
        return cls(
            extra_holidays=frozenset(_iso_date(value) for value in holidays),
            extra_workdays=frozenset(_iso_date(value) for value in workdays),
            use_official_calendar=use_official_calendar,
        )

    def is_working_day(self, day: date) -> bool:
        """Campaign dates first, then the official calendar (with 调休), else Monday to Friday."""
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if self.use_official_calendar:
            return _official_is_workday(day)
        return day.weekday() < 5

    def next_working_moment(self, dt_local: datetime, at: time | None = None) -> datetime:
        """`dt_local` on a working day, else `at` (default: the same time) on the next one."""
        return self._shift(dt_local, at, step=1)

    def previous_working_moment(self, dt_local: datetime, at: time | None = None) -> datetime:
        """`dt_local` on a working day, else `at` (default: the same time) on the one before."""
        return self._shift(dt_local, at, step=-1)

    def _shift(self, dt_local: datetime, at: time | None, *, step: int) -> datetime:
        """Walk day by day in one direction to a working day."""
        day = dt_local.date()
        if self.is_working_day(day):
            return dt_local
        for _ in range(MAX_QUIET_RUN):
            day += timedelta(days=step)
            if self.is_working_day(day):
                return datetime.combine(day, at or dt_local.time(), tzinfo=dt_local.tzinfo)
        log.warning("no working day within %s days of %s; not moving", MAX_QUIET_RUN, dt_local)
        return dt_local


def _iso_date(value: str) -> date:
    """Parse `2023-10-01`, with a message users can act on."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RuleError(QUIET_DATE_INVALID, value=value) from None


@lru_cache(maxsize=4096)
def _official_is_workday(day: date) -> bool:
    """chinese_calendar's answer, or Monday to Friday for years it has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


@cache
def _warn_unknown_year(year: int) -> None:
    """Log once per year, not once per date."""
    log.warning("chinese_calendar has no data for %s; using Monday to Friday", year)


# --- rounds --------------------------------------------------------------------------------


def rounds_for(
    rule: ReminderRule,
    deadline: datetime,
    tz: ZoneInfo,
    *,
    until: datetime,
    quiet: QuietDays | None = None,
) -> list[Round]:
    """Every round of `rule` for `deadline` due at or before `until`, oldest first."""
    _require_aware(deadline=deadline, until=until)
    deadline = deadline.astimezone(UTC)
    if rule.repeat_daily:
        return list(_daily_rounds(rule, deadline, tz, until=until, quiet=quiet))
    nominal = _nominal_instant(rule, deadline, tz)
    due = _off_quiet_day(nominal, rule, deadline, tz, quiet)
    if due > until:
        return []
    return [Round(rule=rule, due_at=due, deadline=deadline, nominal_at=nominal)]


def due_rounds(
    rules: Sequence[ReminderRule],
    deadline: datetime,
    tz: ZoneInfo,
    *,
    now: datetime,
    since: datetime | None = None,
    quiet: QuietDays | None = None,
) -> list[Round]:
    """Rounds due in the window (since, now], merged and oldest first; no `since`: all so far."""
    _require_aware(now=now)
    if since is not None:
        _require_aware(since=since)
    found = (r for rule in rules for r in rounds_for(rule, deadline, tz, until=now, quiet=quiet))
    return [r for r in _merge(found) if since is None or r.due_at > since]


def next_rounds(
    rules: Sequence[ReminderRule],
    deadlines: Iterable[datetime],
    tz: ZoneInfo,
    *,
    now: datetime,
    quiet: QuietDays | None = None,
    horizon: timedelta = timedelta(days=14),
) -> list[Round]:
    """Rounds still to come within `horizon` of `now`, for every deadline, soonest first."""
    _require_aware(now=now)
    until = now.astimezone(UTC) + horizon
    found = (
        r
        for deadline in set(deadlines)
        for rule in rules
        for r in rounds_for(rule, deadline, tz, until=until, quiet=quiet)
    )
    return [r for r in _merge(found) if r.due_at > now]


def _nominal_instant(rule: ReminderRule, deadline: datetime, tz: ZoneInfo) -> datetime:
    """Where a one-off rule fires, before quiet days are considered."""
    if rule.offset is not None:
        # Exact offsets are absolute durations, so they are added in UTC (DST-proof).
        return deadline + rule.offset
    day = deadline.astimezone(tz).date() + timedelta(days=rule.day_offset)
    return _at(day, rule.wall_clock, tz)


def _daily_rounds(
    rule: ReminderRule,
    deadline: datetime,
    tz: ZoneInfo,
    *,
    until: datetime,
    quiet: QuietDays | None,
) -> Iterator[Round]:
    """A daily rule's rounds: working days only, from its first day to `until` or its limit."""
    day = deadline.astimezone(tz).date() + timedelta(days=rule.day_offset)
    last = until.astimezone(tz).date()
    sent = 0
    while day <= last and (rule.repeat_limit is None or sent < rule.repeat_limit):
        if quiet is None or quiet.is_working_day(day):
            due = _at(day, rule.wall_clock, tz)
            if due > until:
                return
            sent += 1
            yield Round(rule=rule, due_at=due, deadline=deadline, nominal_at=due)
        day += timedelta(days=1)


def _off_quiet_day(
    nominal: datetime,
    rule: ReminderRule,
    deadline: datetime,
    tz: ZoneInfo,
    quiet: QuietDays | None,
) -> datetime:
    """Move a one-off round off a quiet day, never carrying a heads-up past its deadline."""
    if quiet is None:
        return nominal
    local = nominal.astimezone(tz)
    moved = quiet.next_working_moment(local, rule.wall_clock).astimezone(UTC)
    if nominal <= deadline < moved:
        moved = quiet.previous_working_moment(local, rule.wall_clock).astimezone(UTC)
    return moved


def _merge(rounds: Iterable[Round]) -> list[Round]:
    """One round per (deadline, instant), keeping the rule nearest the deadline; oldest first."""
    kept: dict[tuple[datetime, datetime], Round] = {}
    for candidate in rounds:
        key = (candidate.deadline, candidate.due_at)
        current = kept.get(key)
        if current is None or _nominal(candidate) > _nominal(current):
            kept[key] = candidate
    return sorted(kept.values(), key=lambda r: (r.due_at, r.deadline, r.rule.text))


def _nominal(round_: Round) -> datetime:
    """Where the rule put the round."""
    return round_.nominal_at or round_.due_at


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC; zoneinfo resolves DST gaps and folds (fold=0)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _require_aware(**values: datetime) -> None:
    """Naive datetimes would silently mean the server's zone; refuse them."""
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got {value!r}")


# --- missed rounds -------------------------------------------------------------------------


def is_still_useful(round_: Round, now: datetime, *, grace: timedelta = DEFAULT_GRACE) -> bool:
    """Whether a round found late (after downtime) is still worth sending at `now`.

    A heads-up is useless once its deadline has passed; a daily round is useless once a newer
    one has superseded it (older than `grace`); a one-off chasing round always still helps.
    """
    _require_aware(now=now)
    if round_.is_heads_up and now >= round_.deadline:
        return False
    if round_.rule.repeat_daily:
        return now.astimezone(UTC) - round_.due_at < grace
    return True


def plan_catch_up(
    rounds: Iterable[Round], now: datetime, *, grace: timedelta = DEFAULT_GRACE
) -> CatchUp:
    """Split missed rounds: per deadline send only the latest useful one, skip the rest."""
    latest: dict[datetime, Round] = {}
    every = list(rounds)
    for round_ in every:
        if is_still_useful(round_, now, grace=grace):
            current = latest.get(round_.deadline)
            if current is None or round_.due_at > current.due_at:
                latest[round_.deadline] = round_
    chosen = set(latest.values())
    send = tuple(r for r in every if r in chosen)
    skip = tuple(r for r in every if r not in chosen)
    return CatchUp(send=send, skip=skip)


# --- time left -----------------------------------------------------------------------------


def days_left(deadline: datetime, now: datetime, tz: ZoneInfo) -> int:
    """Calendar days from today to the deadline's day, both local; negative when overdue."""
    _require_aware(deadline=deadline, now=now)
    return (deadline.astimezone(tz).date() - now.astimezone(tz).date()).days


def describe_time_left(deadline: datetime, now: datetime, tz: ZoneInfo) -> str:
    """A short Chinese phrase such as 还剩3天, 今天截止（还剩5小时）, 还剩5小时 or 已逾期2天."""
    # In UTC: subtracting two datetimes of one ZoneInfo ignores a DST change between them.
    remaining = deadline.astimezone(UTC) - now.astimezone(UTC)
    days = days_left(deadline, now, tz)
    if remaining <= timedelta(0):
        return OVERDUE_DAYS.format(days=-days) if days < 0 else OVERDUE_TODAY
    # days > 0 too: a 25-hour day (DST ends) must not read 还剩0天.
    if remaining >= timedelta(days=1) and days > 0:
        return TIME_LEFT_DAYS.format(days=days)
    left = _hours_or_minutes(remaining)
    return DUE_TODAY.format(left=left) if days == 0 else left


def _hours_or_minutes(remaining: timedelta) -> str:
    """Whole hours left (rounded down), or minutes (rounded up, never 0) under an hour."""
    if remaining >= timedelta(hours=1):
        return TIME_LEFT_HOURS.format(hours=remaining // timedelta(hours=1))
    return TIME_LEFT_MINUTES.format(minutes=math.ceil(remaining / timedelta(minutes=1)))
