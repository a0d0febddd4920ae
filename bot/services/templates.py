"""Templates: files a coordinator attaches to an indicator (here: attach, list, remove, the
campaign's template folder); bot.services.handouts gives them to the units that owe it.

A template is never a submission: it lives in its own table, so no count of owed or
delivered material ever sees it. Its bytes are in the content-addressed store like any file;
its structure (bot.structure) is what the upload path compares filed material with, and its
sha256 is how a template sent back unchanged is recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.filecheck import check_content
from bot.models import Campaign, Indicator, Template
from bot.refusals import Refusal
from bot.services.access import Actor, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import find_campaign
from bot.storage import FileStore
from bot.structure import Structure, extract

MAX_TEMPLATE_FILES = 200  # in one campaign's template folder
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
# "指标2_舆情信息表.xlsx", "第2项 经费.docx", "2_舆情.xlsx", "2.xlsx": the indicator a file is for.
_NUMBER_IN_NAME = re.compile(
    r"指标\s*(?P<a>\d+)|第\s*(?P<b>\d+)\s*项|(?P<c>\d+)(?:[_\-－—、.．\s]|$)"
)


class TemplateRefused(Refusal):
    """A template request that cannot be done; the sentence says why."""


@dataclass(frozen=True)
class StoredTemplate:
    """A file on disk in the store, about to become a template."""

    sha256: str
    size: int
    key: str
    structure: Structure | None
    telegram_file_id: str | None = None  # known when a coordinator sent it in chat


@dataclass(frozen=True)
class TemplateInfo:
    """One template, as the services hand it out."""

    id: int
    number: str
    title: str
    filename: str
    size: int
    storage_key: str
    telegram_file_id: str | None
    structure: Structure | None


@dataclass(frozen=True)
class TemplateAdded:
    template: TemplateInfo
    outcome: Literal["added", "replaced", "already"]


@dataclass(frozen=True)
class TemplateListing:
    campaign: str
    templates: tuple[TemplateInfo, ...]


@dataclass(frozen=True)
class TemplatesRemoved:
    number: str
    filenames: tuple[str, ...]


@dataclass(frozen=True)
class AttachTarget:
    """Where a file sent in chat will go, checked before it is downloaded."""

    number: str
    title: str


@dataclass(frozen=True)
class FolderFile:
    """One file of a campaign's template folder and what became of it."""

    filename: str
    number: str | None  # None: the name says no indicator
    added: TemplateAdded | None = None
    refused: Refusal | None = None


# --- files (no database) -------------------------------------------------------------------------


def store_template_file(
    store: FileStore, source: Path | bytes, filename: str, telegram_file_id: str | None = None
) -> StoredTemplate:
    """Check the bytes as any received file is checked (macros, bombs, a program dressed as a
    document: `FileRefused`), put them in the store and read their structure. Disk work only:
    the bot runs it off the event loop."""
    check_content(source, filename)  # units will open this file: it passes the uploads' check
    stored = store.put_file(source) if isinstance(source, Path) else store.put_bytes(source)
    structure = extract(store.path_for(stored.key))
    return StoredTemplate(stored.sha256, stored.size, stored.key, structure, telegram_file_id)


def number_in_filename(filename: str) -> str | None:
    """The indicator a template file's name says ("指标2_…", "2_…", "第2项…"), if any."""
    found = _NUMBER_IN_NAME.match(Path(filename).stem.strip())
    if found is None:
        return None
    return str(int(found["a"] or found["b"] or found["c"]))


def template_folder(workbook: Path) -> Path:
    """Where a campaign's templates are: `<workbook's folder>/<workbook's name>/模板/`."""
    return workbook.parent / workbook.stem / texts.TEMPLATE_WORDS[0]


def folder_files(folder: Path) -> list[Path]:
    """The template files in a folder: no hidden files, no Office lock files (~$…)."""
    if not folder.is_dir():
        return []
    files = [
        path
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith((".", "~$"))
    ]
    return files[:MAX_TEMPLATE_FILES]


# --- coordinators: add, list, remove -------------------------------------------------------------


def check_attach(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    filename: str,
    size: int | None,
    limit: int,
    *,
    campaign_code: str | None = None,
) -> AttachTarget:
    """Before a file sent in chat is downloaded: may the actor attach it to `number`?"""
    require_coordinator(actor, texts.TEMPLATE_NOT_ALLOWED)
    if not number:
        raise TemplateRefused(texts.TEMPLATE_USAGE)
    indicator = indicator_numbered(uow.session, find_campaign(uow.session, campaign_code), number)
    if size is not None:
        _check_size(filename, size, limit)
    return AttachTarget(indicator.number, indicator.title)


def add_template(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    stored: StoredTemplate,
    filename: str,
    now: datetime,
    *,
    campaign_code: str | None = None,
) -> TemplateAdded:
    """Attach a stored file to indicator `number`. The same bytes again change nothing; a
    file of the same name with new bytes replaces the old version."""
    require_coordinator(actor, texts.TEMPLATE_NOT_ALLOWED)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    indicator = indicator_numbered(session, campaign, number)
    existing = list(session.scalars(select(Template).where(Template.indicator_id == indicator.id)))
    same = next((t for t in existing if t.sha256 == stored.sha256), None)
    if same is not None:
        same.telegram_file_id = same.telegram_file_id or stored.telegram_file_id
        uow.commit()
        return TemplateAdded(template_info(same, indicator), "already")
    named = next((t for t in existing if t.filename == filename), None)
    template = named or Template(indicator_id=indicator.id, filename=filename)
    template.created_at = now
    template.sha256, template.size, template.storage_key = stored.sha256, stored.size, stored.key
    template.structure = stored.structure.as_json() if stored.structure else None
    template.telegram_file_id = stored.telegram_file_id
    template.created_by = actor.audit_name
    session.add(template)
    session.flush()
    outcome: Literal["added", "replaced"] = "replaced" if named else "added"
    audit(
        session,
        actor,
        f"template_{outcome}",
        campaign_id=campaign.id,
        indicator=indicator.number,
        filename=filename,
        sha256=stored.sha256,
    )
    uow.commit()
    return TemplateAdded(template_info(template, indicator), outcome)


