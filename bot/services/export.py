"""The final package: 汇总.xlsx and the 自评报告 draft plus every live file, by group /
indicator / unit, in zips small enough for Telegram's 50 MB upload limit."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.progress import Summary, counts_as_delivery
from bot.selfreport import SelfReport
from bot.services.access import Actor, require_coordinator
from bot.services.campaigns import find_campaign
from bot.services.obligations import load_obligations
from bot.services.selfreport import campaign_self_report, draft_document
from bot.services.summary import campaign_summary
from bot.storage import FileStore, safe_filename
from bot.workbooks import summary_workbook

TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024
PART_LIMIT = 48 * 1024 * 1024  # headroom for zip headers and the multipart envelope


@dataclass(frozen=True)
class PackageEntry:
    arcname: str
    storage_key: str
    size: int


@dataclass(frozen=True)
class ExportResult:
    parts: tuple[Path, ...]
    files: int


def package_entries(uow: UnitOfWork, campaign_code: str | None = None) -> list[PackageEntry]:
    """Every live, not-returned submission with its path inside the package."""
    campaign = find_campaign(uow.session, campaign_code)
    entries = []
    for obligation in load_obligations(uow.session, campaign):
        indicator = obligation.indicator
        group = indicator.group
        group_dir = (
            safe_filename(f"{group.number}、{group.title}"[:60])
            if group
            else texts.EXPORT_UNGROUPED
        )
        indicator_dir = safe_filename(f"{indicator.number}.{indicator.title}"[:60])
        unit_dir = safe_filename(obligation.unit.name)
        for submission in obligation.submissions:
            if submission.withdrawn_at is not None or submission.review_status == "returned":
                continue
            if not counts_as_delivery(submission):
                continue  # a supporting unit's contribution its lead has not adopted
            name = safe_filename(f"v{submission.version}_{submission.filename}")
            entries.append(
                PackageEntry(
                    f"{group_dir}/{indicator_dir}/{unit_dir}/{name}",
                    submission.storage_key,
                    submission.size,
                )
            )
    return entries


@dataclass(frozen=True)
class PackagePlan:
    """What goes into the package, read from the database; writing it needs no database."""

    summary: Summary
    draft: SelfReport  # the campaign's 自评报告; its excerpts are read when writing
    entries: tuple[PackageEntry, ...]
    day: str  # the export's date in the campaign's zone, for the zip names


@read_only
def plan_package(
    uow: UnitOfWork, actor: Actor, now: datetime, campaign_code: str | None = None
) -> PackagePlan:
    """/export: what the package holds (coordinators and the operator only)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    campaign = find_campaign(uow.session, campaign_code)
    return PackagePlan(
        summary=campaign_summary(uow.session, campaign, now),
        draft=campaign_self_report(uow.session, campaign, now),
        entries=tuple(package_entries(uow, campaign.code)),
        day=now.astimezone(ZoneInfo(campaign.timezone)).strftime("%Y%m%d"),
    )


def build_package(
    uow: UnitOfWork,
    store: FileStore,
    out_dir: Path,
    now: datetime,
    campaign_code: str | None = None,
    part_limit: int = PART_LIMIT,
) -> ExportResult:
    """Plan and write the package in one go (the CLI, tests)."""
    plan = plan_package(uow, Actor.operator(), now, campaign_code)
    return write_package(plan, store, out_dir, part_limit)


def write_package(
    plan: PackagePlan, store: FileStore, out_dir: Path, part_limit: int = PART_LIMIT
) -> ExportResult:
    """Write the package as one or more zips into out_dir, each holding 汇总.xlsx and the
    自评报告 draft: slow file work, run off the event loop and outside any transaction."""
    entries = plan.entries
    if not entries:
        return ExportResult((), 0)
    workbook = summary_workbook(plan.summary)
    draft = draft_document(plan.draft, store)
    code, day = plan.summary.campaign, plan.day
    batches: list[list[PackageEntry]] = [[]]
    fixed = len(workbook) + len(draft)  # in every part
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
            for entry in batch:
                archive.write(store.path_for(entry.storage_key), entry.arcname)
        parts.append(path)
    return ExportResult(tuple(parts), len(entries))
