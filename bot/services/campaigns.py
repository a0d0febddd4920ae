"""Importing campaigns and finding them, and the unit registry kept in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from bot import texts
from bot.db import UnitOfWork
from bot.importer import CampaignSpec, ImportFailure
from bot.models import Campaign, Indicator, IndicatorSupport, Obligation, Unit, UnitAlias
from bot.refusals import Refusal
from bot.services.access import Actor, require_coordinator
from bot.services.audit import audit
from bot.services.campaign_table import (
    ImportedValue,
    copy_campaign_facts,
    settle_chat_values,
    units_by_name,
    upsert_groups,
    upsert_indicators,
    values_in_force,
)
from bot.services.import_changes import NO_CHANGES, ImportChanges, campaign_state, compare
from bot.units import UnitMatch, UnitRegistry, read_units_file


class CampaignNotFound(Refusal):
    """No campaign by that code, or none imported yet; the sentence says which."""


class UnitNotFound(Refusal):
    """A unit name that resolves to no known unit; the sentence lists the closest ones."""

    def __init__(self, text: str, /, suggestions: Sequence[str] = (), **fields: object) -> None:
        super().__init__(text, **fields)
        self.suggestions = list(suggestions)


@dataclass(frozen=True)
class UnconfirmedName:
    """A unit name --strict will not take: a typo of a known name, or a new one."""

    cell: str
    written: str
    how: str  # "fuzzy" | "new"
    name: str
    score: float
    closest: tuple[tuple[str, float], ...]


class StrictImportRefused(ImportFailure):
    """--strict met fuzzy or new unit names (field `names`: every UnconfirmedName); the
    account, a line per name, is bot.wording.refusals'."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did; bot.wording.imports says it."""

    code: str
    title: str
    timezone: str
    groups: int = 0
    indicators: int = 0
    units: int = 0
    obligations: int = 0
    supports: int = 0
    deadline: datetime | None = None
    existed: bool = False
    unchanged: bool = False
    replaced_by: str = ""  # not applied: an older table than the current one (this file)
    added: int = 0
    updated: int = 0
    archived: int = 0
    exact: tuple[str, ...] = ()
    by_alias: tuple[tuple[str, str], ...] = ()
    fuzzy: tuple[tuple[str, str, float], ...] = ()
    new: tuple[str, ...] = ()
    not_units: tuple[tuple[str, str], ...] = ()  # (cell, text) set aside as no unit name
    changes: ImportChanges = NO_CHANGES  # indicators and obligations added/changed/archived
    kept_from_chat: tuple[ImportedValue, ...] = ()  # changed in chat, the table did not
    table_changed: tuple[ImportedValue, ...] = ()  # the table changed since the last import
    extra_workdays: tuple[str, ...] = ()  # 调休上班日 from 活动设置


# --- the unit registry ----------------------------------------------------------------------


def sync_units_file(session: Session, units_file: Path | None) -> None:
    """Add the units and aliases of data/units.toml that the database does not have yet."""
    if units_file is None or not units_file.exists():
        return
    units = {
        unit.name: unit
        for unit in session.scalars(select(Unit).options(selectinload(Unit.aliases)))
    }
    known_aliases = set(session.scalars(select(UnitAlias.alias)))
    for name, aliases in read_units_file(units_file).items():
        unit = units.get(name)
        if unit is None:
            unit = units[name] = Unit(name=name)
            session.add(unit)
        for alias in aliases:
            if alias not in known_aliases and alias not in units:
                unit.aliases.append(UnitAlias(alias=alias))
                known_aliases.add(alias)
    session.flush()


def unit_registry(session: Session) -> UnitRegistry:
    """The registry of every unit and alias in the database."""
    registry = UnitRegistry({})
    for unit in session.scalars(select(Unit).options(selectinload(Unit.aliases))):
        registry.add(unit.name, [alias.alias for alias in unit.aliases])
    return registry


