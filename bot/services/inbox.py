"""The durable inbox: updates are recorded when fetched, before Telegram is told they arrived.

PTB confirms updates to Telegram (the next getUpdates offset) before its handlers finish, so
without this an update in flight when the process dies would be lost. Recorded updates that
were never marked handled are replayed at start; handled ones are skipped if seen again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from bot.db import UnitOfWork, run_prepared
from bot.models import InboxUpdate

MAX_ATTEMPTS = 3  # a poison update is given up after this many replays

# Every fetched batch runs these: built once (see bot.db.run_prepared).
_KNOWN_UPDATES = select(InboxUpdate.update_id).where(
    InboxUpdate.bot_id == bindparam("bot_id"),
    InboxUpdate.update_id.in_(bindparam("ids", expanding=True)),
)
_INSERT_UPDATE = insert(InboxUpdate)


def record_updates(
    uow: UnitOfWork, bot_id: int, payloads: Iterable[dict[str, Any]], now: datetime
) -> list[int]:
    """Keep updates not seen before; returns the ids of those that were new."""
    payloads = list(payloads)
    if not payloads:
        return []
    ids = [int(p["update_id"]) for p in payloads]
    known = set(run_prepared(uow.session, _KNOWN_UPDATES, bot_id=bot_id, ids=ids).scalars())
    new = [p for p in payloads if int(p["update_id"]) not in known]
    if new:
        rows = [
            {"bot_id": bot_id, "update_id": int(p["update_id"]), "payload": p, "received_at": now}
            for p in new
        ]
        uow.session.connection().execute(_INSERT_UPDATE, rows)
    uow.commit()
    return [int(p["update_id"]) for p in new]


def begin_handling(uow: UnitOfWork, bot_id: int, update_id: int) -> bool:
    """False if the update was already handled (a redelivery or a replay that raced it)."""
    handled = uow.session.scalar(
        select(InboxUpdate.handled_at).where(
            InboxUpdate.bot_id == bot_id, InboxUpdate.update_id == update_id
        )
    )
    return handled is None


def mark_handled(
    uow: UnitOfWork, bot_id: int, update_ids: int | Iterable[int], now: datetime
) -> None:
    """Mark updates handled, in one statement and one commit however many there are."""
    ids = [update_ids] if isinstance(update_ids, int) else list(update_ids)
    if not ids:
        return
    uow.session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.bot_id == bot_id,
            InboxUpdate.update_id.in_(ids),
            InboxUpdate.handled_at.is_(None),
        )
        .values(handled_at=now)
    )
    uow.commit()


def updates_to_replay(uow: UnitOfWork, bot_id: int) -> list[dict[str, Any]]:
    """Recorded but never finished, oldest first, each counted as one more attempt.

    An update that was being handled when the process died gets replayed; one that keeps
    killing the process is given up after MAX_ATTEMPTS replays.
    """
    rows = list(
        uow.session.scalars(
            select(InboxUpdate)
            .where(
                InboxUpdate.bot_id == bot_id,
                InboxUpdate.handled_at.is_(None),
                InboxUpdate.attempts < MAX_ATTEMPTS,
            )
            .order_by(InboxUpdate.update_id)
        )
    )
    for row in rows:
        row.attempts += 1
    uow.commit()
    return [row.payload for row in rows]


def forget_handled(uow: UnitOfWork, older_than: timedelta, now: datetime) -> int:
    """Drop handled updates older than the window; returns how many."""
    result = uow.session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.handled_at.is_not(None), InboxUpdate.handled_at < now - older_than
        )
    )
    uow.commit()
    return int(getattr(result, "rowcount", 0) or 0)
