"""The 自评报告 draft as plain result objects, and how a delivered file's opening is excerpted.

bot.services.selfreport fills these from the database (inside a transaction); the units'
own words are read from the stored files afterwards, outside it (`with_excerpts`), and
bot.selfreport_docx writes the Word document. Nothing here touches the database or the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.status import OWED_STATUSES, Status

# Files whose opening text reads as prose; a spreadsheet's first cells do not.
EXCERPT_SUFFIXES = (".docx", ".pdf")
EXCERPT_CHARS = 300
EXCERPT_SENTENCES = 3
ELLIPSIS = "……"

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class DeliveredFile:
    """One live (not withdrawn) file a unit delivered for an indicator."""

    filename: str
    uploaded_at: datetime  # in the campaign's zone
    version: int
    review_status: str  # submitted / accepted / returned
    late: bool  # delivered after the indicator's deadline
    storage_key: str  # where the file store keeps it, for the excerpt

    @property
    def quotable(self) -> bool:
        """A file whose opening is worth quoting: a .docx or .pdf not returned."""
        return self.review_status != "returned" and self.filename.lower().endswith(EXCERPT_SUFFIXES)


@dataclass(frozen=True)
class UnitDelivery:
    """One responsible unit under one indicator: what it delivered, or that it is missing."""

    unit: str
    status: Status
    late: bool
    overdue: bool
    files: tuple[DeliveredFile, ...] = ()

    @property
    def missing(self) -> bool:
        return self.status in OWED_STATUSES


@dataclass(frozen=True)
class Excerpt:
    """The opening of a delivered document, with where it comes from."""

    unit: str
    filename: str
    text: str


@dataclass(frozen=True)
class ReportIndicator:
    number: str
    title: str
    key_points: str
    material: str
    score: str  # 分值 as the table wrote it; "" when the table has no such column
    units: tuple[UnitDelivery, ...]
    excerpts: tuple[Excerpt, ...] = ()

    @property
    def delivered(self) -> int:
        return sum(1 for unit in self.units if not unit.missing and unit.status != "excused")


@dataclass(frozen=True)
class ReportGroup:
    number: str  # 一 … 五; "" for indicators outside any group
    title: str
    category: str  # 考核内容, e.g. 整体组织实施情况
    indicators: tuple[ReportIndicator, ...]


@dataclass(frozen=True)
class SelfReport:
    """Everything the draft says, for the whole campaign or one unit."""

    campaign: str  # code
    title: str
    issuer: str
    doc_number: str
    stats_start: date | None
    stats_end: date | None
    timezone: str
    generated_at: datetime  # in the campaign's zone
    unit: str | None  # None: the whole campaign
    groups: tuple[ReportGroup, ...] = field(default=())

    @property
    def indicators(self) -> tuple[ReportIndicator, ...]:
        return tuple(indicator for group in self.groups for indicator in group.indicators)

    @property
    def obligations(self) -> int:
        # An excused unit (不适用) is out of the count, as in the summary.
        return sum(
            1 for indicator in self.indicators for u in indicator.units if u.status != "excused"
        )

    @property
    def delivered(self) -> int:
        return sum(indicator.delivered for indicator in self.indicators)

    def quotable_files(self) -> list[tuple[str, str, DeliveredFile]]:
        """(indicator number, unit, file) for every file whose opening the draft quotes."""
        return [
            (indicator.number, delivery.unit, file)
            for indicator in self.indicators
            for delivery in indicator.units
            for file in delivery.files
            if file.quotable
        ]


def with_excerpts(report: SelfReport, excerpts: dict[str, list[Excerpt]]) -> SelfReport:
    """The report with each indicator's excerpts (keyed by indicator number) filled in."""
    return replace(
        report,
        groups=tuple(
            replace(
                group,
                indicators=tuple(
                    replace(indicator, excerpts=tuple(excerpts.get(indicator.number, ())))
                    for indicator in group.indicators
                ),
            )
            for group in report.groups
        ),
    )


def opening(text: str, limit: int = EXCERPT_CHARS, sentences: int = EXCERPT_SENTENCES) -> str:
    """The first few sentences of `text` on one line, at most `limit` characters (a cut
    sentence ends in ……); "" when there is no text."""
    flat = _SPACES.sub(" ", text).strip()
    if not flat:
        return ""
    taken = ""
    for count, sentence in enumerate((s for s in _SENTENCE_END.split(flat) if s.strip()), 1):
        if len(taken) + len(sentence) > limit:
            if not taken:  # one long first sentence: cut it
                return flat[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS
            break
        taken += sentence
        if count == sentences:
            break
    return taken.strip()
