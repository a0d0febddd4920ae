"""Who has delivered what: the unit × indicator matrix behind /summary and the Excel summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.db import UnitOfWork
from bot.models import Campaign
from bot.services.campaigns import find_campaign
from bot.services.obligations import ObligationState, load_obligations, obligation_state


@dataclass(frozen=True)
class IndicatorColumn:
    number: str
    title: str
    group: str
    required: int
    delivered: int


@dataclass(frozen=True)
class UnitRow:
    unit: str
    cells: dict[str, ObligationState]  # indicator number → state; absent: not responsible

    @property
    def required(self) -> int:
        return len(self.cells)

    @property
    def delivered(self) -> int:
        return sum(1 for state in self.cells.values() if not state.owed)

    @property
    def overdue(self) -> bool:
        return any(state.overdue for state in self.cells.values())

    @property
    def late(self) -> bool:
        return any(state.late for state in self.cells.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "required": self.required,
            "delivered": self.delivered,
            "overdue": self.overdue,
            "late": self.late,
            "cells": {
                number: {"status": s.status, "late": s.late, "overdue": s.overdue}
                for number, s in self.cells.items()
            },
        }


@dataclass(frozen=True)
class Summary:
    campaign: str
    campaign_title: str
    timezone: str
    generated_at: datetime
    deadline: datetime | None
    indicators: tuple[IndicatorColumn, ...]
    rows: tuple[UnitRow, ...]

    @property
    def obligations(self) -> int:
        return sum(row.required for row in self.rows)

    @property
    def done(self) -> int:
        return sum(row.delivered for row in self.rows)

    @property
    def accepted(self) -> int:
        return sum(1 for row in self.rows for s in row.cells.values() if s.status == "accepted")

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.obligations, 1) if self.obligations else 0.0

    def states(self) -> list[ObligationState]:
        return [state for row in self.rows for state in row.cells.values()]

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "campaign_title": self.campaign_title,
            "generated_at": self.generated_at.isoformat(),
            "obligations": self.obligations,
            "done": self.done,
            "accepted": self.accepted,
            "percent": self.percent,
            "indicators": [
                {
                    "indicator": c.number,
                    "title": c.title,
                    "required": c.required,
                    "delivered": c.delivered,
                }
                for c in self.indicators
            ],
            "rows": [row.as_json() for row in self.rows],
        }


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
            required=len(items),
            delivered=sum(1 for s in items if not s.owed),
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


def summary(uow: UnitOfWork, now: datetime, campaign_code: str | None = None) -> Summary:
    """Progress of the campaign: obligations, done, and a row per unit."""
    return campaign_summary(uow.session, find_campaign(uow.session, campaign_code), now)
