"""Sending: one dispatcher at a time claims the ledger's pending rows and sends each through
the `Sender` port, recording the outcome at once (the exactly-once story is in ledger.py).

Only one dispatcher runs at a time: a per-process lock, plus `pg_try_advisory_lock` on
PostgreSQL so that of several replicas only one sends.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import text

from bot.db import Database
from bot.models import ReminderDispatch
from bot.reminder_results import DispatchReport, Outgoing
from bot.services.reminders import ledger
from bot.services.reminders.messages import Skip, compose
from bot.services.reminders.plan import plan_round

log = logging.getLogger(__name__)

# Sends in flight at once. Enough to reach 30 messages/s; more only queues requests in the
# rate limiter, which then release in bunches that Telegram answers with 429
# (benchmarks/fanout.py: 8 → 0 × 429 for 1,000 groups, 40 → dozens).
CONCURRENCY = 8
# Any constant works; it only has to be the same in every replica ("YJRM").
ADVISORY_LOCK_KEY = 0x594A524D


# --- the sending port ----------------------------------------------------------------------


class ChatUnreachable(Exception):
    """The bot cannot post there any more (removed from the group, blocked: HTTP 403)."""


class RetryLater(Exception):
    """Telegram asked us to wait (429), failed (5xx) or did not answer in time."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds}s")
        self.seconds = seconds


class MessageRejected(Exception):
    """Telegram refused this message for good (400); sending it again would not help."""


class Sender(Protocol):
    """Posts one message of a round. It receives the message as a result object and words it
    itself (bot.wording.reminders): HTML for Telegram (handlers/jobs.py), plain for the CLI."""

    async def send(self, chat_id: int, message: Outgoing) -> int:
        """Send and return the message id, or raise ChatUnreachable / RetryLater /
        MessageRejected."""
        ...


# --- the lock --------------------------------------------------------------------------------

_PASS_LOCKS: WeakKeyDictionary[Database, threading.Lock] = WeakKeyDictionary()


@contextmanager
def dispatcher_lock(db: Database) -> Iterator[bool]:
    """Hold the right to dispatch: yields False when another pass or replica has it."""
    local = _PASS_LOCKS.setdefault(db, threading.Lock())
    if not local.acquire(blocking=False):
        yield False
        return
    try:
        if db.engine.dialect.name != "postgresql":
            yield True
            return
        # A session-level advisory lock lives on one connection; it is held for the whole
        # pass and released explicitly, since returning the connection to the pool would not.
        with db.engine.connect() as connection:
            held = bool(
                connection.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            )
            connection.commit()
            try:
                yield held
            finally:
                if held:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                    )
                    connection.commit()
    finally:
        local.release()


# --- a pass ----------------------------------------------------------------------------------


async def run_reminders(
    db: Database, sender: Sender, now: datetime, *, concurrency: int = CONCURRENCY
) -> DispatchReport:
    """One check: plan what is due, then send everything pending (the job's whole work)."""
    with dispatcher_lock(db) as held:
        if not held:
            log.info("another dispatcher is running; this check does nothing")
            return DispatchReport(locked_out=True)
        with db.uow() as uow:
            plan_round(uow, now)
        return await _dispatch(db, sender, now, concurrency=concurrency)


async def dispatch_pending(
    db: Database, sender: Sender, now: datetime, *, concurrency: int = CONCURRENCY
) -> DispatchReport:
    """Send every pending row due by `now`; rows left `sending` by a crash are sent again."""
    with dispatcher_lock(db) as held:
        if not held:
            log.info("another dispatcher is running; pending rows wait for it")
            return DispatchReport(locked_out=True)
        return await _dispatch(db, sender, now, concurrency=concurrency)


@dataclass(frozen=True)
class _Outgoing:
    row_id: int
    chat_id: int
    message: Outgoing


@dataclass
class _Tally:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    recovered: int = 0
    unreachable: list[int] = field(default_factory=list)

    def freeze(self) -> DispatchReport:
        return DispatchReport(
            sent=self.sent,
            failed=self.failed,
            skipped=self.skipped,
            retrying=self.retrying,
            recovered=self.recovered,
            unreachable=tuple(self.unreachable),
        )


