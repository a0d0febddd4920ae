"""Telegram's flood limits, enforced as leaky buckets like PTB's AIORateLimiter measures them."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from emulator.errors import ApiError, too_many_requests


@dataclass(frozen=True)
class RateLimits:
    """Messages per second for the bot, per minute for one group; `slack` absorbs jitter."""

    per_second: float = 30
    per_group_per_minute: float = 20
    # Requests that left the client in order may arrive slightly late or reordered (more so on
    # a busy machine); a few messages of slack keep a client that respects the limits
    # (AIORateLimiter) from seeing a 429. Telegram's own "about 30 per second" is no stricter.
    slack: float = 3.0


class LeakyBucket:
    """A bucket of `capacity` that drains `capacity / period` per second (aiolimiter's model)."""

    __slots__ = ("capacity", "level", "rate", "updated")

    def __init__(self, capacity: float, period: float) -> None:
        self.capacity = capacity
        self.rate = capacity / period
        self.level = 0.0
        self.updated = time.monotonic()

    def wait_needed(self, now: float, slack: float) -> float:
        """Seconds until one more message fits; 0 when it fits now."""
        self.level = max(0.0, self.level - (now - self.updated) * self.rate)
        self.updated = now
        overflow = self.level + 1 - (self.capacity + slack)
        return overflow / self.rate if overflow > 0 else 0.0

    def add(self) -> None:
        """Count one message."""
        self.level += 1


class FloodControl:
    """Decides whether the bot may send one more message into a chat right now."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._overall = LeakyBucket(limits.per_second, 1.0)
        self._groups: dict[int, LeakyBucket] = {}

    def check(self, chat_id: int, is_group: bool) -> None:
        """Count a message, or raise the 429 Telegram would answer."""
        now = time.monotonic()
        wait = self._overall.wait_needed(now, self.limits.slack)
        group = self._group_bucket(chat_id) if is_group else None
        if group is not None:
            wait = max(wait, group.wait_needed(now, self.limits.slack))
        if wait > 0:
            raise flood_error(wait)
        self._overall.add()
        if group is not None:
            group.add()

    def _group_bucket(self, chat_id: int) -> LeakyBucket:
        bucket = self._groups.get(chat_id)
        if bucket is None:
            bucket = LeakyBucket(self.limits.per_group_per_minute, 60.0)
            self._groups[chat_id] = bucket
        return bucket


def flood_error(wait: float) -> ApiError:
    """429 with a whole number of seconds, as Telegram rounds them."""
    return too_many_requests(max(1, math.ceil(wait)))
