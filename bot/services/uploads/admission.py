"""Limits checked before a download: a unit's pace (the upload throttle) and a campaign's
storage quota. Both refuse a file before a byte of it is fetched, so nothing is half-stored."""

from __future__ import annotations

import logging
import math

from sqlalchemy import bindparam, func, select, union
from sqlalchemy.orm import Session

from bot import texts
from bot.db import run_prepared
from bot.models import Indicator, Obligation, PendingUpload, Submission
from bot.refusals import Refusal
from bot.services.campaigns import find_campaign
from bot.sizes import human_size
from bot.throttle import Throttle

log = logging.getLogger(__name__)


class TooManyUploads(Refusal):
    """A unit sent more files than the throttle takes: said once per window, then silence."""


class OverQuota(Refusal):
    """The file would take the campaign's stored files over CAMPAIGN_STORAGE_QUOTA_MB."""


def paced(throttle: Throttle, unit: str, filename: str) -> bool:
    """Whether the unit's file is taken now. The first file refused in a window raises
    `TooManyUploads` (its answer says how long to wait); the rest of the burst is refused
    quietly (False), so hundreds of files get one answer."""
    verdict = throttle.take(unit)
    if verdict.taken:
        return True
    if not verdict.tell:
        return False
    log.warning(
        "%s sent more than %d files in %ss: refusing its files for %ds",
        unit,
        throttle.burst,
        throttle.window_seconds,
        verdict.wait_seconds,
    )
    raise TooManyUploads(
        texts.UPLOAD_THROTTLED,
        window=duration(throttle.window_seconds),
        burst=throttle.burst,
        filename=filename,
        wait=duration(verdict.wait_seconds),
    )


def duration(seconds: float) -> str:
    """A wait as people say it: seconds up to two minutes, then whole minutes (rounded up)."""
    if seconds < 120:
        return texts.DURATION_SECONDS.format(seconds=math.ceil(seconds))
    return texts.DURATION_MINUTES.format(minutes=math.ceil(seconds / 60))


# Every file stored for a campaign, once each (a file linked to several obligations, or sent
# again, is one file in the store): submissions withdrawn or not, and open questions, the same
# files the housekeeping sweep keeps. UNION drops the repeated (key, size) pairs.
_CAMPAIGN_FILES = union(
    select(Submission.storage_key, Submission.size)
    .join(Obligation, Submission.obligation_id == Obligation.id)
    .join(Indicator, Obligation.indicator_id == Indicator.id)
    .where(Indicator.campaign_id == bindparam("campaign_id")),
    select(PendingUpload.storage_key, PendingUpload.size).where(
        PendingUpload.campaign_id == bindparam("campaign_id"),
        PendingUpload.resolved_at.is_(None),
    ),
).subquery()
_CAMPAIGN_STORED_BYTES = select(func.coalesce(func.sum(_CAMPAIGN_FILES.c.size), 0))


def campaign_stored_bytes(session: Session, campaign_id: int) -> int:
    """Bytes of every file the campaign keeps in the store."""
    return int(run_prepared(session, _CAMPAIGN_STORED_BYTES, campaign_id=campaign_id).scalar_one())


def check_quota(session: Session, quota_bytes: int, filename: str, size: int | None) -> None:
    """Refuse a file that would take the campaign over its quota (by the size Telegram gives).

    Checked before the download, so files admitted at the same moment may together pass the
    quota by their own sizes: a guard against a full disk, not an exact ledger.
    """
    campaign = find_campaign(session)
    used = campaign_stored_bytes(session, campaign.id)
    if used + (size or 0) <= quota_bytes:
        return
    log.warning(
        "campaign %s is at %d of its %d bytes: %s (%s bytes) refused",
        campaign.code,
        used,
        quota_bytes,
        filename,
        size,
    )
    raise OverQuota(
        texts.UPLOAD_OVER_QUOTA,
        quota=human_size(quota_bytes),
        used=human_size(used),
        filename=filename,
        size=human_size(size or 0),
    )
