"""What a unit owes: obligations with their status derived from submissions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from bot.db import UnitOfWork
from bot.models import Campaign, Indicator, Obligation, Submission, Unit
from bot.progress import (
    OWED_STATUSES,
    ObligationState,
    OwedIndicator,
    OweReport,
    Status,
    SubmissionInfo,
)
from bot.schedule import days_left
from bot.services.campaigns import find_campaign, find_unit


def derive_status(submissions: Sequence[Submission]) -> Status:
    """missing / submitted / accepted / returned, from the live (not withdrawn) submissions."""
    live = [s for s in submissions if s.withdrawn_at is None]
    if not live:
        return "missing"
    if any(s.review_status == "accepted" for s in live):
        return "accepted"
    latest = max(live, key=lambda s: s.version)
    return "returned" if latest.review_status == "returned" else "submitted"


def is_late(submissions: Sequence[Submission], deadline: datetime | None) -> bool:
    """Late: the first acceptable (not returned) submission came after the deadline."""
    if deadline is None:
        return False
    acceptable = [
        s for s in submissions if s.withdrawn_at is None and s.review_status != "returned"
    ]
    return bool(acceptable) and min(s.uploaded_at for s in acceptable) > deadline


def obligation_state(obligation: Obligation, now: datetime) -> ObligationState:
    """The state of one loaded obligation (indicator, unit, submissions loaded)."""
    indicator = obligation.indicator
    campaign = indicator.campaign
    zone = ZoneInfo(campaign.timezone)
    deadline = indicator.effective_deadline
    status = derive_status(obligation.submissions)
    live = [s for s in obligation.submissions if s.withdrawn_at is None]
    return ObligationState(
        obligation_id=obligation.id,
        indicator=indicator.number,
        title=indicator.title,
        material=indicator.material,
        template_hint=indicator.template_hint,
        group=indicator.group.number if indicator.group else "",
        unit=obligation.unit.name,
        deadline=deadline.astimezone(zone) if deadline else None,
        days_left=days_left(deadline, now, zone) if deadline else None,
        status=status,
        late=is_late(live, deadline),
        overdue=status in OWED_STATUSES and deadline is not None and now > deadline,
        submissions=tuple(
            SubmissionInfo(
                id=s.id,
                version=s.version,
                filename=s.filename,
                size=s.size,
                uploaded_at=s.uploaded_at.astimezone(zone),
                uploader=s.uploader_name,
                review_status=s.review_status,
                review_comment=s.review_comment,
                match_method=s.match_method,
                sha256=s.sha256,
            )
            for s in live
        ),
    )


def load_obligations(
    session: Session, campaign: Campaign, unit: Unit | None = None
) -> list[Obligation]:
    """Live obligations of the campaign (of one unit, if given), fully loaded, in table order."""
    live = (
        Indicator.campaign_id == campaign.id,
        Indicator.archived.is_(False),
        Obligation.archived.is_(False),
        *((Obligation.unit_id == unit.id,) if unit is not None else ()),
    )
    query = (
        select(Obligation)
        .join(Obligation.indicator)
        .where(*live)
        .options(
            # For one unit, a handful of rows: join everything into one query. For the whole
            # campaign, one query per related table, so no indicator is repeated per unit.
            # The campaign itself is already in the session's identity map.
            *(
                (
                    joinedload(Obligation.indicator).joinedload(Indicator.group),
                    joinedload(Obligation.unit),
                )
                if unit is not None
                else (
                    selectinload(Obligation.indicator).selectinload(Indicator.group),
                    selectinload(Obligation.unit),
                )
            ),
            lazyload(Obligation.submissions),  # filled below, never lazily loaded
        )
        .order_by(Indicator.position, Obligation.unit_id)
    )
    obligations = list(session.scalars(query))
    # Submissions in one query for all obligations (a selectin load would batch IN lists).
    submissions: dict[int, list[Submission]] = defaultdict(list)
    for submission in session.scalars(
        select(Submission)
        .join(Submission.obligation)
        .join(Obligation.indicator)
        .where(*live)
        .order_by(Submission.obligation_id, Submission.version)
    ):
        submissions[submission.obligation_id].append(submission)
    for obligation in obligations:
        set_committed_value(obligation, "submissions", submissions.get(obligation.id, []))
    return obligations


def owe_report(session: Session, campaign: Campaign, unit: Unit, now: datetime) -> OweReport:
    """The report for a loaded campaign and unit (used by several services)."""
    states = [obligation_state(o, now) for o in load_obligations(session, campaign, unit)]
    states.sort(key=lambda s: not s.owed)  # stable: owed first, each part in table order
    return OweReport(
        campaign=campaign.code,
        campaign_title=campaign.title,
        unit=unit.name,
        timezone=campaign.timezone,
        items=tuple(states),
    )


def still_owed(session: Session, campaign: Campaign, unit: Unit) -> list[OwedIndicator]:
    """The unit's owed indicators, decided in SQL (a receipt needs no per-file detail).

    Same rule as derive_status: owed when nothing live was submitted, or when the newest live
    submission was returned and none was accepted.
    """
    live = and_(Submission.obligation_id == Obligation.id, Submission.withdrawn_at.is_(None))
    has_live = exists().where(live)
    has_accepted = exists().where(live, Submission.review_status == "accepted")
    newest_status = (
        select(Submission.review_status)
        .where(live)
        .order_by(Submission.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Indicator.number, Indicator.title)
        .join(Obligation, Obligation.indicator_id == Indicator.id)
        .where(
            Indicator.campaign_id == campaign.id,
            Indicator.archived.is_(False),
            Obligation.archived.is_(False),
            Obligation.unit_id == unit.id,
            or_(~has_live, and_(~has_accepted, newest_status == "returned")),
        )
        .order_by(Indicator.position)
    )
    return [OwedIndicator(number, title) for number, title in rows]


def owed_items(
    uow: UnitOfWork, unit_name: str, now: datetime, campaign_code: str | None = None
) -> OweReport:
    """Everything `unit_name` must deliver in the campaign, owed items first."""
    campaign = find_campaign(uow.session, campaign_code)
    unit = find_unit(uow.session, unit_name)
    return owe_report(uow.session, campaign, unit, now)
