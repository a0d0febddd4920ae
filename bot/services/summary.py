"""Who has delivered what: the unit × indicator matrix behind /summary and the Excel summary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign
from bot.progress import IndicatorColumn, ObligationState, Summary, UnitRow
from bot.services.access import Actor, require_coordinator
from bot.services.campaigns import find_campaign
from bot.services.obligations import load_obligations, obligation_state


def campaign_summary(session: Session, campaign: Campaign, now: datetime) -> Summary:
    """The matrix for a loaded campaign; overdue units first, then those owing most."""
    states = [obligation_state(o, now) for o in load_obligations(session, campaign)]
    by_unit: dict[str, dict[str, ObligationState]] = {}
    columns: dict[str, list[ObligationState]] = {}
    titles: dict[str, tuple[str, str]] = {}
    for state in states:
        by_unit.setdefault(state.unit, {})[state.indicator] = state
        columns.setdefault(state.indicator, []).append(state)
        titles[state.indicator] = (state.title, state.group)
    rows = [UnitRow(unit=name, cells=cells) for name, cells in by_unit.items()]
    rows.sort(key=lambda r: (not r.overdue, -(r.required - r.delivered)))
    indicators = tuple(
        IndicatorColumn(
            number=number,
            title=titles[number][0],
            group=titles[number][1],
            required=sum(1 for s in items if not s.excused),
            delivered=sum(1 for s in items if not s.owed and not s.excused),
        )
        for number, items in columns.items()
    )
    return Summary(
        campaign=campaign.code,
        campaign_title=campaign.title,
        timezone=campaign.timezone,
        generated_at=now,
        deadline=campaign.deadline,
        indicators=indicators,
        rows=tuple(rows),
    )


@read_only
def summary(uow: UnitOfWork, now: datetime, campaign_code: str | None = None) -> Summary:
    """Progress of the campaign: obligations, done, and a row per unit."""
    return campaign_summary(uow.session, find_campaign(uow.session, campaign_code), now)


@read_only
def summary_for(
    uow: UnitOfWork, actor: Actor, now: datetime, campaign_code: str | None = None
) -> Summary:
    """/summary: registered coordinators (and the operator) only, wherever they ask; a
    member of the coordinator group who is not one is refused (the matrix names every unit)."""
    require_coordinator(actor, texts.SUMMARY_REFUSED)
    return summary(uow, now, campaign_code)
