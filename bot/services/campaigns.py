"""Importing campaigns and finding them, and the unit registry kept in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from bot import texts
from bot.db import UnitOfWork
from bot.importer import CampaignSpec, ImportFailure
from bot.models import (
    AuditEvent,
    Campaign,
    Indicator,
    IndicatorGroup,
    Obligation,
    Unit,
    UnitAlias,
)
from bot.refusals import Refusal
from bot.units import UnitMatch, UnitRegistry, read_units_file


class CampaignNotFound(Refusal):
    """No campaign by that code, or none imported yet; the sentence says which."""


class UnitNotFound(Refusal):
    """A unit name that resolves to no known unit; the sentence lists the closest ones."""

    def __init__(self, text: str, /, suggestions: Sequence[str] = (), **fields: object) -> None:
        super().__init__(text, **fields)
        self.suggestions = list(suggestions)


class StrictImportRefused(ImportFailure):
    """--strict met a fuzzy or new unit name."""


@dataclass
class ImportReport:
    code: str
    title: str
    groups: int
    indicators: int
    units: int
    obligations: int
    deadline: str
    timezone: str
    existed: bool = False
    unchanged: bool = False
    added: int = 0
    updated: int = 0
    archived: int = 0
    exact: list[str] = field(default_factory=list)
    by_alias: list[tuple[str, str]] = field(default_factory=list)
    fuzzy: list[tuple[str, str, float]] = field(default_factory=list)
    new: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as printed by the CLI."""
        if self.unchanged:
            return [texts.IMPORT_REPORT_UNCHANGED.format(code=self.code, title=self.title)]
        out = [
            texts.IMPORT_REPORT_HEADER.format(
                code=self.code,
                title=self.title,
                groups=self.groups,
                indicators=self.indicators,
                units=self.units,
                obligations=self.obligations,
            )
        ]
        if self.existed:
            out.append(
                texts.IMPORT_REPORT_UPDATED.format(
                    added=self.added, updated=self.updated, archived=self.archived
                )
            )
        out.append(texts.IMPORT_REPORT_EXACT.format(names="、".join(self.exact) or texts.NONE_MARK))
        if self.by_alias:
            out.append(
                texts.IMPORT_REPORT_ALIAS.format(
                    pairs="、".join(f"{w}→{n}" for w, n in self.by_alias)
                )
            )
        if self.fuzzy:
            out.append(
                texts.IMPORT_REPORT_FUZZY.format(
                    pairs="、".join(f"{w}→{n}（{s:.0f}）" for w, n, s in self.fuzzy)
                )
            )
        if self.new:
            out.append(texts.IMPORT_REPORT_NEW.format(names="、".join(self.new)))
        if self.deadline:
            out.append(
                texts.IMPORT_REPORT_DEADLINE.format(deadline=self.deadline, tz=self.timezone)
            )
        else:
            out.append(texts.IMPORT_REPORT_NO_DEADLINE)
        return out


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
        suggestions = [name for name, score in match.closest if score >= 40]
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
    spec: CampaignSpec,
    *,
    units_file: Path | None = None,
    strict: bool = False,
    force: bool = False,
    actor: str = "cli",
) -> ImportReport:
    """Create or update the campaign described by `spec`, all in one transaction.

    A table imported before, unchanged, is not applied again (unless `force`): deadlines and
    rules changed in chat since then stay as they are.
    """
    session = uow.session
    sync_units_file(session, units_file)
    known = session.scalar(select(Campaign).where(Campaign.code == spec.code))
    if (
        known is not None
        and not force
        and spec.fingerprint
        and (known.source_fingerprint == spec.fingerprint)
    ):
        uow.commit()  # new aliases from the units file, if any
        return ImportReport(
            code=known.code,
            title=known.title,
            groups=0,
            indicators=0,
            units=0,
            obligations=0,
            deadline="",
            timezone=known.timezone,
            existed=True,
            unchanged=True,
        )
    registry = unit_registry(session)
    resolved = _resolve_units(spec, registry)
    if strict:
        _refuse_unconfirmed(spec, resolved)
    for indicator in spec.indicators:
        if not indicator.units:
            raise ImportFailure(
                texts.IMPORT_NO_UNITS_FOR.format(
                    number=indicator.number, title=indicator.title, row=indicator.row
                )
            )
    campaign = session.scalar(select(Campaign).where(Campaign.code == spec.code))
    existed = campaign is not None
    if campaign is None:
        campaign = Campaign(code=spec.code, title=spec.title)
        session.add(campaign)
    _copy_campaign_facts(campaign, spec)
    session.flush()
    units = _units_by_name(session, resolved)
    groups = _upsert_groups(session, campaign, spec)
    added, updated, archived = _upsert_indicators(session, campaign, spec, groups, units, resolved)
    session.add(
        AuditEvent(
            actor=actor,
            action="import",
            campaign_id=campaign.id,
            detail={
                "source": spec.source,
                "added": added,
                "updated": updated,
                "archived": archived,
            },
        )
    )
    session.flush()
    report = _report(session, campaign, spec, resolved, existed, added, updated, archived)
    uow.commit()
    return report


def _resolve_units(spec: CampaignSpec, registry: UnitRegistry) -> dict[str, UnitMatch]:
    resolved: dict[str, UnitMatch] = {}
    for indicator in spec.indicators:
        for written in indicator.units:
            if written.name not in resolved:
                match = registry.resolve(written.name)
                resolved[written.name] = match
                if match.how == "new":
                    registry.add(match.name)
    return resolved


