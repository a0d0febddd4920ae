"""/export: what goes into the final package, read in one transaction (bot.package writes it)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.package import PART_LIMIT, ExportResult, PackageEntry, PackagePlan, write_package
from bot.services.access import Actor, require_coordinator
from bot.services.campaigns import find_campaign
from bot.services.obligations import load_obligations
from bot.services.selfreport import campaign_self_report
from bot.services.summary import campaign_summary
from bot.status import counts_as_delivery
from bot.storage import FileStore, safe_filename


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
