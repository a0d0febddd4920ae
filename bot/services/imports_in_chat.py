"""/import in chat: a coordinator's task table, previewed, then imported on [确认导入].

The preview is the real import (bot.services.campaigns.import_campaign) run in a unit of work
that is rolled back instead of committed, so what it says is what the import will do; the
confirmation runs the same import again, from the same stored bytes, in one transaction. The
table waits in the file store and a `pending_import` row, so a restart in between loses nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.importer import CampaignSpec, read_workbook
from bot.models import PendingImport
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import ImportReport, import_campaign
from bot.sizes import human_size
from bot.storage import FileStore, StoredFile, safe_filename


class ImportAlreadyHandled(Refusal):
    """[确认导入] or [取消] pressed for a table already imported or cancelled (or unknown)."""


class ImportFileGone(Refusal):
    """The stored table is no longer in the file store."""


@dataclass(frozen=True)
class ReceivedTable:
    """A workbook sent in chat, already in the store."""

    filename: str
    stored: StoredFile


@dataclass(frozen=True)
class ImportPreview:
    """What importing the table would do; `pending_id` None when there is nothing to confirm
    (the table is the one imported last)."""

    pending_id: int | None
    filename: str
    report: ImportReport


@dataclass(frozen=True)
class ImportDone:
    filename: str
    report: ImportReport


@dataclass(frozen=True)
class ImportCancelled:
    filename: str


@read_only
def admit_import(
    _uow: UnitOfWork, actor: Actor, filename: str | None, size: int | None, limit: int
) -> None:
    """Before the download: only a coordinator, only in private, only a file Telegram hands
    over (`filename` None: no file was sent). Nothing is downloaded or stored for anyone else.
    """
    require_coordinator(actor, texts.IMPORT_CHAT_COORDINATORS_ONLY)
    if actor.chat_kind != "private":
        raise NotAllowed(texts.IMPORT_CHAT_PRIVATE_ONLY)
    if filename is None:
        raise NotAllowed(texts.IMPORT_CHAT_NO_FILE)
    if size is not None and size > limit:
        raise NotAllowed(
            texts.IMPORT_CHAT_TOO_BIG, name=filename, size=human_size(size), limit=human_size(limit)
        )


def store_table(store: FileStore, content: bytes, filename: str) -> ReceivedTable:
    """Keep the received bytes (disk only: the bot runs this in a worker thread). The
    importer's own gate judges them when they are read: its refusals are the clearest."""
    return ReceivedTable(safe_filename(filename), store.put_bytes(content))


def preview_import(
    uow: UnitOfWork,
    actor: Actor,
    store: FileStore,
    table: ReceivedTable,
    units_file: Path | None,
    now: datetime,
) -> ImportPreview:
    """What importing `table` would do, computed by the import itself and rolled back; the
    table is then kept as a pending import awaiting [确认导入] or [取消]."""
    require_coordinator(actor, texts.IMPORT_CHAT_COORDINATORS_ONLY)
    spec = _read(store, table.stored.key, table.filename)
    try:
        report = import_campaign(
            _RolledBack(uow.session), actor, spec, units_file=units_file, replaced_too=True
        )
    finally:
        uow.rollback()
    if report.unchanged:
        return ImportPreview(None, table.filename, report)
    pending = PendingImport(
        requested_by=actor.user_id,
        requester_name=actor.name,
        chat_id=actor.chat_id,
        filename=table.filename,
        sha256=table.stored.sha256,
        storage_key=table.stored.key,
        size=table.stored.size,
        campaign_code=report.code,
        created_at=now,
    )
    uow.session.add(pending)
    uow.session.flush()
    audit(uow.session, actor, "import_preview", pending_import=pending.id, source=table.filename)
    uow.commit()
    return ImportPreview(pending.id, table.filename, report)


def confirm_import(
    uow: UnitOfWork,
    actor: Actor,
    store: FileStore,
    pending_id: int,
    units_file: Path | None,
    now: datetime,
) -> ImportDone:
    """[确认导入]: the same import, committed with the pending import marked done (one
    transaction: either both happen or neither). A coordinator sending an older table back
    means it: unlike `make run`'s import, it is applied even if it was replaced since."""
    require_coordinator(actor, texts.IMPORT_CHAT_COORDINATORS_ONLY)
    pending = _open_pending(uow, pending_id)
    if not store.exists(pending.storage_key):
        raise ImportFileGone(texts.IMPORT_CHAT_FILE_GONE, name=pending.filename)
    spec = _read(store, pending.storage_key, pending.filename)
    pending.resolved_at, pending.resolution = now, "imported"
    filename = pending.filename
    report = import_campaign(uow, actor, spec, units_file=units_file, replaced_too=True)
    return ImportDone(filename, report)


def cancel_import(uow: UnitOfWork, actor: Actor, pending_id: int, now: datetime) -> ImportCancelled:
    """[取消]: nothing is imported; the buttons stop working."""
    require_coordinator(actor, texts.IMPORT_CHAT_COORDINATORS_ONLY)
    pending = _open_pending(uow, pending_id)
    pending.resolved_at, pending.resolution = now, "cancelled"
    audit(uow.session, actor, "import_cancel", pending_import=pending.id, source=pending.filename)
    filename = pending.filename
    uow.commit()
    return ImportCancelled(filename)


class _RolledBack(UnitOfWork):
    """A unit of work whose commit only flushes: the caller rolls everything back after."""

    def commit(self) -> None:
        self.session.flush()


def _open_pending(uow: UnitOfWork, pending_id: int) -> PendingImport:
    # Locked on PostgreSQL, so two presses (or two replicas) cannot both import it.
    pending = uow.session.scalar(
        select(PendingImport).where(PendingImport.id == pending_id).with_for_update()
    )
    if pending is None:
        raise ImportAlreadyHandled(texts.IMPORT_CHAT_GONE)
    if pending.resolved_at is not None:
        how = texts.IMPORT_CHAT_HANDLED_HOW.get(pending.resolution, pending.resolution)
        raise ImportAlreadyHandled(texts.IMPORT_CHAT_HANDLED, name=pending.filename, how=how)
    return pending


def _read(store: FileStore, key: str, filename: str) -> CampaignSpec:
    """The stored table read as the CLI reads a file of that name: a campaign code taken from
    the file name (when the table has no 活动代码) is the same either way."""
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        path = Path(folder) / filename
        with store.open(key) as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        return read_workbook(path)