def _refuse_unconfirmed(spec: CampaignSpec, resolved: dict[str, UnitMatch]) -> None:
    first_cell: dict[str, str] = {}
    for indicator in spec.indicators:
        for unit in indicator.units:
            first_cell.setdefault(unit.name, unit.cell)
    lines = []
    for written, match in resolved.items():
        if match.how not in ("fuzzy", "new"):
            continue
        verdict = (
            texts.IMPORT_STRICT_FUZZY.format(name=match.name, score=match.score)
            if match.how == "fuzzy"
            else texts.IMPORT_STRICT_NEW
        )
        closest = "、".join(f"{n}（{s:.0f}）" for n, s in match.closest) or texts.NONE_MARK
        lines.append(
            texts.IMPORT_STRICT_LINE.format(
                cell=first_cell[written], written=written, verdict=verdict, closest=closest
            )
        )
    if lines:
        raise StrictImportRefused("\n".join([texts.IMPORT_STRICT_REFUSED, *lines]))


def _copy_campaign_facts(campaign: Campaign, spec: CampaignSpec) -> None:
    campaign.title = spec.title
    campaign.issuer = spec.issuer
    campaign.doc_number = spec.doc_number
    campaign.timezone = spec.timezone
    campaign.stats_start = spec.stats_start
    campaign.stats_end = spec.stats_end
    if spec.deadline is not None:
        campaign.deadline = spec.deadline
    if spec.division_deadline is not None:
        campaign.division_deadline = spec.division_deadline
    if spec.reminder_rules:
        campaign.reminder_rules = list(spec.reminder_rules)
    campaign.quiet_dates = list(spec.quiet_dates)
    campaign.source_file = spec.source
    campaign.source_fingerprint = spec.fingerprint
    campaign.active = True


def _units_by_name(session: Session, resolved: dict[str, UnitMatch]) -> dict[str, Unit]:
    wanted = {match.name for match in resolved.values()}
    units = {u.name: u for u in session.scalars(select(Unit).where(Unit.name.in_(wanted)))}
    for name in wanted - units.keys():
        units[name] = Unit(name=name)
        session.add(units[name])
    session.flush()
    return units


def _upsert_groups(
    session: Session, campaign: Campaign, spec: CampaignSpec
) -> dict[str, IndicatorGroup]:
    existing = {
        g.number: g
        for g in session.scalars(
            select(IndicatorGroup).where(IndicatorGroup.campaign_id == campaign.id)
        )
    }
    for position, group_spec in enumerate(spec.groups):
        group = existing.get(group_spec.number)
        if group is None:
            group = existing[group_spec.number] = IndicatorGroup(
                campaign_id=campaign.id, number=group_spec.number
            )
            session.add(group)
        group.title = group_spec.title
        group.category = group_spec.category
        group.position = position
    session.flush()
    return existing


def _upsert_indicators(
    session: Session,
    campaign: Campaign,
    spec: CampaignSpec,
    groups: dict[str, IndicatorGroup],
    units: dict[str, Unit],
    resolved: dict[str, UnitMatch],
) -> tuple[int, int, int]:
    existing = {
        i.number: i
        for i in session.scalars(
            select(Indicator)
            .where(Indicator.campaign_id == campaign.id)
            .options(selectinload(Indicator.obligations))
        )
    }
    added = updated = archived = 0
    for position, item in enumerate(spec.indicators):
        indicator = existing.pop(item.number, None)
        if indicator is None:
            indicator = Indicator(campaign_id=campaign.id, number=item.number, title=item.title)
            session.add(indicator)
            added += 1
        else:
            updated += 1
        indicator.title = item.title
        indicator.group_id = groups[item.group].id if item.group in groups else None
        indicator.key_points = item.key_points
        indicator.material = item.material
        indicator.keywords = list(item.keywords)
        indicator.score = item.score
        indicator.template_hint = item.template_hint
        indicator.deadline = item.deadline
        indicator.position = position
        indicator.archived = False
        session.flush()
        wanted = {units[resolved[w.name].name].id for w in item.units}
        current = {o.unit_id: o for o in indicator.obligations}
        for unit_id in wanted:
            obligation = current.get(unit_id)
            if obligation is None:
                session.add(Obligation(indicator_id=indicator.id, unit_id=unit_id))
            else:
                obligation.archived = False
        for unit_id, obligation in current.items():
            if unit_id not in wanted:
                obligation.archived = True  # never deleted: its submissions stay
    for dropped in existing.values():
        if not dropped.archived:
            dropped.archived = True
            archived += 1
    session.flush()
    return added, updated, archived


def _report(
    session: Session,
    campaign: Campaign,
    spec: CampaignSpec,
    resolved: dict[str, UnitMatch],
    existed: bool,
    added: int,
    updated: int,
    archived: int,
) -> ImportReport:
    obligations = session.scalars(
        select(Obligation)
        .join(Indicator)
        .where(
            Indicator.campaign_id == campaign.id,
            Indicator.archived.is_(False),
            Obligation.archived.is_(False),
        )
    ).all()
    deadline = campaign.deadline
    report = ImportReport(
        code=campaign.code,
        title=campaign.title,
        groups=len(spec.groups),
        indicators=len(spec.indicators),
        units=len({o.unit_id for o in obligations}),
        obligations=len(obligations),
        deadline=deadline.astimezone(ZoneInfo(campaign.timezone)).strftime("%Y-%m-%d %H:%M")
        if deadline
        else "",
        timezone=campaign.timezone,
        existed=existed,
        added=added if existed else 0,
        updated=updated if existed else 0,
        archived=archived,
    )
    for written, match in resolved.items():
        if match.how == "exact":
            report.exact.append(match.name)
        elif match.how in ("alias", "rule"):
            report.by_alias.append((written, match.name))
        elif match.how == "fuzzy":
            report.fuzzy.append((written, match.name, match.score))
        else:
            report.new.append(match.name)
    return report