async def _dispatch(
    db: Database, sender: Sender, now: datetime, *, concurrency: int = CONCURRENCY
) -> DispatchReport:
    tally = _Tally(recovered=ledger.recover_interrupted(db))
    gate = asyncio.Semaphore(concurrency)
    tried: set[int] = set()
    waiting_chats: set[int] = set()

    async def one(row_id: int, chat_id: int) -> None:
        async with gate:
            if chat_id in waiting_chats:
                return  # Telegram asked this chat to wait; the next check retries it
            # Database work runs in threads: blocking the event loop would bunch up the
            # requests the rate limiter spaced out, and Telegram would answer 429.
            outgoing, skipped = await asyncio.to_thread(_prepare, db, row_id, now)
            tally.skipped += skipped
            if outgoing is not None:
                await _send(db, sender, outgoing, now, tally, waiting_chats)

    # Unit messages first (fallbacks they cause join in), then digests, which report on them.
    for digests in (False, True):
        while batch := [r for r in _pending(db, now, digests=digests) if r[0] not in tried]:
            tried.update(row_id for row_id, _ in batch)
            await _all_or_none(one(row_id, chat_id) for row_id, chat_id in batch)
    report = tally.freeze()
    if report.sent or report.failed or report.retrying:
        log.info("reminders: %s", report)
    return report


async def _all_or_none(coroutines: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run them together; if one dies (cancelled, interrupted), stop the rest before re-raising,
    so no orphan keeps sending behind a pass that has ended (its rows stay `sending`)."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _pending(db: Database, now: datetime, *, digests: bool) -> list[tuple[int, int]]:
    with db.uow() as uow:
        return ledger.pending_rows(uow.session, now, digests=digests)


def _prepare(db: Database, row_id: int, now: datetime) -> tuple[_Outgoing | None, bool]:
    """Compose the row's message and claim it (`sending`, committed); also: skipped or not."""
    with db.uow() as uow:
        row = uow.session.get(ReminderDispatch, row_id)
        if row is None or row.status != "pending":
            return None, False
        said = compose(uow.session, row, now)
        if said is None:
            return None, False
        if isinstance(said, Skip):
            ledger.finish(uow, row, "skipped", said.reason)
            return None, True
        if not ledger.claim(uow, row_id):
            return None, False
        return _Outgoing(row_id, row.chat_id, said), False


async def _send(
    db: Database,
    sender: Sender,
    outgoing: _Outgoing,
    now: datetime,
    tally: _Tally,
    waiting_chats: set[int],
) -> None:
    """Send one claimed row and record the outcome at once (keeps the duplicate window small)."""
    try:
        message_id = await sender.send(outgoing.chat_id, outgoing.message)
    except ChatUnreachable as error:
        ledger.mark_unreachable(db, outgoing.row_id, str(error))
        tally.failed += 1
        tally.unreachable.append(outgoing.chat_id)
    except RetryLater as error:
        waiting_chats.add(outgoing.chat_id)
        if ledger.mark_retry(db, outgoing.row_id, str(error)):
            tally.retrying += 1
        else:
            tally.failed += 1
    except MessageRejected as error:
        ledger.mark(db, outgoing.row_id, status="failed", error=f"rejected: {error}")
        tally.failed += 1
    except Exception as error:  # a bug must not stop the other messages of the round
        log.exception("sending reminder %s failed", outgoing.row_id)
        ledger.mark(db, outgoing.row_id, status="failed", error=f"error: {error!r}")
        tally.failed += 1
    else:
        await _record_sent(db, outgoing.row_id, message_id, now)
        tally.sent += 1


async def _record_sent(db: Database, row_id: int, message_id: int, now: datetime) -> None:
    """Record what Telegram already has, at once and even if the pass is being cancelled:
    the time between Telegram's answer and this commit is the only duplicate window."""
    # In a thread, so the event loop keeps the rate limiter's spacing; shielded and awaited
    # to the end, so a cancellation cannot drop a commit for a message that went out.
    recording = asyncio.ensure_future(
        asyncio.to_thread(
            ledger.mark, db, row_id, status="sent", message_id=message_id, sent_at=now, error=""
        )
    )
    try:
        await asyncio.shield(recording)
    except asyncio.CancelledError:
        await recording
        raise
