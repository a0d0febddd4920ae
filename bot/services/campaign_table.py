"""Writing an imported table into the database, updated in place (indicators keyed by number).

Dropped indicators and obligations are archived, never deleted: their submissions stay.
Helpers of bot.services.campaigns.import_campaign; they flush, the use case commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.importer import CampaignSpec, IndicatorSpec
from bot.models import (
    Campaign,
    Indicator,
    IndicatorGroup,
    IndicatorSupport,
    Obligation,
    Unit,
)
from bot.units import UnitMatch

MAX_PAST_FINGERPRINTS = 100


def copy_campaign_facts(campaign: Campaign, spec: CampaignSpec) -> None:
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
    previous = campaign.source_fingerprint
    if previous and previous != spec.fingerprint:
        kept = [f for f in campaign.past_fingerprints or [] if f != previous]
        campaign.past_fingerprints = [*kept, previous][-MAX_PAST_FINGERPRINTS:]
    campaign.source_fingerprint = spec.fingerprint
    campaign.active = True


def units_by_name(session: Session, resolved: dict[str, UnitMatch]) -> dict[str, Unit]:
    """The unit of every resolved name, created where it is new."""
    wanted = list(dict.fromkeys(match.name for match in resolved.values()))  # in table order
    units = {u.name: u for u in session.scalars(select(Unit).where(Unit.name.in_(wanted)))}
    for name in wanted:
        if name not in units:
            units[name] = Unit(name=name)
            session.add(units[name])
    session.flush()
    return units


def upsert_groups(
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


def upsert_indicators(
    session: Session,
    campaign: Campaign,
    spec: CampaignSpec,
    groups: dict[str, IndicatorGroup],
    unit_ids: dict[str, int],
) -> tuple[int, int, int]:
    """Indicators, their obligations (lead units) and supporting units; (added, updated,
    archived). `unit_ids` maps every written name to its unit's id."""
    existing = {
        i.number: i
        for i in session.scalars(
            select(Indicator)
            .where(Indicator.campaign_id == campaign.id)
            .options(selectinload(Indicator.obligations), selectinload(Indicator.supports))
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
        _copy_indicator(indicator, item, groups, position)
        session.flush()
        leads = {unit_ids[w.name] for w in item.units}
        _sync_obligations(session, indicator, leads)
        supports = dict.fromkeys(
            unit_ids[w.name] for w in item.supports if unit_ids[w.name] not in leads
        )
        _sync_supports(session, indicator, list(supports))
    for dropped in existing.values():
        if not dropped.archived:
            dropped.archived = True
            archived += 1
    session.flush()
    return added, updated, archived


def _copy_indicator(
    indicator: Indicator, item: IndicatorSpec, groups: dict[str, IndicatorGroup], position: int
) -> None:
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


def _sync_obligations(session: Session, indicator: Indicator, wanted: set[int]) -> None:
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


def _sync_supports(session: Session, indicator: Indicator, wanted: list[int]) -> None:
    # A support holds no submissions of its own (what a supporting unit hands in is filed to
    # the lead's obligation), so one no longer in the table is simply removed.
    current = {s.unit_id: s for s in indicator.supports}
    for unit_id in wanted:  # in table order: ids keep the order the table lists them
        if unit_id not in current:
            session.add(IndicatorSupport(indicator_id=indicator.id, unit_id=unit_id))
    for unit_id, support in current.items():
        if unit_id not in wanted:
            session.delete(support)
