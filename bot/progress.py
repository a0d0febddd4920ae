"""Where a campaign stands: per-obligation states and the unit × indicator matrix.

Plain result objects, produced by bot.services and read by the CLI, the bot's renderers,
bot.wording and bot.workbooks; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.status import OWED_STATUSES, ExemptionNote, Status
from bot.structure import Difference


@dataclass(frozen=True)
class SubmissionInfo:
    id: int
    version: int
    filename: str
    size: int
    uploaded_at: datetime
    uploader: str
    review_status: str
    review_comment: str
    match_method: str
    sha256: str
    password_protected: bool = False  # the reviewer needs the password to open it
    contributed_by: str = ""  # a supporting unit's contribution (配合材料): that unit
    adopted: bool = False  # a contribution the lead adopted as its own delivery
    differences: tuple[Difference, ...] = ()  # how it differs from its template when filed

    def as_json(self) -> dict[str, Any]:
        found = {
            "id": self.id,
            "version": self.version,
            "filename": self.filename,
            "size": self.size,
            "uploaded_at": self.uploaded_at.isoformat(),
            "uploader": self.uploader,
            "status": self.review_status,
            "comment": self.review_comment,
            "match": self.match_method,
            "sha256": self.sha256,
        }
        if self.contributed_by:
            found |= {"contributed_by": self.contributed_by, "adopted": self.adopted}
        return found


@dataclass(frozen=True)
class ObligationState:
    """One indicator × unit, as it stands now."""

    obligation_id: int
    indicator: str
    title: str
    material: str
    template_hint: str
    group: str
    unit: str
    deadline: datetime | None
    days_left: int | None
    status: Status
    late: bool
    overdue: bool
    submissions: tuple[SubmissionInfo, ...] = field(default=())
    extended: bool = False  # the deadline is the unit's own (/extend)
    exemption: ExemptionNote | None = None  # 不适用: approved, waiting or refused
    # Supporting units' files not adopted yet: listed to the lead, not counted as delivered.
    contributions: tuple[SubmissionInfo, ...] = field(default=())

    @property
    def owed(self) -> bool:
        return self.status in OWED_STATUSES

    @property
    def excused(self) -> bool:
        return self.status == "excused"

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "title": self.title,
            "material": self.material,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "status": self.status,
            "late": self.late,
            "overdue": self.overdue,
            "extended": self.extended,
            "exemption": self.exemption.as_json() if self.exemption else None,
            "role": "lead",
            "submissions": [s.as_json() for s in self.submissions],
            "contributions": [s.as_json() for s in self.contributions],
        }


@dataclass(frozen=True)
class ContributedFile:
    """A file a supporting unit contributed to the lead, as that unit sees it."""

    filename: str
    uploaded_at: datetime
    adopted: bool


@dataclass(frozen=True)
class SupportState:
    """An indicator the unit supports (配合单位): the lead unit's obligation, as it stands.

    The supporting unit owes nothing itself; `lead_status` says whether the lead delivered.
    """

    indicator: str
    title: str
    material: str
    template_hint: str
    group: str
    unit: str  # the supporting unit
    lead: str
    lead_obligation_id: int
    deadline: datetime | None
    days_left: int | None
    lead_status: Status
    lead_late: bool
    overdue: bool  # the lead still owes after the deadline
    contributions: tuple[ContributedFile, ...] = ()  # this unit's files for the lead

    @property
    def lead_delivered(self) -> bool:
        return self.lead_status not in OWED_STATUSES

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "title": self.title,
            "material": self.material,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "status": self.lead_status,
            "late": self.lead_late,
            "overdue": self.overdue,
            "role": "support",
            "lead": self.lead,
            "submissions": [],
            "contributions": [
                {
                    "filename": c.filename,
                    "uploaded_at": c.uploaded_at.isoformat(),
                    "adopted": c.adopted,
                }
                for c in self.contributions
            ],
        }


@dataclass(frozen=True)
class OweReport:
    campaign: str
    campaign_title: str
    unit: str
    timezone: str
    items: tuple[ObligationState, ...]
    # Indicators the unit supports, after what it owes itself; never counted as owed.
    supported: tuple[SupportState, ...] = ()

    @property
    def owed(self) -> tuple[ObligationState, ...]:
        return tuple(item for item in self.items if item.owed)

    @property
    def delivered(self) -> tuple[ObligationState, ...]:
        return tuple(item for item in self.items if not item.owed and not item.excused)

    @property
    def excused(self) -> tuple[ObligationState, ...]:
        return tuple(item for item in self.items if item.excused)

    @property
    def support_owed(self) -> tuple[SupportState, ...]:
        """Supported indicators whose lead still owes: what a reminder asks this unit to help
        with (once every lead has delivered, a unit that only supports is left alone)."""
        return tuple(item for item in self.supported if not item.lead_delivered)

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "campaign_title": self.campaign_title,
            "unit": self.unit,
            "owed": len(self.owed),
            "items": [
                *(item.as_json() for item in self.items),
                *(item.as_json() for item in self.supported),
            ],
        }


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
        """Obligations that count: an excused one is out of the denominator."""
        return sum(1 for state in self.cells.values() if not state.excused)

    @property
    def delivered(self) -> int:
        return sum(1 for state in self.cells.values() if not state.owed and not state.excused)

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
                number: {
                    "status": s.status,
                    "late": s.late,
                    "overdue": s.overdue,
                    "extended": s.extended,
                }
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

    def noted(self) -> list[ObligationState]:
        """What the 情况说明 explains: excused obligations, and those with their own deadline."""
        return [state for state in self.states() if state.excused or state.extended]

    def contributions(self) -> list[tuple[ObligationState, SubmissionInfo]]:
        """Every live contribution of a supporting unit, adopted or not, with the lead's
        state, in table order, oldest first; none of them is in the denominator."""
        position = {column.number: index for index, column in enumerate(self.indicators)}
        found = [
            (state, sub)
            for state in self.states()
            for sub in (*state.submissions, *state.contributions)
            if sub.contributed_by
        ]
        return sorted(found, key=lambda pair: (position[pair[0].indicator], pair[1].uploaded_at))

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "campaign_title": self.campaign_title,
            "generated_at": self.generated_at.isoformat(),
            "obligations": self.obligations,
            "excused": sum(1 for state in self.states() if state.excused),
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


@dataclass(frozen=True)
class OwedIndicator:
    indicator: str
    title: str
