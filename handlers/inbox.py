"""The durable inbox in the Telegram layer: record on fetch (or on a webhook post, before its
answer), skip redeliveries, mark handled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ExtBot

from bot.db import Database
from bot.services.inbox import (
    begin_handling,
    forget_handled,
    mark_handled,
    record_updates,
    updates_to_replay,
)
from handlers.context import BotContext, Runtime

log = logging.getLogger(__name__)

# Handled marks are written together, at most this long after the first of them: one commit
# for every update handled meanwhile instead of one per update. A crash inside the window can
# only make an update handled in it run again at start (a reply sent twice), never lose one.
HANDLED_FLUSH_SECONDS = 0.05


class InboxBot(ExtBot[None]):
    """ExtBot whose getUpdates writes what it fetched to the database before returning it.

    The Updater confirms a batch with its next getUpdates call, so recording here, before
    that call can happen, is what makes a fetched update survive a crash.
    """

    def __init__(self, *args: Any, runtime: Runtime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inbox_runtime = runtime
        # Updates first recorded by this process cannot have been handled before: they skip
        # the database check in skip_if_handled. Anything else (a redelivery, a replay) is
        # checked against the inbox.
        self._fresh_update_ids: set[int] = set()
        self._handled_update_ids: list[int] = []
        self._flush_timer: asyncio.TimerHandle | None = None

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        if updates:
            runtime = self._inbox_runtime
            with runtime.db.uow() as uow:
                fresh = record_updates(
                    uow, self.id, (u.to_dict() for u in updates), runtime.clock()
                )
            self._fresh_update_ids.update(fresh)
        return updates

    async def record_posted(self, payload: dict[str, Any]) -> None:
        """Record an update Telegram posted to the webhook; the caller answers 200 after this.

        Written in a worker thread (the loop serves other posts meanwhile), under the
        database's writer lock like every other write.
        """
        runtime = self._inbox_runtime
        fresh = await asyncio.to_thread(
            runtime.db.run, record_updates, self.id, [payload], runtime.clock()
        )
        self._fresh_update_ids.update(fresh)

    def take_fresh(self, update_id: int) -> bool:
        """True (once) if this process recorded the update as new."""
        if update_id in self._fresh_update_ids:
            self._fresh_update_ids.discard(update_id)
            return True
        return False

    def handled_here(self, update_id: int) -> bool:
        """Handled by this process, its mark not yet written."""
        return update_id in self._handled_update_ids

    def note_handled(self, update_id: int) -> None:
        """Mark the update handled with the next batch (within HANDLED_FLUSH_SECONDS)."""
        self._handled_update_ids.append(update_id)
        if self._flush_timer is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(HANDLED_FLUSH_SECONDS, self.flush_handled)

    def flush_handled(self) -> None:
        """Write the handled marks collected so far, in one commit."""
        self._flush_timer = None
        ids = list(self._handled_update_ids)
        if not ids:
            return
        runtime = self._inbox_runtime
        try:
            with runtime.db.uow() as uow:
                mark_handled(uow, self.id, ids, runtime.clock())
        except Exception:  # the marks stay queued; the database may be back on the next try
            log.exception("could not mark %d updates handled; will retry", len(ids))
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(1.0, self.flush_handled)
            return
        del self._handled_update_ids[: len(ids)]

    async def shutdown(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
        self.flush_handled()
        await super().shutdown()


async def skip_if_handled(update: Update, context: BotContext) -> None:
    """Group -1: a redelivered update that was already handled goes no further."""
    if isinstance(context.bot, InboxBot):
        if context.bot.take_fresh(update.update_id):
            return
        if context.bot.handled_here(update.update_id):
            log.info("update %s was already handled; skipped", update.update_id)
            raise ApplicationHandlerStop
    with context.db.uow() as uow:
        if not begin_handling(uow, context.bot.id, update.update_id):
            log.info("update %s was already handled; skipped", update.update_id)
            raise ApplicationHandlerStop


async def done(update: Update, context: BotContext) -> None:
    """The last group: the update is handled (even if a handler failed and said so)."""
    if isinstance(context.bot, InboxBot):
        context.bot.note_handled(update.update_id)
        return
    with context.db.uow() as uow:
        mark_handled(uow, context.bot.id, update.update_id, context.now())


def pending_updates(db: Database, bot: ExtBot[None]) -> Sequence[Update]:
    """Updates fetched before a crash and never handled, to replay at start."""
    with db.uow() as uow:
        payloads = updates_to_replay(uow, bot.id)
    return [update for payload in payloads if (update := Update.de_json(payload, bot)) is not None]


def forget_old(db: Database, now: datetime) -> None:
    """Handled updates are kept a week (enough to recognise redeliveries), then dropped."""
    with db.uow() as uow:
        forget_handled(uow, timedelta(days=7), now)
