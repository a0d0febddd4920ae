"""The reminder ledger: one ReminderDispatch row per message a round owes, sent at most once.

Exactly once, in three steps:
1. Planning (plan.py) computes from the database which rounds are due (nothing is kept in
   memory) and inserts one `pending` row per (campaign, unit, chat, rule, due time); the
   unique key makes planning idempotent, so a second check, a restart or a second replica
   adds nothing.
2. The dispatcher (dispatch.py) claims a row (`pending` → `sending`, committed), sends, and
   records `sent` with Telegram's message id (committed) right after Telegram answers.
3. A row still `sending` when a pass starts was interrupted (crash, SIGKILL): Telegram may or
   may not have it, and the Bot API offers no way to ask, so it is sent again. The only
   possible duplicate is therefore a crash in the window between Telegram's answer and our
   commit (one UPDATE of one row), or a send that timed out after Telegram had accepted it.
   Every other failure is resolved without a duplicate and without a loss.
Only one dispatcher runs at a time (dispatch.dispatcher_lock).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.db import Database, UnitOfWork
from bot.models import Chat, Contact, ReminderDispatch
from bot.services.audit import BOT, audit

log = logging.getLogger(__name__)

MANUAL_RULE = "manual"
DIGEST_RULE = "digest"
UNREACHABLE_RULE = "unreachable"
SPECIAL_RULES = frozenset({MANUAL_RULE, DIGEST_RULE, UNREACHABLE_RULE})
# chat_id of a unit-level ledger row: a round skipped as stale, or a unit with nowhere to go.
NO_CHAT = 0
# Give a row up after this many tries (each try waited for Telegram's retry_after or a check).
MAX_ATTEMPTS = 5

Status = Literal["pending", "sending", "sent", "failed", "skipped"]


# --- where a unit's messages go ------------------------------------------------------------


@dataclass(frozen=True)
class Destinations:
    """Where a unit's reminder goes: chats to message, and groups that asked for silence."""

    send: tuple[int, ...]
    paused: tuple[int, ...]


def destinations(session: Session, unit_id: int) -> Destinations:
    """The unit's reachable groups; its contacts' private chats when it has none."""
    groups = list(
        session.scalars(
            select(Chat)
            .where(Chat.kind == "unit", Chat.unit_id == unit_id, Chat.unreachable.is_(False))
            .order_by(Chat.id)
        )
    )
    if groups:
        return Destinations(
            send=tuple(c.telegram_chat_id for c in groups if not c.reminders_paused),
            paused=tuple(c.telegram_chat_id for c in groups if c.reminders_paused),
        )
    contacts = session.scalars(
        select(Contact.telegram_user_id)
        .where(Contact.unit_id == unit_id, Contact.active.is_(True))
        .order_by(Contact.id)
    )
    return Destinations(send=tuple(contacts), paused=())


def coordinator_chats(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(Chat.telegram_chat_id)
            .where(Chat.kind == "coordinator", Chat.unreachable.is_(False))
            .order_by(Chat.id)
        )
    )


# --- planning's writes and reads -------------------------------------------------------------


def insert(
    session: Session,
    campaign_id: int,
    unit_id: int,
    chat_id: int,
    rule: str,
    due_at: datetime,
    status: Status,
    error: str = "",
) -> bool:
    """Insert one ledger row unless its key exists; True when this call inserted it."""
    values = {
        "campaign_id": campaign_id,
        "unit_id": unit_id,
        "chat_id": chat_id,
        "rule": rule,
        "due_at": due_at,
        "status": status,
        "error": error,
        "attempts": 0,
        "created_at": datetime.now(UTC),
    }
    dialect = session.get_bind().dialect.name
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert_(ReminderDispatch).values(**values).on_conflict_do_nothing()
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


def insert_digest(session: Session, campaign_id: int, chat_id: int, due_at: datetime) -> None:
    """A digest row for one coordinator group and instant, once.

    Its unit is NULL, which unique keys treat as distinct, so this checks before inserting;
    planning runs under the dispatcher lock, so nobody else is checking at the same time.
    """
    exists = session.scalar(
        select(ReminderDispatch.id).where(
            ReminderDispatch.campaign_id == campaign_id,
            ReminderDispatch.chat_id == chat_id,
            ReminderDispatch.rule == DIGEST_RULE,
            ReminderDispatch.due_at == due_at,
        )
    )
    if exists is None:
        session.add(
            ReminderDispatch(
                campaign_id=campaign_id,
                unit_id=None,
                chat_id=chat_id,
                rule=DIGEST_RULE,
                due_at=due_at,
            )
        )


