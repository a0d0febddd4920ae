"""Writing an imported table into the database, updated in place (indicators keyed by number).

Dropped indicators and obligations are archived, never deleted: their submissions stay.
Helpers of bot.services.campaigns.import_campaign; they flush, the use case commits.
Deadlines and reminder rules changed in chat are kept until the table changes that same
value (settle_chat_values, at the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
    campaign.extra_workdays = list(spec.extra_workdays)
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


# --- values chat may change too: deadlines and reminder rules --------------------------------
# A value changed in chat (/deadline, /rules) wins over a re-import until the table itself
# changes that same value: each import records what it read (Campaign.imported_values), and
# the next one compares the table with that record rather than with what is in force.

Value = datetime | tuple[str, ...] | None


@dataclass(frozen=True)
class ImportedValue:
    """One deadline or the rules, across two imports.

    Kept from chat: `table_before == table_now` and `in_chat` is what stays in force.
    Changed by the table: `table_before → table_now`; `in_chat` is a value set in chat that
    the table's new value replaced (None when chat had not changed it).
    """

    kind: str  # "deadline" | "rules"
    indicator: str | None  # None: the campaign's own
    table_before: Value
    table_now: Value
    in_chat: Value = None


def values_in_force(session: Session, campaign: Campaign | None) -> dict[str, Any]:
    """The campaign's deadlines and rules as they stand (changed in chat or not)."""
    if campaign is None:
        return {}
    indicators = session.scalars(select(Indicator).where(Indicator.campaign_id == campaign.id))
    return {
        "deadline": _iso(campaign.deadline),
        "rules": list(campaign.reminder_rules),
        "indicators": {i.number: _iso(i.deadline) for i in indicators if not i.archived},
    }


def settle_chat_values(
    session: Session, campaign: Campaign, spec: CampaignSpec, before: dict[str, Any]
) -> tuple[tuple[ImportedValue, ...], tuple[ImportedValue, ...]]:
    """After the table was applied: put back values changed in chat that the table did not
    change, and record what this import read. Returns (kept from chat, changed by the table).

    A campaign with no record of its last import (new, or imported before the record
    existed) takes the table as it is.
    """
    previous: dict[str, Any] = dict(campaign.imported_values or {})
    read: dict[str, Any] = {
        "deadline": _iso(spec.deadline),
        "rules": list(spec.reminder_rules),
        "indicators": {i.number: _iso(i.deadline) for i in spec.indicators},
    }
    campaign.imported_values = read
    if not previous or not before:
        return (), ()
    kept: list[ImportedValue] = []
    changed: list[ImportedValue] = []
    # The campaign's own values: a table that says nothing (no deadline, no rules) leaves
    # the value in force alone, so only values it states are compared.
    for kind, attribute, empty in (("deadline", "deadline", None), ("rules", "reminder_rules", [])):
        now, was, chat = read[kind], previous.get(kind, empty), before[kind]
        if now == empty:
            continue
        if now == was and chat != was:
            setattr(campaign, attribute, _value_of(kind, chat, list_type=True))
            kept.append(ImportedValue(kind, None, *_shown(kind, was, now, chat)))
        elif now != was:
            changed.append(ImportedValue(kind, None, *_shown(kind, was, now, chat)))
    by_number = {
        i.number: i
        for i in session.scalars(select(Indicator).where(Indicator.campaign_id == campaign.id))
    }
    was_by_number: dict[str, Any] = previous.get("indicators", {})
    for number, now in read["indicators"].items():
        if number not in was_by_number or number not in before["indicators"]:
            continue  # new in this table, or back from the archive: nothing to compare
        was, chat = was_by_number[number], before["indicators"][number]
        if now == was and chat != was:
            by_number[number].deadline = _datetime(chat)
            kept.append(ImportedValue("deadline", number, *_shown("deadline", was, now, chat)))
        elif now != was:
            shown = _shown("deadline", was, now, chat)
            changed.append(ImportedValue("deadline", number, *shown))
    session.flush()
    return tuple(kept), tuple(changed)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _datetime(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _value_of(kind: str, stored: Any, *, list_type: bool = False) -> Any:
    """A recorded value back in the column's own type."""
    if kind == "rules":
        return list(stored or []) if list_type else tuple(stored or ())
    return _datetime(stored)


def _shown(kind: str, was: Any, now: Any, chat: Any) -> tuple[Value, Value, Value]:
    """(table before, table now, chat value) for the report; the chat value only where chat
    had changed it (it differs from what the table said before)."""
    return (
        _value_of(kind, was),
        _value_of(kind, now),
        _value_of(kind, chat) if chat != was else None,
    )
