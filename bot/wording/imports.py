"""What an import did, and why a strict import stopped, as sentences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import texts
from bot.refusals import Refusal
from bot.wording import Escape
from bot.wording import plain as _plain

if TYPE_CHECKING:  # result objects of the import use case (which imports this module)
    from bot.services.campaign_table import ImportedValue, Value
    from bot.services.campaigns import ImportReport, UnconfirmedName


def import_report_lines(report: ImportReport, escape: Escape = _plain) -> list[str]:
    """The report as the CLI prints it: counts, then how every unit name was matched."""
    if report.unchanged:
        return [
            texts.IMPORT_REPORT_UNCHANGED.format(
                code=escape(report.code), title=escape(report.title)
            )
        ]
    out = [
        texts.IMPORT_REPORT_HEADER.format(
            code=escape(report.code),
            title=escape(report.title),
            groups=report.groups,
            indicators=report.indicators,
            units=report.units,
            obligations=report.obligations,
        )
    ]
    if report.existed:
        out.append(
            texts.IMPORT_REPORT_UPDATED.format(
                added=report.added, updated=report.updated, archived=report.archived
            )
        )
    exact = "、".join(escape(name) for name in report.exact) or texts.NONE_MARK
    out.append(texts.IMPORT_REPORT_EXACT.format(names=exact))
    if report.by_alias:
        pairs = "、".join(f"{escape(w)}→{escape(n)}" for w, n in report.by_alias)
        out.append(texts.IMPORT_REPORT_ALIAS.format(pairs=pairs))
    if report.fuzzy:
        pairs = "、".join(f"{escape(w)}→{escape(n)}（{s:.0f}）" for w, n, s in report.fuzzy)
        out.append(texts.IMPORT_REPORT_FUZZY.format(pairs=pairs))
    if report.new:
        out.append(texts.IMPORT_REPORT_NEW.format(names="、".join(escape(n) for n in report.new)))
    if report.supports:
        out.append(texts.IMPORT_REPORT_SUPPORTS.format(count=report.supports))
    if report.not_units:
        items = "、".join(
            texts.IMPORT_REPORT_NOT_UNIT.format(cell=escape(cell), text=escape(text))
            for cell, text in report.not_units
        )
        out.append(texts.IMPORT_REPORT_NOT_UNITS.format(items=items))
    if report.deadline:
        deadline = report.deadline.astimezone(ZoneInfo(report.timezone))
        out.append(
            texts.IMPORT_REPORT_DEADLINE.format(
                deadline=deadline.strftime("%Y-%m-%d %H:%M"), tz=escape(report.timezone)
            )
        )
    else:
        out.append(texts.IMPORT_REPORT_NO_DEADLINE)
    out += chat_value_lines(report, escape)
    if report.extra_workdays:
        days = "、".join(escape(day) for day in report.extra_workdays)
        out.append(texts.IMPORT_REPORT_WORKDAYS.format(days=days))
    return out


def chat_value_lines(report: ImportReport, escape: Escape = _plain) -> list[str]:
    """Each deadline or rule kept from chat, and each one the table changed."""
    zone = ZoneInfo(report.timezone)

    def shown(value: Value) -> str:
        if isinstance(value, datetime):
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return "、".join(escape(rule) for rule in value) if value else texts.IMPORT_VALUE_UNSET

    out = [
        texts.IMPORT_REPORT_KEPT.format(
            what=_what(kept, escape), value=shown(kept.in_chat), table=shown(kept.table_now)
        )
        for kept in report.kept_from_chat
    ]
    for changed in report.table_changed:
        line = texts.IMPORT_REPORT_TABLE_CHANGED.format(
            what=_what(changed, escape),
            old=shown(changed.table_before),
            new=shown(changed.table_now),
        )
        if changed.in_chat is not None:
            line += texts.IMPORT_REPORT_TABLE_OVERRODE.format(chat=shown(changed.in_chat))
        out.append(line)
    return out


def _what(value: ImportedValue, escape: Escape) -> str:
    if value.kind == "rules":
        return texts.IMPORT_VALUE_RULES
    if value.indicator is None:
        return texts.IMPORT_VALUE_DEADLINE
    return texts.IMPORT_VALUE_INDICATOR_DEADLINE.format(number=escape(value.indicator))


def import_report_text(report: ImportReport, escape: Escape = _plain) -> str:
    return "\n".join(import_report_lines(report, escape))


def import_failure_text(name: str, error: Refusal, escape: Escape = _plain) -> str:
    """A workbook that was not imported: its file name, then why."""
    return texts.IMPORT_FAILED_FILE.format(name=escape(name), reason=error.sentence(escape))


def strict_refusal_text(
    header: str, names: Sequence[UnconfirmedName], escape: Escape = _plain
) -> str:
    """Why --strict stopped: one line per name with its cell, verdict and closest known names."""
    lines = [header]
    for name in names:
        verdict = (
            texts.IMPORT_STRICT_FUZZY.format(name=escape(name.name), score=name.score)
            if name.how == "fuzzy"
            else texts.IMPORT_STRICT_NEW
        )
        closest = "、".join(f"{escape(n)}（{s:.0f}）" for n, s in name.closest) or texts.NONE_MARK
        lines.append(
            texts.IMPORT_STRICT_LINE.format(
                cell=escape(name.cell),
                written=escape(name.written),
                verdict=verdict,
                closest=closest,
            )
        )
    return "\n".join(lines)