def decided_instants(
    session: Session, campaign_id: int, since: datetime
) -> set[tuple[int, datetime]]:
    """(unit, due time) pairs already decided: one row at an instant covers every rule there."""
    rows = session.execute(
        select(ReminderDispatch.unit_id, ReminderDispatch.due_at).where(
            ReminderDispatch.campaign_id == campaign_id,
            ReminderDispatch.unit_id.is_not(None),
            ReminderDispatch.rule.not_in(SPECIAL_RULES),
            ReminderDispatch.due_at > since,
        )
    )
    return {(unit_id, due_at) for unit_id, due_at in rows if unit_id is not None}


def pending_rows(session: Session, now: datetime, *, digests: bool) -> list[tuple[int, int]]:
    """(row id, chat) of pending rows due by `now`, oldest first; digests or the others."""
    kind = ReminderDispatch.rule == DIGEST_RULE
    rows = session.execute(
        select(ReminderDispatch.id, ReminderDispatch.chat_id)
        .where(
            ReminderDispatch.status == "pending",
            ReminderDispatch.due_at <= now,
            kind if digests else ~kind,
        )
        .order_by(ReminderDispatch.due_at, ReminderDispatch.id)
    )
    return [(row_id, chat_id) for row_id, chat_id in rows]


def round_in_flight(session: Session, digest: ReminderDispatch) -> bool:
    """Whether unit messages of the digest's round are still pending or being sent."""
    found = session.scalar(
        select(ReminderDispatch.id).where(
            ReminderDispatch.campaign_id == digest.campaign_id,
            ReminderDispatch.due_at == digest.due_at,
            ReminderDispatch.unit_id.is_not(None),
            ReminderDispatch.rule.not_in(SPECIAL_RULES),
            ReminderDispatch.status.in_(("pending", "sending")),
        )
    )
    return found is not None


# --- the dispatcher's steps ----------------------------------------------------------------


def claim(uow: UnitOfWork, row_id: int) -> bool:
    """`pending` → `sending`, committed; only one claimant (pass, replica) can win it."""
    claimed = uow.session.execute(
        update(ReminderDispatch)
        .where(ReminderDispatch.id == row_id, ReminderDispatch.status == "pending")
        .values(status="sending", attempts=ReminderDispatch.attempts + 1)
    )
    uow.commit()
    return bool(getattr(claimed, "rowcount", 0))


def finish(uow: UnitOfWork, row: ReminderDispatch, status: Status, error: str = "") -> None:
    row.status = status
    row.error = error
    uow.commit()


def mark(db: Database, row_id: int, **values: Any) -> None:
    with db.uow() as uow:
        uow.session.execute(
            update(ReminderDispatch).where(ReminderDispatch.id == row_id).values(**values)
        )
        uow.commit()


def mark_retry(db: Database, row_id: int, error: str) -> bool:
    """Back to pending for the next check, or failed after MAX_ATTEMPTS; True if retrying."""
    with db.uow() as uow:
        row = uow.session.get(ReminderDispatch, row_id)
        assert row is not None  # noqa: S101 - rows are never deleted
        retrying = row.attempts < MAX_ATTEMPTS
        row.status = "pending" if retrying else "failed"
        row.error = f"retry: {error}"
        uow.commit()
    return retrying


def mark_unreachable(db: Database, row_id: int, error: str) -> None:
    """403: remember the chat is gone, fall back to private chats, tell the coordinators."""
    with db.uow() as uow:
        session = uow.session
        row = session.get(ReminderDispatch, row_id)
        assert row is not None  # noqa: S101 - rows are never deleted
        row.status = "failed"
        row.error = f"unreachable: {error}"
        chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == row.chat_id))
        if chat is not None:
            chat.unreachable = True
            log.warning("chat %s (%s) is unreachable: %s", chat.telegram_chat_id, chat.title, error)
        if chat is not None and chat.kind == "unit" and row.unit_id is not None:
            session.flush()
            _fall_back(session, row)
        audit(
            session,
            BOT,
            "chat_unreachable",
            campaign_id=row.campaign_id,
            unit_id=row.unit_id,
            chat=row.chat_id,
        )
        uow.commit()


def _fall_back(session: Session, row: ReminderDispatch) -> None:
    """The same round to the unit's other destinations, and a notice to the coordinators."""
    assert row.unit_id is not None  # noqa: S101 - checked by the caller
    for chat_id in destinations(session, row.unit_id).send:
        insert(session, row.campaign_id, row.unit_id, chat_id, row.rule, row.due_at, "pending")
    for chat_id in coordinator_chats(session):
        insert(
            session, row.campaign_id, row.unit_id, chat_id, UNREACHABLE_RULE, row.due_at, "pending"
        )


def recover_interrupted(db: Database) -> int:
    """Rows left `sending` by a pass that died: Telegram may not have them, so send again."""
    with db.uow() as uow:
        result = uow.session.execute(
            update(ReminderDispatch)
            .where(ReminderDispatch.status == "sending")
            .values(status="pending")
        )
        uow.commit()
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.warning("%s reminder(s) were interrupted mid-send; sending them again", count)
    return count
