"""When rounds are due: instants from rules, deadlines, a timezone, quiet days and an
injected `now`; which missed rounds are still worth sending; and the time left.

Every instant is computed in the campaign's zone and returned as an aware UTC datetime.
How quiet days move rounds:
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

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.schedule.rules import ReminderRule
from bot.schedule.workdays import QuietDays
from bot.texts import (
    DUE_TODAY,
    OVERDUE_DAYS,
    OVERDUE_TODAY,
    TIME_LEFT_DAYS,
    TIME_LEFT_HOURS,
    TIME_LEFT_MINUTES,
)

# A missed daily round older than this is superseded by a newer one.
DEFAULT_GRACE = timedelta(days=1)


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
