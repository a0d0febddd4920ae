"""The audit log: every change a person (or the bot itself) makes is recorded through here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.models import AuditEvent
from bot.services.access import Actor

BOT = "bot"  # the bot acting on its own (reminders, a group that moved)


def audit(
    session: Session,
    who: Actor | str,
    action: str,
    *,
    campaign_id: int | None = None,
    unit_id: int | None = None,
    **detail: Any,
) -> None:
    """Add an audit row to the session's transaction (the caller commits)."""
    actor = who.audit_name if isinstance(who, Actor) else who
    session.add(
        AuditEvent(
            actor=actor, action=action, campaign_id=campaign_id, unit_id=unit_id, detail=detail
        )
    )
