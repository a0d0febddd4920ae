"""Templates: files a coordinator attaches to an indicator, handed out to the units that owe it.

A template is never a submission: it lives in its own table, so no count of owed or
delivered material ever sees it. Its bytes are in the content-addressed store like any file;
its structure (bot.structure) is what the upload path compares filed material with, and its
sha256 is how a template sent back unchanged is recognised.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, Indicator, Obligation, Template, Unit
from bot.progress import OweReport
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import UnitChoice, owe_for, still_owed
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
class OweWithTemplates:
    """/owe's report, and the owed indicators that have templates (their buttons)."""

    report: OweReport
    templates: tuple[str, ...]


@dataclass(frozen=True)
class FolderFile:
    """One file of a campaign's template folder and what became of it."""

    filename: str
    number: str | None  # None: the name says no indicator
    added: TemplateAdded | None = None
    refused: Refusal | None = None


# --- files (no database) -------------------------------------------------------------------------


def store_template_file(
    store: FileStore, source: Path | bytes, telegram_file_id: str | None = None
) -> StoredTemplate:
    """Put the bytes in the store and read their structure (slow work: run it off the loop)."""
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
    indicator = _indicator(uow.session, find_campaign(uow.session, campaign_code), number)
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
    indicator = _indicator(session, campaign, number)
    existing = list(session.scalars(select(Template).where(Template.indicator_id == indicator.id)))
    same = next((t for t in existing if t.sha256 == stored.sha256), None)
    if same is not None:
        same.telegram_file_id = same.telegram_file_id or stored.telegram_file_id
        uow.commit()
        return TemplateAdded(_info(same, indicator), "already")
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
    return TemplateAdded(_info(template, indicator), outcome)


@read_only
def list_templates(
    uow: UnitOfWork, actor: Actor, *, campaign_code: str | None = None
) -> TemplateListing:
    """Every template of the campaign, in table order (coordinators and the operator)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    campaign = find_campaign(uow.session, campaign_code)
    return TemplateListing(campaign.title, tuple(_templates_of(uow.session, campaign)))


def remove_template(
    uow: UnitOfWork,
    actor: Actor,
    target: str,
    filename: str = "",
    *,
    campaign_code: str | None = None,
) -> TemplatesRemoved:
    """Remove indicator `target`'s templates (only the one named `filename`, if given), or
    the template `#id`. The stored bytes stay: the store is shared and append-only."""
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
        indicator = _indicator(session, campaign, target)
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
            stored = store_template_file(store, path)
            added = add_template(
                uow, actor, number, stored, path.name, now, campaign_code=campaign_code
            )
        except Refusal as refusal:  # one bad file must not stop the others
            outcomes.append(FolderFile(path.name, number, refused=refusal))
            continue
        outcomes.append(FolderFile(path.name, number, added))
    return outcomes


# --- everybody registered: get them --------------------------------------------------------------


@read_only
def templates_for(
    uow: UnitOfWork, actor: Actor, numbers: Sequence[str], *, campaign_code: str | None = None
) -> tuple[TemplateInfo, ...]:
    """The templates to send: of `numbers`, or (none named) of every indicator the actor's
    unit still owes; a coordinator outside a unit's group gets every template. A unit may only
    ask for its own indicators."""
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    wanted = [n.strip().removeprefix("指标") for n in numbers if n.strip()]
    asked = bool(wanted)
    # In a unit's group (or as its contact) the unit's own indicators; a coordinator who
    # names indicators may have any of them.
    for_unit = actor.unit is not None and not (asked and actor.is_coordinator)
    if for_unit:
        unit = find_unit(session, actor.unit or "")
        if asked:
            _require_responsible(session, campaign, unit, wanted)
        else:
            wanted = [owed.indicator for owed in still_owed(session, campaign, unit)]
    elif not actor.is_coordinator:
        _refuse_stranger(actor)
    elif asked:
        wanted = [_indicator(session, campaign, n).number for n in wanted]
    found = _templates_of(session, campaign, wanted if for_unit or asked else None)
    if not found:
        if asked:
            raise TemplateRefused(texts.TEMPLATE_NONE_FOR, numbers="、".join(wanted))
        if for_unit:
            raise TemplateRefused(texts.TEMPLATE_NONE_OWED, unit=actor.unit)
        raise TemplateRefused(texts.TEMPLATE_NONE_AT_ALL, campaign=campaign.title)
    return tuple(found)


def record_sent_file_id(uow: UnitOfWork, template_id: int, file_id: str) -> None:
    """Telegram's id of a template's file, from its first send: later sends reuse it."""
    template = uow.session.get(Template, template_id)
    if template is not None and template.telegram_file_id != file_id:
        template.telegram_file_id = file_id
        uow.commit()


@read_only
def owe_with_templates(
    uow: UnitOfWork, actor: Actor, named: str, now: datetime
) -> OweWithTemplates | UnitChoice:
    """/owe (bot.services.obligations.owe_for), plus which owed indicators have templates."""
    found = owe_for(uow, actor, named, now)
    if isinstance(found, UnitChoice):
        return found
    return OweWithTemplates(found, owed_with_templates(uow.session, found))


def owed_with_templates(session: Session, report: OweReport) -> tuple[str, ...]:
    """The numbers of `report`'s owed indicators that have at least one template."""
    owed = [item.indicator for item in report.owed]
    if not owed:
        return ()
    having = set(
        session.scalars(
            select(Indicator.number)
            .join(Campaign, Indicator.campaign_id == Campaign.id)
            .join(Template, Template.indicator_id == Indicator.id)
            .where(Campaign.code == report.campaign, Indicator.number.in_(owed))
        )
    )
    return tuple(number for number in owed if number in having)


