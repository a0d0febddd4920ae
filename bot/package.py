"""The final package as files: 汇总.xlsx, the 自评报告 draft, 情况说明.txt and every live file,
by group / indicator / unit, in zips small enough for Telegram's 50 MB upload limit.

Pure file work on result objects (bot.services.export plans what goes in, inside a
transaction): it runs in a document process, outside any transaction.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.progress import Summary
from bot.selfreport import SelfReport
from bot.selfreport_docx import draft_document
from bot.storage import FileStore
from bot.workbooks import summary_workbook

# Telegram takes uploads up to 50 MB: 2 MB of headroom for zip headers and the multipart envelope.
PART_LIMIT = 48 * 1024 * 1024


@dataclass(frozen=True)
class PackageEntry:
    arcname: str
    storage_key: str
    size: int


@dataclass(frozen=True)
class ExportResult:
    parts: tuple[Path, ...]
    files: int


@dataclass(frozen=True)
class PackagePlan:
    """What goes into the package, read from the database; writing it needs no database."""

    summary: Summary
    draft: SelfReport  # the campaign's 自评报告; its excerpts are read when writing
    entries: tuple[PackageEntry, ...]
    day: str  # the export's date in the campaign's zone, for the zip names


def notes_text(summary: Summary) -> str:
    """情况说明.txt of the export: one line per excused obligation and per extension."""
    zone = ZoneInfo(summary.timezone)
    lines = [texts.EXPORT_NOTES_TITLE.format(title=summary.campaign_title)]
    for state in summary.noted():
        note = state.exemption
        if state.excused and note is not None:
            when = note.decided_at.astimezone(zone) if note.decided_at else None
            lines.append(
                texts.EXPORT_NOTE_EXCUSED.format(
                    unit=state.unit,
                    number=state.indicator,
                    title=state.title,
                    reason=note.reason,
                    decider=note.decider,
                    when=when.strftime(texts.NOTE_DATETIME_FORMAT) if when else "",
                )
            )
        elif state.deadline is not None:
            lines.append(
                texts.EXPORT_NOTE_EXTENDED.format(
                    unit=state.unit,
                    number=state.indicator,
                    title=state.title,
                    deadline=state.deadline.astimezone(zone).strftime(texts.NOTE_DATETIME_FORMAT),
                )
            )
    if len(lines) == 1:
        lines.append(texts.EXPORT_NOTES_NONE)
    return "\n".join(lines) + "\n"


def write_package(
    plan: PackagePlan, store: FileStore, out_dir: Path, part_limit: int = PART_LIMIT
) -> ExportResult:
    """Write the package as one or more zips into out_dir, each holding 汇总.xlsx, the
    自评报告 draft and 情况说明.txt (不适用 and extensions): slow file work, run off the
    event loop and outside any transaction."""
    entries = plan.entries
    if not entries:
        return ExportResult((), 0)
    workbook = summary_workbook(plan.summary)
    draft = draft_document(plan.draft, store)
    notes = notes_text(plan.summary).encode()
    code, day = plan.summary.campaign, plan.day
    batches: list[list[PackageEntry]] = [[]]
    fixed = len(workbook) + len(draft) + len(notes)  # in every part
    used = fixed
    for entry in entries:
        if batches[-1] and used + entry.size > part_limit:
            batches.append([])
            used = fixed
        batches[-1].append(entry)
        used += entry.size
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for number, batch in enumerate(batches, start=1):
        name = (
            texts.EXPORT_SINGLE.format(code=code, date=day)
            if len(batches) == 1
            else texts.EXPORT_PART.format(code=code, date=day, part=number)
        )
        path = out_dir / name
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(texts.EXPORT_SUMMARY_NAME, workbook)
            archive.writestr(texts.SELFREPORT_EXPORT_NAME, draft)
            archive.writestr(texts.EXPORT_NOTES_NAME, notes)
            for entry in batch:
                archive.write(store.path_for(entry.storage_key), entry.arcname)
        parts.append(path)
    return ExportResult(tuple(parts), len(entries))