# Looked up on every /owe and upload: built once (see bot.db.run_prepared).
_UNIT_NAMED = select(Unit).where(Unit.name == bindparam("name"))
_CAMPAIGN_CODED = select(Campaign).where(Campaign.code == bindparam("code"))
_NEWEST_ACTIVE_CAMPAIGN = (
    select(Campaign)
    .where(Campaign.active.is_(True))
    .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    .limit(1)
)


def find_unit(session: Session, written: str) -> Unit:
    """The unit a person means by `written` (alias, prefix, typo), or UnitNotFound."""
    exact = session.scalar(_UNIT_NAMED, {"name": written})
    if exact is not None:
        return exact  # the common case (a contact's own unit): no registry needed
    match = unit_registry(session).resolve(written)
    unit = session.scalar(select(Unit).where(Unit.name == match.name)) if match.is_known else None
    if unit is None:
        suggestions = tuple(name for name, score in match.closest if score >= 40)
        hint = (
            texts.UNIT_DID_YOU_MEAN.format(names="、".join(suggestions))
            if suggestions
            else texts.UNIT_KNOWN_LIST.format(names="、".join(unit_names(session)))
        )
        raise UnitNotFound(texts.UNIT_NOT_FOUND, suggestions, name=written, hint=hint)
    return unit


def unit_names(session: Session) -> list[str]:
    return list(session.scalars(select(Unit.name).order_by(Unit.id)))


def list_units(uow: UnitOfWork) -> list[tuple[str, list[str]]]:
    """Every unit with its aliases."""
    units = uow.session.scalars(select(Unit).options(selectinload(Unit.aliases)).order_by(Unit.id))
    return [(unit.name, [alias.alias for alias in unit.aliases]) for unit in units]


# --- campaigns ------------------------------------------------------------------------------


def find_campaign(session: Session, code: str | None = None) -> Campaign:
    """The campaign `code`, or the only / newest active one."""
    if code:
        campaign = session.scalar(_CAMPAIGN_CODED, {"code": code})
        if campaign is None:
            codes = "、".join(session.scalars(select(Campaign.code))) or texts.NONE_MARK
            raise CampaignNotFound(texts.CAMPAIGN_NOT_FOUND, code=code, codes=codes)
        return campaign
    campaign = session.scalar(_NEWEST_ACTIVE_CAMPAIGN)
    if campaign is None:
        raise CampaignNotFound(texts.NO_CAMPAIGN)
    return campaign


def import_campaign(
    uow: UnitOfWork,
    actor: Actor,
    spec: CampaignSpec,
    *,
    units_file: Path | None = None,
    strict: bool = False,
    force: bool = False,
    replaced_too: bool = False,
) -> ImportReport:
    """Create or update the campaign described by `spec`, all in one transaction.

    A table imported before, unchanged, is not applied again (unless `force`): deadlines and
    rules changed in chat since then stay as they are. Nor is a table the campaign was given
    before its current one (unless `force` or `replaced_too`): `make run` imports the file
    in data/campaigns/ at every start, which must not undo a newer table sent with /import.
    """
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    sync_units_file(session, units_file)
    known = session.scalar(select(Campaign).where(Campaign.code == spec.code))
    if known is not None and not force and spec.fingerprint:
        replaced = not replaced_too and spec.fingerprint in (known.past_fingerprints or [])
        if replaced or spec.fingerprint == known.source_fingerprint:
            uow.commit()  # new aliases from the units file, if any
            return ImportReport(
                code=known.code,
                title=known.title,
                timezone=known.timezone,
                existed=True,
                unchanged=True,
                replaced_by=known.source_file if replaced else "",
            )
    resolved = _resolve_units(spec, unit_registry(session))
    if strict:
        _refuse_unconfirmed(spec, resolved)
    for indicator in spec.indicators:
        if not indicator.units:
            raise ImportFailure(
                texts.IMPORT_NO_UNITS_FOR,
                number=indicator.number,
                title=indicator.title,
                row=indicator.row,
            )
    before = campaign_state(session, known.id if known is not None else None)
    campaign = known
    in_force = values_in_force(session, known)  # before the table overwrites them
    if campaign is None:
        campaign = Campaign(code=spec.code, title=spec.title)
        session.add(campaign)
    copy_campaign_facts(campaign, spec)
    session.flush()
    units = units_by_name(session, resolved)
    unit_ids = {written: units[match.name].id for written, match in resolved.items()}
    groups = upsert_groups(session, campaign, spec)
    added, updated, archived = upsert_indicators(session, campaign, spec, groups, unit_ids)
    kept, changed = settle_chat_values(session, campaign, spec, in_force)
    audit(
        session,
        actor,
        "import",
        campaign_id=campaign.id,
        source=spec.source,
        added=added,
        updated=updated,
        archived=archived,
    )
    existed = known is not None
    changes = compare(
        before, campaign_state(session, campaign.id), [i.number for i in spec.indicators]
    )
    report = replace(
        _report(session, campaign, spec, resolved, existed, (added, updated, archived)),
        changes=changes,
        kept_from_chat=kept,
        table_changed=changed,
        extra_workdays=tuple(campaign.extra_workdays),
    )
    uow.commit()
    return report


