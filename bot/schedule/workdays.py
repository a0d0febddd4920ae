"""Quiet days: weekends and public holidays (not the make-up working days 调休), plus a
campaign's own extra dates, never receive a reminder."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

import chinese_calendar

from bot.schedule.rules import RuleError
from bot.texts import QUIET_DATE_CONFLICT, QUIET_DATE_INVALID

log = logging.getLogger(__name__)

# No real calendar has a longer run of quiet days; beyond it the round stays where it was.
MAX_QUIET_RUN = 60


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
