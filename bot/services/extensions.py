"""Extensions: a coordinator gives one unit more time on one obligation, or on all of them.

The extension is the obligation's own deadline, which every reader takes before the
indicator's and the campaign's (Obligation.effective_deadline): days left, late and overdue,
reminders, the summary. Audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.db import UnitOfWork
from bot.services.access import Actor, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import find_campaign, find_unit
from bot.services.exemptions import ExemptionRefused, live_obligations, obligation_by_number


@dataclass(frozen=True)
class Extension:
    """A unit's own deadline on one indicator, or on all of its obligations."""

    campaign: str
    unit: str
    indicators: tuple[str, ...]
    every: bool  # all of the unit's obligations
    deadline: datetime  # in the campaign's zone
    timezone: str


def extend(
    uow: UnitOfWork,
    actor: Actor,
    unit_name: str,
    number: str | None,
    when: datetime,
    campaign_code: str | None = None,
) -> Extension:
    """/extend 公安局 7 2023-10-20: the unit's own deadline on one indicator, or on all of its
    obligations when `number` is None; a naive time is campaign-local (coordinators)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    unit = find_unit(session, unit_name)
    zone = ZoneInfo(campaign.timezone)
    moment = when if when.tzinfo is not None else when.replace(tzinfo=zone)
    if number is None:
        obligations = live_obligations(session, campaign, unit)
        if not obligations:
            raise ExemptionRefused(texts.OWE_NOTHING, unit=unit.name)
    else:
        obligations = [obligation_by_number(session, campaign, unit, number)]
    for obligation in obligations:
        obligation.deadline = moment
    numbers = tuple(o.indicator.number for o in obligations)
    audit(
        session,
        actor,
        "extend",
        campaign_id=campaign.id,
        unit_id=unit.id,
        indicators=list(numbers),
        deadline=moment.isoformat(),
    )
    uow.commit()
    return Extension(
        campaign.code,
        unit.name,
        numbers,
        number is None,
        moment.astimezone(zone),
        campaign.timezone,
    )
