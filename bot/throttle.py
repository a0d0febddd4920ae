"""A per-key sliding window: at most `burst` events per `window_seconds` for each key.

The bot keys it by unit, so that a unit dropping hundreds of files at once has the first
`burst` of them taken and the rest refused before they are downloaded, with one answer.

Its state is in process memory on purpose: it is transient (a minute of timestamps per
unit), losing it on a restart costs at most one window's worth of extra files, and the
database holds everything that matters (submissions, questions, the quota's bytes). Several
replicas each keep their own window, which at worst multiplies the burst by their number.
Time is a monotonic clock, not the bot's: a rate has nothing to do with campaign dates, and
it must not jump when the wall clock does (or when a demo starts the bot's clock elsewhere).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock


@dataclass(frozen=True)
class Verdict:
    """What the throttle says of one event."""

    taken: bool
    # Refused, and the first refusal for this key in a window: answer it. Later refusals in
    # the same window are silent, so a burst of hundreds gets one answer, not hundreds.
    tell: bool = False
    # Refused: seconds until this key's oldest event leaves the window (a slot frees up).
    wait_seconds: int = 0


TAKEN = Verdict(taken=True)


class Throttle:
    """At most `burst` events per `window_seconds` per key; `burst <= 0` takes everything.

    Shared by the worker threads the bot runs use cases in, hence the lock (held for a few
    microseconds: no I/O under it).
    """

    def __init__(
        self,
        burst: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.window_seconds = window_seconds
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._told_until: dict[str, float] = {}
        self._lock = Lock()

    @property
    def unlimited(self) -> bool:
        return self.burst <= 0 or self.window_seconds <= 0

    def take(self, key: str) -> Verdict:
        """Count one event for `key` if the window has room; otherwise say whether to answer."""
        if self.unlimited:
            return TAKEN
        with self._lock:
            now = self._clock()
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window_seconds:
                events.popleft()
            if len(events) < self.burst:
                events.append(now)
                return TAKEN
            wait = max(1, math.ceil(events[0] + self.window_seconds - now))
            if now < self._told_until.get(key, -math.inf):
                return Verdict(taken=False, wait_seconds=wait)
            # One answer per key per window, however long the flood goes on.
            self._told_until[key] = now + self.window_seconds
            return Verdict(taken=False, tell=True, wait_seconds=wait)
