"""Housekeeping: files in the store that nothing refers to are removed after a grace period.

A file is stored before any row points at it (bot/storage.py), and some never get one (an
upload refused after download) or lose the only one they had (a pending question cancelled).
Kept, whatever their age: every file a submission points to, withdrawn or not (the record of
what was delivered), every file an open pending upload or pending import (a task table
awaiting [确认导入]) points to, and every template's file. Removed: the rest, once both its
last write and the last time a row pointed at it are older than the grace period, which also
covers an upload whose file is on disk and whose row is still being written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import exists, func, or_, select

from bot.db import UnitOfWork, read_only
from bot.models import PendingImport, PendingUpload, Submission, Template
from bot.storage import FileStore

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=24)

_OPEN_PENDING = PendingUpload.resolved_at.is_(None)
# A task table sent with /import waits for [确认导入] however long the coordinator takes.
_OPEN_IMPORT = PendingImport.resolved_at.is_(None)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep found in the store."""

    removed: int
    removed_bytes: int
    kept_in_use: int  # a submission, an open pending upload or import, or a template uses it
    kept_young: int  # nothing points at it, but not for the whole grace period yet


# Reads the database only (the disk is its business): it runs beside the writers, and the
# store's set-aside-then-recheck removal makes that safe against an upload of the same bytes.
@read_only
def sweep_orphan_blobs(
    uow: UnitOfWork, store: FileStore, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> SweepReport:
    """Remove the files nothing has referred to for `grace`; returns what was done."""
    cutoff = now - grace
    in_use = _keys_in_use(uow)
    last_pointed = _last_pointed_at(uow)
    removed = removed_bytes = kept_in_use = kept_young = 0
    for blob in store.blobs():
        if blob.key in in_use:
            kept_in_use += 1
            continue
        last_use = max(blob.written_at, last_pointed.get(blob.key, blob.written_at))
        if last_use >= cutoff:
            kept_young += 1
            continue
        if store.remove_unused(
            blob.key,
            written_before=cutoff,
            still_unused=partial(_unused_now, uow, blob.key),
        ):
            removed += 1
            removed_bytes += blob.size
        else:
            kept_young += 1
    if removed:
        log.info("removed %d unreferenced files (%d bytes) from the store", removed, removed_bytes)
    return SweepReport(removed, removed_bytes, kept_in_use, kept_young)


def _keys_in_use(uow: UnitOfWork) -> set[str]:
    """Files a submission (withdrawn or not), an open pending upload or import, or a template
    points at."""
    submitted = select(Submission.storage_key)
    pending = select(PendingUpload.storage_key).where(_OPEN_PENDING)
    importing = select(PendingImport.storage_key).where(_OPEN_IMPORT)
    templates = select(Template.storage_key)
    return set(uow.session.scalars(submitted.union(pending, importing, templates)))


def _last_pointed_at(uow: UnitOfWork) -> dict[str, datetime]:
    """For files only resolved pending uploads point at: when the last of them let go."""
    last = func.max(func.coalesce(PendingUpload.resolved_at, PendingUpload.created_at))
    rows = uow.session.execute(
        select(PendingUpload.storage_key, last).group_by(PendingUpload.storage_key)
    )
    return {key: at for key, at in rows if at is not None}


def _unused_now(uow: UnitOfWork, key: str) -> bool:
    """Checked again just before removal, in a fresh transaction: rows written meanwhile count."""
    uow.rollback()
    return not bool(
        uow.session.scalar(
            select(
                or_(
                    exists().where(Submission.storage_key == key),
                    exists().where(PendingUpload.storage_key == key, _OPEN_PENDING),
                    exists().where(PendingImport.storage_key == key, _OPEN_IMPORT),
                    exists().where(Template.storage_key == key),
                )
            )
        )
    )
