"""What an import changed: the campaign read before and after, inside the import's transaction.

The preview of /import in chat is the real import, rolled back instead of committed; what it
would do is therefore only knowable by comparing the database before and after within that
transaction. The same comparison serves the committed import's report (and the CLI's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Campaign, Indicator, IndicatorGroup, IndicatorSupport, Obligation, Unit

# The facts of an indicator a table can change, in the order a change is reported.
INDICATOR_FIELDS = ("title", "group", "key_points", "material", "keywords", "score", "deadline")
CAMPAIGN_FIELDS = ("title", "deadline", "division_deadline", "stats_start", "stats_end")


@dataclass(frozen=True)
class IndicatorState:
    """One indicator as the database holds it (live indicators only)."""

    number: str
    facts: dict[str, Any]
    leads: frozenset[str]  # units owing it (live obligations)
    supports: frozenset[str]


@dataclass(frozen=True)
class CampaignState:
    """A campaign's facts and live indicators, keyed by number."""

    facts: dict[str, Any]
    indicators: dict[str, IndicatorState]


@dataclass(frozen=True)
class AddedIndicator:
    number: str
    title: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class ChangedIndicator:
    """An indicator kept by number whose facts or units differ; `fields` in INDICATOR_FIELDS."""

    number: str
    title: str
    fields: tuple[str, ...]
    units_added: tuple[str, ...] = ()
    units_removed: tuple[str, ...] = ()
    supports_changed: bool = False


@dataclass(frozen=True)
class ArchivedIndicator:
    number: str
    title: str


@dataclass(frozen=True)
class ImportChanges:
    """The differences one import makes to a campaign."""

    added: tuple[AddedIndicator, ...] = ()
    changed: tuple[ChangedIndicator, ...] = ()
    archived: tuple[ArchivedIndicator, ...] = ()
    obligations_added: int = 0
    obligations_archived: int = 0
    campaign_fields: tuple[str, ...] = ()  # CAMPAIGN_FIELDS that differ

    @property
    def nothing(self) -> bool:
        """The table, applied, would leave every indicator and obligation as it is."""
        return not (self.added or self.changed or self.archived or self.campaign_fields)


NO_CHANGES = ImportChanges()
EMPTY = CampaignState({}, {})


def campaign_state(session: Session, campaign_id: int | None) -> CampaignState:
    """The campaign as the transaction sees it now (flushed changes included)."""
    if campaign_id is None:
        return EMPTY
    session.flush()
    campaign = session.execute(
        select(*(getattr(Campaign, name) for name in CAMPAIGN_FIELDS)).where(
            Campaign.id == campaign_id
        )
    ).one()
    live = (Indicator.campaign_id == campaign_id, Indicator.archived.is_(False))
    rows = session.execute(
        select(
            Indicator.id,
            Indicator.number,
            Indicator.title,
            IndicatorGroup.number,
            Indicator.key_points,
            Indicator.material,
            Indicator.keywords,
            Indicator.score,
            Indicator.deadline,
        )
        .outerjoin(IndicatorGroup, Indicator.group_id == IndicatorGroup.id)
        .where(*live)
    ).all()
    leads = _names_by_indicator(
        session,
        select(Obligation.indicator_id, Unit.name)
        .join(Unit, Obligation.unit_id == Unit.id)
        .join(Indicator, Obligation.indicator_id == Indicator.id)
        .where(*live, Obligation.archived.is_(False)),
    )
    supports = _names_by_indicator(
        session,
        select(IndicatorSupport.indicator_id, Unit.name)
        .join(Unit, IndicatorSupport.unit_id == Unit.id)
        .join(Indicator, IndicatorSupport.indicator_id == Indicator.id)
        .where(*live),
    )
    indicators = {}
    for row in rows:
        indicator_id, number, *values = row
        facts: dict[str, Any] = dict(zip(INDICATOR_FIELDS, values, strict=True))
        facts["keywords"] = tuple(facts["keywords"] or ())
        indicators[number] = IndicatorState(
            number,
            facts,
            frozenset(leads.get(indicator_id, ())),
            frozenset(supports.get(indicator_id, ())),
        )
    return CampaignState(dict(zip(CAMPAIGN_FIELDS, campaign, strict=True)), indicators)


def _names_by_indicator(session: Session, query: Any) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for indicator_id, name in session.execute(query):
        found.setdefault(indicator_id, []).append(name)
    return found


def compare(before: CampaignState, after: CampaignState, order: list[str]) -> ImportChanges:
    """What changed from `before` to `after`; indicators listed in table `order`."""
    added, changed = [], []
    obligations_added = obligations_archived = 0
    for number in order:
        new = after.indicators.get(number)
        if new is None:
            continue
        old = before.indicators.get(number)
        title = new.facts["title"]
        if old is None:
            added.append(AddedIndicator(number, title, tuple(sorted(new.leads))))
            obligations_added += len(new.leads)
            continue
        fields = tuple(f for f in INDICATOR_FIELDS if old.facts[f] != new.facts[f])
        gained, lost = sorted(new.leads - old.leads), sorted(old.leads - new.leads)
        supports_changed = old.supports != new.supports
        if fields or gained or lost or supports_changed:
            units = tuple(gained), tuple(lost)
            changed.append(ChangedIndicator(number, title, fields, *units, supports_changed))
        obligations_added += len(gained)
        obligations_archived += len(lost)
    archived = []
    for number, old in before.indicators.items():
        if number not in after.indicators:
            archived.append(ArchivedIndicator(number, old.facts["title"]))
            obligations_archived += len(old.leads)
    campaign_fields = (
        tuple(f for f in CAMPAIGN_FIELDS if before.facts[f] != after.facts[f])
        if before.facts
        else ()
    )
    return ImportChanges(
        tuple(added),
        tuple(changed),
        tuple(archived),
        obligations_added,
        obligations_archived,
        campaign_fields,
    )