# --- the upload path: blank templates, structures ------------------------------------------------


@read_only
def is_blank_template(uow: UnitOfWork, campaign: Campaign, sha256: str) -> TemplateInfo | None:
    """The template whose bytes these exactly are (sent back unfilled), if any."""
    row = uow.session.execute(
        select(Template, Indicator)
        .join(Indicator, Template.indicator_id == Indicator.id)
        .where(Indicator.campaign_id == campaign.id, Template.sha256 == sha256)
        .order_by(Indicator.position, Template.id)
        .limit(1)
    ).first()
    return None if row is None else _info(row.Template, row.Indicator)


@read_only
def template_structures(uow: UnitOfWork, campaign: Campaign) -> dict[str, list[Structure]]:
    """{indicator number: structures of its templates}, for the comparison and the matcher."""
    found: dict[str, list[Structure]] = defaultdict(list)
    for template in _templates_of(uow.session, campaign):
        if template.structure is not None:
            found[template.number].append(template.structure)
    return dict(found)


# --- helpers -------------------------------------------------------------------------------------


def _templates_of(
    session: Session, campaign: Campaign, numbers: Iterable[str] | None = None
) -> list[TemplateInfo]:
    query = (
        select(Template, Indicator)
        .join(Indicator, Template.indicator_id == Indicator.id)
        .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
        .order_by(Indicator.position, Template.id)
    )
    if numbers is not None:
        query = query.where(Indicator.number.in_(list(numbers)))
    return [_info(row.Template, row.Indicator) for row in session.execute(query)]


def _info(template: Template, indicator: Indicator) -> TemplateInfo:
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


def _indicator(session: Session, campaign: Campaign, number: str) -> Indicator:
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


def _require_responsible(
    session: Session, campaign: Campaign, unit: Unit, numbers: Sequence[str]
) -> None:
    own = set(
        session.scalars(
            select(Indicator.number)
            .join(Obligation, Obligation.indicator_id == Indicator.id)
            .where(
                Indicator.campaign_id == campaign.id,
                Indicator.archived.is_(False),
                Obligation.archived.is_(False),
                Obligation.unit_id == unit.id,
            )
        )
    )
    for number in numbers:
        if number not in own:
            _indicator(session, campaign, number)  # an unknown number is told as such
            raise TemplateRefused(texts.TEMPLATE_NOT_RESPONSIBLE, number=number, unit=unit.name)


def _check_size(filename: str, size: int, limit: int) -> None:
    if size > limit:
        raise TemplateRefused(
            texts.TEMPLATE_TOO_BIG, filename=filename, size_mb=size / 2**20, limit_mb=limit // 2**20
        )


def _refuse_stranger(actor: Actor) -> None:
    if actor.chat_kind == "unbound":
        raise NotAllowed(texts.GROUP_NOT_BOUND)
    raise NotAllowed(texts.NOT_REGISTERED)


def _id(target: str) -> int:
    digits = target.lstrip("#").strip()
    return int(digits) if digits.isdigit() else -1
