"""The 自评报告 draft's chat message and file name."""

from __future__ import annotations

from bot import texts
from bot.selfreport import SelfReport
from bot.storage import safe_filename
from bot.wording import Escape, plain


def self_report_text(report: SelfReport, escape: Escape = plain) -> str:
    """What the draft holds and what is left for the person who finishes it."""
    scope = texts.SELFREPORT_SCOPE_UNIT.format(unit=escape(report.unit)) if report.unit else ""
    return texts.SELFREPORT_READY.format(
        title=escape(report.title),
        scope=scope,
        indicators=len(report.indicators),
        delivered=report.delivered,
        total=report.obligations,
    )


def self_report_filename(report: SelfReport) -> str:
    """自评报告_{code}_{date}.docx, with the unit for a unit's draft; safe on any disk."""
    day = report.generated_at.strftime("%Y%m%d")
    if report.unit:
        name = texts.SELFREPORT_FILENAME_UNIT.format(
            code=report.campaign, unit=report.unit, date=day
        )
    else:
        name = texts.SELFREPORT_FILENAME.format(code=report.campaign, date=day)
    return safe_filename(name)