@read_only
def list_templates(
    uow: UnitOfWork, actor: Actor, *, campaign_code: str | None = None
) -> TemplateListing:
    """Every template of the campaign, in table order (coordinators and the operator)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    campaign = find_campaign(uow.session, campaign_code)
    return TemplateListing(campaign.title, tuple(templates_of(uow.session, campaign)))


def remove_template(
    uow: UnitOfWork,
    actor: Actor,
    target: str,
    filename: str = "",
    *,
    campaign_code: str | None = None,
) -> TemplatesRemoved:
    """Remove indicator `target`'s templates (only the one named `filename`, if given), or
    the template `#id`. Its bytes stay in the store until the sweep finds nothing else refers
    to them (bot.services.housekeeping)."""
    require_coordinator(actor, texts.TEMPLATE_NOT_ALLOWED)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    if target.startswith("#"):
        template = session.scalar(
            select(Template)
            .join(Template.indicator)
            .where(Template.id == _id(target), Indicator.campaign_id == campaign.id)
        )
        if template is None:
            raise TemplateRefused(texts.TEMPLATE_ID_NOT_FOUND, id=target.lstrip("#"))
        indicator, doomed = template.indicator, [template]
    else:
        indicator = indicator_numbered(session, campaign, target)
        doomed = list(
            session.scalars(
                select(Template).where(Template.indicator_id == indicator.id).order_by(Template.id)
            )
        )
        if filename:
            names = "、".join(t.filename for t in doomed) or texts.NONE_MARK
            doomed = [t for t in doomed if t.filename == filename]
            if not doomed:
                raise TemplateRefused(
                    texts.TEMPLATE_NAME_NOT_FOUND,
                    number=indicator.number,
                    filename=filename,
                    filenames=names,
                )
    for template in doomed:
        session.delete(template)
    removed = tuple(t.filename for t in doomed)
    audit(
        session,
        actor,
        "template_removed",
        campaign_id=campaign.id,
        indicator=indicator.number,
        filenames=list(removed),
    )
    uow.commit()
    return TemplatesRemoved(indicator.number, removed)


def import_templates(
    uow: UnitOfWork,
    actor: Actor,
    store: FileStore,
    folder: Path,
    now: datetime,
    *,
    campaign_code: str | None = None,
) -> list[FolderFile]:
    """Attach every file of a campaign's template folder whose name says its indicator."""
    outcomes = []
    for path in folder_files(folder):
        number = number_in_filename(path.name)
        if number is None:
            outcomes.append(FolderFile(path.name, None))
            continue
        try:
            _check_size(path.name, path.stat().st_size, MAX_TEMPLATE_BYTES)
            stored = store_template_file(store, path, path.name)
            added = add_template(
                uow, actor, number, stored, path.name, now, campaign_code=campaign_code
            )
        except Refusal as refusal:  # one bad file must not stop the others
            outcomes.append(FolderFile(path.name, number, refused=refusal))
            continue
        outcomes.append(FolderFile(path.name, number, added))
    return outcomes


# --- shared with bot.services.handouts ----------------------------------------------------------


def templates_of(
    session: Session, campaign: Campaign, numbers: Iterable[str] | None = None
) -> list[TemplateInfo]:
    """The campaign's templates (of `numbers` only, if given), in table order."""
    query = (
        select(Template, Indicator)
        .join(Indicator, Template.indicator_id == Indicator.id)
        .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
        .order_by(Indicator.position, Template.id)
    )
    if numbers is not None:
        query = query.where(Indicator.number.in_(list(numbers)))
    return [template_info(row.Template, row.Indicator) for row in session.execute(query)]


def template_info(template: Template, indicator: Indicator) -> TemplateInfo:
    return TemplateInfo(
        id=template.id,
        number=indicator.number,
        title=indicator.title,
        filename=template.filename,
        size=template.size,
        storage_key=template.storage_key,
        telegram_file_id=template.telegram_file_id,
        structure=Structure.from_json(template.structure),
    )


def indicator_numbered(session: Session, campaign: Campaign, number: str) -> Indicator:
    """The live indicator "2" (or "指标2"); refused with the known numbers."""
    written = number.strip().removeprefix("指标").strip()
    indicator = session.scalar(
        select(Indicator).where(
            Indicator.campaign_id == campaign.id,
            Indicator.number == written,
            Indicator.archived.is_(False),
        )
    )
    if indicator is None:
        numbers = session.scalars(
            select(Indicator.number)
            .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
            .order_by(Indicator.position)
        )
        raise TemplateRefused(texts.INDICATOR_NOT_FOUND, number=written, numbers="、".join(numbers))
    return indicator


def _check_size(filename: str, size: int, limit: int) -> None:
    if size > limit:
        raise TemplateRefused(
            texts.TEMPLATE_TOO_BIG, filename=filename, size_mb=size / 2**20, limit_mb=limit // 2**20
        )


def _id(target: str) -> int:
    digits = target.lstrip("#").strip()
    return int(digits) if digits.isdigit() else -1
