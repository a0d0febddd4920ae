"""What an import did or would do (the preview of /import in chat), and why a strict import
stopped, as sentences."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.refusals import Refusal
from bot.services.campaign_table import ImportedValue, Value
from bot.services.campaigns import ImportReport, StrictImportRefused, UnconfirmedName
from bot.services.import_changes import ChangedIndicator, ImportChanges
from bot.services.imports_in_chat import ImportCancelled, ImportDone, ImportPreview
from bot.wording import Escape
from bot.wording import plain as _plain


def import_report_lines(report: ImportReport, escape: Escape = _plain) -> list[str]:
    """The report as the CLI prints it: counts, what changed, how every unit name was matched."""
    if report.replaced_by:
        return [
            texts.IMPORT_REPORT_REPLACED.format(
                code=escape(report.code),
                title=escape(report.title),
                current=escape(report.replaced_by),
            )
        ]
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
    return out + _details(report, escape)


def _details(report: ImportReport, escape: Escape) -> list[str]:
    """What changed (for a campaign that existed), unit names, supports, the deadline."""
    out = change_lines(report.changes, escape) if report.existed else []
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


def change_lines(changes: ImportChanges, escape: Escape = _plain) -> list[str]:
    """Indicators added, changed and archived by number and title; obligations counted."""
    if changes.nothing:
        return [texts.IMPORT_CHANGES_NONE]
    out = []
    if changes.added:
        items = texts.IMPORT_CHANGES_SEPARATOR.join(
            texts.IMPORT_CHANGES_ADDED_ITEM.format(
                number=escape(item.number),
                title=escape(item.title),
                units="、".join(escape(unit) for unit in item.units),
            )
            for item in changes.added
        )
        out.append(texts.IMPORT_CHANGES_ADDED.format(items=items))
    if changes.changed:
        items = texts.IMPORT_CHANGES_SEPARATOR.join(
            texts.IMPORT_CHANGES_CHANGED_ITEM.format(
                number=escape(item.number), title=escape(item.title), what=_what(item, escape)
            )
            for item in changes.changed
        )
        out.append(texts.IMPORT_CHANGES_CHANGED.format(items=items))
    if changes.archived:
        items = texts.IMPORT_CHANGES_SEPARATOR.join(
            texts.IMPORT_CHANGES_ARCHIVED_ITEM.format(
                number=escape(item.number), title=escape(item.title)
            )
            for item in changes.archived
        )
        out.append(texts.IMPORT_CHANGES_ARCHIVED.format(items=items))
    if changes.obligations_added or changes.obligations_archived:
        out.append(
            texts.IMPORT_CHANGES_OBLIGATIONS.format(
                added=changes.obligations_added, archived=changes.obligations_archived
            )
        )
    if changes.campaign_fields:
        fields = "、".join(texts.IMPORT_CAMPAIGN_FIELD_NAMES[f] for f in changes.campaign_fields)
        out.append(texts.IMPORT_CHANGES_CAMPAIGN.format(fields=fields))
    return out


def _what(item: ChangedIndicator, escape: Escape) -> str:
    parts = [texts.IMPORT_FIELD_NAMES[field] for field in item.fields]
    if item.units_added:
        names = "、".join(escape(unit) for unit in item.units_added)
        parts.append(texts.IMPORT_CHANGES_UNITS_ADDED.format(names=names))
    if item.units_removed:
        names = "、".join(escape(unit) for unit in item.units_removed)
        parts.append(texts.IMPORT_CHANGES_UNITS_REMOVED.format(names=names))
    if item.supports_changed:
        parts.append(texts.IMPORT_CHANGES_SUPPORTS)
    return "、".join(parts)


def preview_text(preview: ImportPreview, escape: Escape = _plain) -> str:
    """What importing a table sent in chat would do; nothing has been changed yet."""
    report, name = preview.report, escape(preview.filename)
    code, title = escape(report.code), escape(report.title)
    if report.unchanged:
        return texts.IMPORT_PREVIEW_UNCHANGED.format(name=name, code=code, title=title)
    header = texts.IMPORT_PREVIEW_UPDATE if report.existed else texts.IMPORT_PREVIEW_NEW
    counts = texts.IMPORT_PREVIEW_COUNTS.format(
        groups=report.groups,
        indicators=report.indicators,
        units=report.units,
        obligations=report.obligations,
    )
    lines = [header.format(name=name, code=code, title=title), counts, *_details(report, escape)]
    return "\n".join([*lines, texts.IMPORT_PREVIEW_FOOTER])


def imported_text(done: ImportDone, escape: Escape = _plain) -> str:
    """After [确认导入]: the file's name, then the import's own report."""
    lines = [texts.IMPORT_DONE.format(name=escape(done.filename))]
    return "\n".join([*lines, *import_report_lines(done.report, escape)])


def import_cancelled_text(cancelled: ImportCancelled, escape: Escape = _plain) -> str:
    return texts.IMPORT_CANCELLED.format(name=escape(cancelled.filename))


def chat_value_lines(report: ImportReport, escape: Escape = _plain) -> list[str]:
    """Each deadline or rule kept from chat, and each one the table changed."""
    zone = ZoneInfo(report.timezone)

    def shown(value: Value) -> str:
        if isinstance(value, datetime):
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return "、".join(escape(rule) for rule in value) if value else texts.IMPORT_VALUE_UNSET

    out = [
        texts.IMPORT_REPORT_KEPT.format(
            what=_value_what(kept, escape), value=shown(kept.in_chat), table=shown(kept.table_now)
        )
        for kept in report.kept_from_chat
    ]
    for changed in report.table_changed:
        line = texts.IMPORT_REPORT_TABLE_CHANGED.format(
            what=_value_what(changed, escape),
            old=shown(changed.table_before),
            new=shown(changed.table_now),
        )
        if changed.in_chat is not None:
            line += texts.IMPORT_REPORT_TABLE_OVERRODE.format(chat=shown(changed.in_chat))
        out.append(line)
    return out


def _value_what(value: ImportedValue, escape: Escape) -> str:
    if value.kind == "rules":
        return texts.IMPORT_VALUE_RULES
    if value.indicator is None:
        return texts.IMPORT_VALUE_DEADLINE
    return texts.IMPORT_VALUE_INDICATOR_DEADLINE.format(number=escape(value.indicator))


def import_report_text(report: ImportReport, escape: Escape = _plain) -> str:
    return "\n".join(import_report_lines(report, escape))


def import_failure_text(name: str, error: Refusal, escape: Escape = _plain) -> str:
    """A workbook that was not imported: its file name, then why."""
    reason = (
        strict_refusal_text(error.text, error.fields["names"], escape)
        if isinstance(error, StrictImportRefused)
        else error.sentence(escape)
    )
    return texts.IMPORT_FAILED_FILE.format(name=escape(name), reason=reason)


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
