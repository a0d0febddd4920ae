"""What a ledger row says when its turn comes, as a result object (bot.reminder_results).

Read at sending time, not at planning time: a unit that delivered meanwhile is not reminded,
and a digest reports how its round actually went. The words are bot.wording.reminders'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Campaign, Chat, ReminderDispatch, Unit
from bot.reminder_results import DigestMessage, Outgoing, ReminderMessage, UnreachableNotice
from bot.services.handouts import owed_with_templates
from bot.services.obligations import load_obligations, obligation_state, owe_report
from bot.services.reminders.ledger import (
    DIGEST_RULE,
    MANUAL_RULE,
    SPECIAL_RULES,
    UNREACHABLE_RULE,
    destinations,
    round_in_flight,
)


@dataclass(frozen=True)
class Skip:
    """The row is not to be sent: its group is paused, or the unit owes nothing any more."""

    reason: str


def compose(session: Session, row: ReminderDispatch, now: datetime) -> Outgoing | Skip | None:
    """What the row says now, a reason to skip it, or None when it must wait (a digest
    reports on its round, so it waits for the round's messages to be sent)."""
    if row.rule == DIGEST_RULE:
        return None if round_in_flight(session, row) else digest_message(session, row, now)
    if row.rule == UNREACHABLE_RULE:
        return unreachable_notice(session, row)
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == row.chat_id))
    if chat is not None and chat.reminders_paused:
        return Skip("paused")
    return reminder_message(session, row, now) or Skip("delivered")


def reminder_message(
    session: Session, row: ReminderDispatch, now: datetime
) -> ReminderMessage | None:
    """Everything the unit owes now, and what it supports while the lead still owes; None
    when neither is left."""
    campaign = session.get(Campaign, row.campaign_id)
    unit = session.get(Unit, row.unit_id) if row.unit_id is not None else None
    if campaign is None or unit is None:
        return None
    report = owe_report(session, campaign, unit, now)
    if not report.owed and not report.support_owed:
        return None
    return ReminderMessage(
        unit=unit.name,
        campaign=campaign.title,
        owed=tuple(report.owed),
        now=now,
        timezone=campaign.timezone,
        manual=row.rule == MANUAL_RULE,
        supported=report.support_owed,
        templates=owed_with_templates(session, report),
    )


def digest_message(session: Session, digest: ReminderDispatch, now: datetime) -> DigestMessage:
    """Who was reminded at this instant, who could not be, who is paused, who is overdue."""
    campaign = session.get(Campaign, digest.campaign_id)
    assert campaign is not None  # noqa: S101 - cascades delete the digest with it
    rows = session.execute(
        select(ReminderDispatch.status, ReminderDispatch.error, Unit.name)
        .join(Unit, Unit.id == ReminderDispatch.unit_id)
        .where(
            ReminderDispatch.campaign_id == campaign.id,
            ReminderDispatch.due_at == digest.due_at,
            ReminderDispatch.rule.not_in(SPECIAL_RULES),
        )
        .order_by(Unit.id)
    ).all()
    sent = tuple(dict.fromkeys(name for status, _, name in rows if status == "sent"))
    missed = tuple(
        name
        for name in dict.fromkeys(name for status, _, name in rows if status == "failed")
        if name not in sent
    )
    paused = tuple(dict.fromkeys(name for _, error, name in rows if error == "paused"))
    overdue = sorted(
        {
            o.unit.name
            for o in load_obligations(session, campaign)
            if obligation_state(o, now).overdue
        }
    )
    return DigestMessage(
        campaign=campaign.title,
        due_at=digest.due_at.astimezone(ZoneInfo(campaign.timezone)),
        reminded=sent,
        missed=missed,
        paused=paused,
        overdue=tuple(overdue),
    )


def unreachable_notice(session: Session, row: ReminderDispatch) -> UnreachableNotice:
    """A unit's group is gone: which, and how many contacts the round falls back to."""
    unit = session.get(Unit, row.unit_id) if row.unit_id is not None else None
    titles = session.scalars(
        select(Chat.title).where(Chat.unit_id == row.unit_id, Chat.unreachable.is_(True))
    )
    contacts = len(destinations(session, row.unit_id).send) if row.unit_id is not None else 0
    return UnreachableNotice(
        unit=unit.name if unit is not None else "",
        groups=tuple(titles),
        contacts=contacts,
    )
