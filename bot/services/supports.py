"""Indicators a unit supports (配合单位): who leads them, and whether the lead has delivered.

Where a table names a lead (牵头单位), the obligation is the lead's alone; supporting units
supply their part to it and owe nothing themselves, so they stay out of progress, the
summary's denominator and the owed lists. These reads are what the rest of the bot needs of
them: /owe shows the supported indicators after the unit's own, and a supporting unit's
upload or reminder can find the lead's obligation here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from bot.db import run_prepared
from bot.models import (
    Campaign,
    Exemption,
    Indicator,
    IndicatorGroup,
    IndicatorSupport,
    Obligation,
    Submission,
    Unit,
)
from bot.progress import ContributedFile, SupportState
from bot.schedule import days_left
from bot.status import OWED_STATUSES, derive_status, is_late

_Lead = aliased(Unit, name="lead_unit")

# One supporting unit's indicators, one row per (indicator, live lead obligation). Every /owe
# asks it (most units support nothing): prepared, see bot.db.run_prepared.
_SUPPORTED = (
    select(
        Obligation.id.label("obligation_id"),
        Indicator.number,
        Indicator.title,
        Indicator.material,
        Indicator.template_hint,
        Indicator.deadline,
        IndicatorGroup.number.label("group_number"),
        _Lead.name.label("lead"),
        Obligation.deadline.label("own_deadline"),
        exists()
        .where(Exemption.obligation_id == Obligation.id, Exemption.status == "approved")
        .label("excused"),
    )
    .select_from(IndicatorSupport)
    .join(Indicator, IndicatorSupport.indicator_id == Indicator.id)
    .join(
        Obligation,
        and_(Obligation.indicator_id == Indicator.id, Obligation.archived.is_(False)),
    )
    .join(_Lead, Obligation.unit_id == _Lead.id)
    .outerjoin(IndicatorGroup, Indicator.group_id == IndicatorGroup.id)
    .where(
        Indicator.campaign_id == bindparam("campaign_id"),
        Indicator.archived.is_(False),
        IndicatorSupport.unit_id == bindparam("unit_id"),
    )
    .order_by(Indicator.position, _Lead.id)
)
_LIVE_SUBMISSIONS = select(
    Submission.obligation_id,
    Submission.version,
    Submission.uploaded_at,
    Submission.review_status,
    Submission.withdrawn_at,
    Submission.contributed_by_unit_id,
    Submission.adopted_at,
    Submission.filename,
).where(
    Submission.obligation_id.in_(bindparam("ids", expanding=True)),
    Submission.withdrawn_at.is_(None),
)


def supported_obligations(session: Session, campaign: Campaign, unit: Unit) -> list[Any]:
    """The lead obligations of the indicators `unit` supports, as rows (obligation_id, number,
    title, lead, …), one per (indicator, lead), in table order."""
    return list(run_prepared(session, _SUPPORTED, campaign_id=campaign.id, unit_id=unit.id))


def support_states(
    session: Session, campaign: Campaign, unit: Unit, now: datetime
) -> list[SupportState]:
    """The indicators `unit` supports, one per lead, each with the lead's status, in table
    order; empty for a unit that supports nothing."""
    session.flush()  # rows are read on the connection: let them see this transaction's changes
    rows = supported_obligations(session, campaign, unit)
    if not rows:
        return []
    live: dict[int, list[Any]] = defaultdict(list)  # submission rows
    ids = [row.obligation_id for row in rows]
    for submission in session.execute(_LIVE_SUBMISSIONS, {"ids": ids}).all():
        live[submission.obligation_id].append(submission)
    zone = ZoneInfo(campaign.timezone)
    states = []
    for row in rows:
        deadline = row.own_deadline or row.deadline or campaign.deadline
        status = derive_status(live[row.obligation_id], excused=bool(row.excused))
        states.append(
            SupportState(
                indicator=row.number,
                title=row.title,
                material=row.material,
                template_hint=row.template_hint,
                group=row.group_number or "",
                unit=unit.name,
                lead=row.lead,
                lead_obligation_id=row.obligation_id,
                deadline=deadline.astimezone(zone) if deadline else None,
                days_left=days_left(deadline, now, zone) if deadline else None,
                lead_status=status,
                lead_late=is_late(live[row.obligation_id], deadline),
                overdue=status in OWED_STATUSES and deadline is not None and now > deadline,
                contributions=tuple(
                    ContributedFile(
                        s.filename, s.uploaded_at.astimezone(zone), s.adopted_at is not None
                    )
                    for s in live[row.obligation_id]
                    if s.contributed_by_unit_id == unit.id
                ),
            )
        )
    return states


@dataclass(frozen=True)
class SupportLink:
    """One supporting unit of one indicator, with the indicator's lead units."""

    indicator: str
    title: str
    unit: str
    leads: tuple[str, ...]


def campaign_supports(session: Session, campaign: Campaign) -> list[SupportLink]:
    """Every supporting unit of every live indicator of the campaign, in table order."""
    supporters = session.execute(
        select(Indicator.id, Indicator.number, Indicator.title, Unit.name)
        .join(IndicatorSupport, IndicatorSupport.indicator_id == Indicator.id)
        .join(Unit, IndicatorSupport.unit_id == Unit.id)
        .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
        .order_by(Indicator.position, IndicatorSupport.id)
    ).all()
    leads: dict[int, list[str]] = defaultdict(list)
    for indicator_id, name in session.execute(
        select(Obligation.indicator_id, Unit.name)
        .join(Unit, Obligation.unit_id == Unit.id)
        .where(
            Obligation.indicator_id.in_({row.id for row in supporters}),
            Obligation.archived.is_(False),
        )
        .order_by(Unit.id)
    ):
        leads[indicator_id].append(name)
    return [
        SupportLink(row.number, row.title, row.name, tuple(leads[row.id])) for row in supporters
    ]
