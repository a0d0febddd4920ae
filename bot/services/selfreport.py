"""/selfreport: the 自评报告 draft of the campaign (coordinators) or of one unit (its people).

`self_report` reads everything the draft needs in one read-only unit of work, including where
each delivered file is stored; `draft_excerpts` then reads the files' openings with no
transaction open (a peek may take a while), and bot.selfreport_docx writes the document.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, Indicator, Obligation, Submission
from bot.selfreport import (
    DeliveredFile,
    ReportGroup,
    ReportIndicator,
    SelfReport,
    UnitDelivery,
)
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import derive_status, is_late, load_obligations
from bot.status import OWED_STATUSES, counts_as_delivery

# Who is refused how, when they act for no unit.
_REFUSALS = {
    "unbound": texts.GROUP_NOT_BOUND,
    "coordinator": texts.NOT_ALLOWED_COORDINATOR,  # in the coordinator group, not one of them
}


@read_only
def self_report(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    unit: str | None = None,
    campaign_code: str | None = None,
) -> SelfReport:
    """The draft's content. Coordinators and the operator: the whole campaign, or the unit
    they name. A unit's contact or a member of its bound group: their own unit only. In a
    unit group even a coordinator gets that unit's draft unless naming another, so the group
    never sees the other units' files."""
    if not actor.is_coordinator and actor.unit is None:  # before any name is looked up
        raise NotAllowed(_REFUSALS.get(actor.chat_kind, texts.NOT_REGISTERED))
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    wanted = find_unit(session, unit).name if unit else None
    if actor.is_coordinator:
        if wanted is None and actor.chat_kind == "unit":
            wanted = actor.unit
        return campaign_self_report(session, campaign, now, wanted)
    if wanted is not None and wanted != actor.unit:
        raise NotAllowed(texts.SELFREPORT_OWN_UNIT_ONLY, unit=actor.unit)
    return campaign_self_report(session, campaign, now, actor.unit)


def campaign_self_report(
    session: Session, campaign: Campaign, now: datetime, unit: str | None = None
) -> SelfReport:
    """The draft of a loaded campaign: every live indicator in table order (an indicator
    nobody owes is still part of the outline); for a unit, only the indicators it owes."""
    zone = ZoneInfo(campaign.timezone)
    deliveries: dict[int, list[UnitDelivery]] = defaultdict(list)
    for obligation in load_obligations(session, campaign):
        if unit is None or obligation.unit.name == unit:
            deliveries[obligation.indicator_id].append(_delivery(obligation, now, zone))
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
        .options(selectinload(Indicator.group))
        .order_by(Indicator.position)
    )
    groups: dict[int | None, tuple[ReportGroup, list[ReportIndicator]]] = {}
    for indicator in indicators:
        if unit is not None and indicator.id not in deliveries:
            continue
        group = indicator.group
        if group is None:
            key, empty = None, ReportGroup("", texts.EXPORT_UNGROUPED, "", ())
        else:
            key, empty = group.id, ReportGroup(group.number, group.title, group.category, ())
        groups.setdefault(key, (empty, []))[1].append(
            ReportIndicator(
                number=indicator.number,
                title=indicator.title,
                key_points=indicator.key_points,
                material=indicator.material,
                score=indicator.score,
                units=tuple(deliveries.get(indicator.id, ())),
            )
        )
    return SelfReport(
        campaign=campaign.code,
        title=campaign.title,
        issuer=campaign.issuer,
        doc_number=campaign.doc_number,
        stats_start=campaign.stats_start,
        stats_end=campaign.stats_end,
        timezone=campaign.timezone,
        generated_at=now.astimezone(zone),
        unit=unit,
        groups=tuple(
            ReportGroup(group.number, group.title, group.category, tuple(items))
            for group, items in groups.values()
        ),
    )


def _delivery(obligation: Obligation, now: datetime, zone: ZoneInfo) -> UnitDelivery:
    """One unit under one indicator, by the same status rules as /owe and /summary."""
    deadline = obligation.effective_deadline
    live: list[Submission] = [
        s for s in obligation.submissions if s.withdrawn_at is None and counts_as_delivery(s)
    ]
    status = derive_status(live, excused=any(e.status == "approved" for e in obligation.exemptions))
    return UnitDelivery(
        unit=obligation.unit.name,
        status=status,
        late=is_late(live, deadline),
        overdue=status in OWED_STATUSES and deadline is not None and now > deadline,
        files=tuple(
            DeliveredFile(
                filename=s.filename,
                uploaded_at=s.uploaded_at.astimezone(zone),
                version=s.version,
                review_status=s.review_status,
                late=deadline is not None and s.uploaded_at > deadline,
                storage_key=s.storage_key,
            )
            for s in live
        ),
    )
