"""What the importer produces (a plain CampaignSpec), its refusal, and what its parts share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from bot.config import DEFAULT_TIMEZONE
from bot.refusals import Refusal

# A date-only deadline ("10月18日前") means the end of that working day.
DEADLINE_TIME = time(23, 59, 59)

SPACES = re.compile(r"[\s\u3000]+")


class ImportFailure(Refusal):
    """A workbook that cannot be imported; the sentence is for the person who sent it."""


@dataclass
class GroupSpec:
    number: str
    title: str = ""
    category: str = ""


@dataclass
class WrittenUnit:
    """A unit name as written in a cell, with where it was written."""

    name: str
    cell: str


@dataclass
class IndicatorSpec:
    number: str
    title: str
    group: str | None = None
    key_points: str = ""
    material: str = ""
    # The units that answer for the indicator (责任单位, or 牵头单位 where the table names a
    # lead): each owes its material. Supporting units (配合单位) owe nothing themselves.
    units: list[WrittenUnit] = field(default_factory=list)
    supports: list[WrittenUnit] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    score: str = ""
    template_hint: str = ""
    deadline: datetime | None = None
    row: int = 0


@dataclass
class CampaignSpec:
    code: str
    title: str
    sheet: str
    issuer: str = ""
    doc_number: str = ""
    timezone: str = DEFAULT_TIMEZONE
    stats_start: date | None = None
    stats_end: date | None = None
    deadline: datetime | None = None
    division_deadline: datetime | None = None
    reminder_rules: list[str] = field(default_factory=list)
    quiet_dates: list[str] = field(default_factory=list)
    # Weekend dates the campaign works (调休上班日): reminders go out on them.
    extra_workdays: list[str] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    indicators: list[IndicatorSpec] = field(default_factory=list)
    # Text in a units cell that is not a unit name (a date, a sentence): reported, not created.
    not_units: list[WrittenUnit] = field(default_factory=list)
    source: str = ""
    fingerprint: str = ""


@dataclass(frozen=True)
class Overrides:
    """Campaign facts given on the command line; they win over the workbook."""

    code: str | None = None
    title: str | None = None
    deadline: date | datetime | None = None
    timezone: str | None = None


def cell_text(value: Any) -> str:
    """A cell's value as the text a person sees (dates as ISO, 3.0 as "3")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