def _resolve_units(spec: CampaignSpec, registry: UnitRegistry) -> dict[str, UnitMatch]:
    resolved: dict[str, UnitMatch] = {}
    for indicator in spec.indicators:
        for written in [*indicator.units, *indicator.supports]:
            if written.name not in resolved:
                match = registry.resolve(written.name)
                resolved[written.name] = match
                if match.how == "new":
                    registry.add(match.name)
    return resolved


def _refuse_unconfirmed(spec: CampaignSpec, resolved: dict[str, UnitMatch]) -> None:
    first_cell: dict[str, str] = {}
    for indicator in spec.indicators:
        for unit in [*indicator.units, *indicator.supports]:
            first_cell.setdefault(unit.name, unit.cell)
    names = tuple(
        UnconfirmedName(
            cell=first_cell[written],
            written=written,
            how=match.how,
            name=match.name,
            score=match.score,
            closest=match.closest,
        )
        for written, match in resolved.items()
        if match.how in ("fuzzy", "new")
    )
    if names:
        raise StrictImportRefused(texts.IMPORT_STRICT_REFUSED, names=names)


def _report(
    session: Session,
    campaign: Campaign,
    spec: CampaignSpec,
    resolved: dict[str, UnitMatch],
    existed: bool,
    counts: tuple[int, int, int],
) -> ImportReport:
    added, updated, archived = counts
    live = (Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
    obligations = session.execute(
        select(Obligation.unit_id).join(Indicator).where(*live, Obligation.archived.is_(False))
    ).all()
    supports = session.scalar(
        select(func.count()).select_from(IndicatorSupport).join(Indicator).where(*live)
    )
    how = {kind: [(w, m) for w, m in resolved.items() if m.how in kinds] for kind, kinds in _HOW}
    return ImportReport(
        code=campaign.code,
        title=campaign.title,
        timezone=campaign.timezone,
        groups=len(spec.groups),
        indicators=len(spec.indicators),
        units=len({row.unit_id for row in obligations}),
        obligations=len(obligations),
        supports=supports or 0,
        deadline=campaign.deadline,
        existed=existed,
        added=added if existed else 0,
        updated=updated if existed else 0,
        archived=archived,
        exact=tuple(m.name for _, m in how["exact"]),
        by_alias=tuple((w, m.name) for w, m in how["alias"]),
        fuzzy=tuple((w, m.name, m.score) for w, m in how["fuzzy"]),
        new=tuple(m.name for _, m in how["new"]),
        not_units=tuple((u.cell, u.name) for u in spec.not_units),
    )


_HOW: Sequence[tuple[str, tuple[str, ...]]] = (
    ("exact", ("exact",)),
    ("alias", ("alias", "rule")),
    ("fuzzy", ("fuzzy",)),
    ("new", ("new",)),
)
