"""What a unit owes: obligations with their status derived from submissions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session, aliased, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from bot import texts
from bot.db import UnitOfWork, read_only, run_prepared
from bot.models import (
    Campaign,
    Exemption,
    Indicator,
    IndicatorGroup,
    Obligation,
    Submission,
    Unit,
)
from bot.progress import ObligationState, OwedIndicator, OweReport, SubmissionInfo
from bot.schedule import days_left
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import find_campaign, find_unit, unit_names
from bot.services.supports import support_states
from bot.status import (
    OWED_STATUSES,
    ExemptionFacts,
    ExemptionNote,
    SubmissionFacts,
    counts_as_delivery,
    derive_status,
    exemption_note,
    is_late,
)
from bot.structure import differences_from_json


class SubmissionRow(SubmissionFacts, Protocol):
    """Everything a state shows of a submission."""

    @property
    def id(self) -> int: ...
    @property
    def filename(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def uploader_name(self) -> str: ...
    @property
    def review_comment(self) -> str: ...
    @property
    def match_method(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def password_protected(self) -> bool: ...
    @property
    def contributor_name(self) -> str | None: ...
    @property
    def template_differences(self) -> list[dict[str, Any]] | None: ...


def obligation_state(obligation: Obligation, now: datetime) -> ObligationState:
    """The state of one loaded obligation (indicator, unit, submissions loaded)."""
    indicator = obligation.indicator
    return _state(
        obligation_id=obligation.id,
        indicator=indicator,
        group=indicator.group.number if indicator.group else "",
        unit=obligation.unit.name,
        deadline=obligation.effective_deadline,
        extended=obligation.deadline is not None,
        exemption=exemption_note(obligation.exemptions),
        live=[s for s in obligation.submissions if s.withdrawn_at is None],
        now=now,
        zone=ZoneInfo(indicator.campaign.timezone),
    )


class IndicatorFacts(Protocol):
    """What a state shows of an indicator: an Indicator, or a row of its columns."""

    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def material(self) -> str: ...
    @property
    def template_hint(self) -> str: ...


def _state(
    *,
    obligation_id: int,
    indicator: IndicatorFacts,
    group: str,
    unit: str,
    deadline: datetime | None,
    live: Sequence[SubmissionRow],
    now: datetime,
    zone: ZoneInfo,
    extended: bool = False,
    exemption: ExemptionNote | None = None,
) -> ObligationState:
    """One obligation's state from its live submissions and exemptions: the rules in one
    place. `deadline` is the obligation's effective one (the unit's own when `extended`)."""
    excused = exemption is not None and exemption.approved
    status = derive_status(live, excused=excused)
    infos = [_info(s, zone) for s in live]
    return ObligationState(
        obligation_id=obligation_id,
        indicator=indicator.number,
        title=indicator.title,
        material=indicator.material,
        template_hint=indicator.template_hint,
        group=group,
        unit=unit,
        deadline=deadline.astimezone(zone) if deadline else None,
        days_left=days_left(deadline, now, zone) if deadline else None,
        status=status,
        late=not excused and is_late(live, deadline),
        overdue=status in OWED_STATUSES and deadline is not None and now > deadline,
        extended=extended,
        exemption=exemption,
        submissions=tuple(i for s, i in zip(live, infos, strict=True) if counts_as_delivery(s)),
        contributions=tuple(
            i for s, i in zip(live, infos, strict=True) if not counts_as_delivery(s)
        ),
    )


def _info(s: SubmissionRow, zone: ZoneInfo) -> SubmissionInfo:
    return SubmissionInfo(
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
        password_protected=s.password_protected,
        contributed_by=s.contributor_name or "",
        adopted=s.adopted_at is not None,
        differences=differences_from_json(s.template_differences),
    )


def load_obligations(session: Session, campaign: Campaign) -> list[Obligation]:
    """Live obligations of the whole campaign, fully loaded, in table order."""
    live = (
        Indicator.campaign_id == campaign.id,
        Indicator.archived.is_(False),
        Obligation.archived.is_(False),
    )
    query = (
        select(Obligation)
        .join(Obligation.indicator)
        .where(*live)
        .options(
            # One query per related table, so no indicator is repeated per unit. The campaign
            # itself is already in the session's identity map.
            selectinload(Obligation.indicator).selectinload(Indicator.group),
            selectinload(Obligation.unit),
            lazyload(Obligation.submissions),  # filled below, never lazily loaded
            lazyload(Obligation.exemptions),  # likewise
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
        .options(selectinload(Submission.contributor))
        .order_by(Submission.obligation_id, Submission.version)
    ):
        submissions[submission.obligation_id].append(submission)
    exemptions: dict[int, list[Exemption]] = defaultdict(list)
    for exemption in session.scalars(
        select(Exemption)
        .join(Exemption.obligation)
        .join(Obligation.indicator)
        .where(*live)
        .order_by(Exemption.id)
    ):
        exemptions[exemption.obligation_id].append(exemption)
    for obligation in obligations:
        set_committed_value(obligation, "submissions", submissions.get(obligation.id, []))
        set_committed_value(obligation, "exemptions", exemptions.get(obligation.id, []))
    return obligations


# One unit's obligations are read on every /owe: prepared rows (bot.db.run_prepared), no ORM.
_UNIT_LIVE = (
    Indicator.campaign_id == bindparam("campaign_id"),
    Indicator.archived.is_(False),
    Obligation.archived.is_(False),
    Obligation.unit_id == bindparam("unit_id"),
)
_UNIT_OBLIGATIONS = (
    select(
        Obligation.id,
        Indicator.number,
        Indicator.title,
        Indicator.material,
        Indicator.template_hint,
        Indicator.deadline,
        IndicatorGroup.number.label("group_number"),
        Obligation.deadline.label("own_deadline"),
    )
    .join(Indicator, Obligation.indicator_id == Indicator.id)
    .outerjoin(IndicatorGroup, Indicator.group_id == IndicatorGroup.id)
    .where(*_UNIT_LIVE)
    .order_by(Indicator.position)
)
_Contributor = aliased(Unit, name="contributor")
_UNIT_LIVE_SUBMISSIONS = (
    select(
        Submission.obligation_id,
        Submission.id,
        Submission.version,
        Submission.filename,
        Submission.size,
        Submission.uploaded_at,
        Submission.uploader_name,
        Submission.review_status,
        Submission.review_comment,
        Submission.match_method,
        Submission.sha256,
        Submission.password_protected,
        Submission.withdrawn_at,
        Submission.contributed_by_unit_id,
        Submission.adopted_at,
        Submission.template_differences,
        _Contributor.name.label("contributor_name"),
    )
    .join(Obligation, Submission.obligation_id == Obligation.id)
    .join(Indicator, Obligation.indicator_id == Indicator.id)
    .outerjoin(_Contributor, Submission.contributed_by_unit_id == _Contributor.id)
    .where(*_UNIT_LIVE, Submission.withdrawn_at.is_(None))
    .order_by(Submission.obligation_id, Submission.version)
)
_UNIT_EXEMPTIONS = (
    select(
        Exemption.obligation_id,
        Exemption.status,
        Exemption.reason,
        Exemption.requester_name,
        Exemption.requested_at,
        Exemption.decider_name,
        Exemption.decided_at,
        Exemption.decision_reason,
    )
    .join(Obligation, Exemption.obligation_id == Obligation.id)
    .join(Indicator, Obligation.indicator_id == Indicator.id)
    .where(*_UNIT_LIVE)
    .order_by(Exemption.id)
)


def unit_states(
    session: Session, campaign: Campaign, unit: Unit, now: datetime
) -> list[ObligationState]:
    """The states of one unit's live obligations, in table order."""
    session.flush()  # rows are read on the connection: let them see this transaction's changes
    keys = {"campaign_id": campaign.id, "unit_id": unit.id}
    live: dict[int, list[Row[Any]]] = defaultdict(list)
    for submission in run_prepared(session, _UNIT_LIVE_SUBMISSIONS, **keys):
        live[submission.obligation_id].append(submission)
    exemptions: dict[int, list[ExemptionFacts]] = defaultdict(list)
    for exemption in run_prepared(session, _UNIT_EXEMPTIONS, **keys):
        exemptions[exemption.obligation_id].append(exemption)
    zone = ZoneInfo(campaign.timezone)
    return [
        _state(
            obligation_id=row.id,
            indicator=row,
            group=row.group_number or "",
            unit=unit.name,
            deadline=row.own_deadline or row.deadline or campaign.deadline,
            extended=row.own_deadline is not None,
            exemption=exemption_note(exemptions[row.id]),
            live=live[row.id],
            now=now,
            zone=zone,
        )
        for row in unit_obligation_rows(session, campaign, unit)
    ]


def unit_obligation_rows(session: Session, campaign: Campaign, unit: Unit) -> list[Row[Any]]:
    """One unit's live obligations as rows (id, number, title, material, template_hint,
    deadline (the indicator's), group_number, own_deadline (the unit's, or None)), in table
    order."""
    keys = {"campaign_id": campaign.id, "unit_id": unit.id}
    return list(run_prepared(session, _UNIT_OBLIGATIONS, **keys))


def owe_report(session: Session, campaign: Campaign, unit: Unit, now: datetime) -> OweReport:
    """The report for a loaded campaign and unit (used by several services): what it owes,
    owed items first, then the indicators it supports."""
    states = unit_states(session, campaign, unit, now)
    states.sort(key=lambda s: not s.owed)  # stable: owed first, each part in table order
    return OweReport(
        campaign=campaign.code,
        campaign_title=campaign.title,
        unit=unit.name,
        timezone=campaign.timezone,
        items=tuple(states),
        supported=tuple(support_states(session, campaign, unit, now)),
    )


# counts_as_delivery in SQL: the unit's own file, or a contribution the lead adopted.
COUNTS_AS_DELIVERY = or_(
    Submission.contributed_by_unit_id.is_(None), Submission.adopted_at.is_not(None)
)
# Owed, decided in SQL, by the same rule as derive_status: not excused (no approved
# exemption), and nothing live was submitted, or the newest live submission was returned and
# none was accepted. Every receipt runs it: prepared.
_LIVE_OF_OBLIGATION = and_(
    Submission.obligation_id == Obligation.id,
    Submission.withdrawn_at.is_(None),
    COUNTS_AS_DELIVERY,
)
_NEWEST_LIVE_STATUS = (
    select(Submission.review_status)
    .where(_LIVE_OF_OBLIGATION)
    .order_by(Submission.version.desc())
    .limit(1)
    .scalar_subquery()
)
_STILL_OWED = (
    select(Indicator.number, Indicator.title)
    .join(Obligation, Obligation.indicator_id == Indicator.id)
    .where(
        *_UNIT_LIVE,
        ~exists().where(Exemption.obligation_id == Obligation.id, Exemption.status == "approved"),
        or_(
            ~exists().where(_LIVE_OF_OBLIGATION),
            and_(
                ~exists().where(_LIVE_OF_OBLIGATION, Submission.review_status == "accepted"),
                _NEWEST_LIVE_STATUS == "returned",
            ),
        ),
    )
    .order_by(Indicator.position)
)


def still_owed(session: Session, campaign: Campaign, unit: Unit) -> list[OwedIndicator]:
    """The unit's owed indicators, decided in SQL (a receipt needs no per-file detail)."""
    session.flush()  # read on the connection: let it see this transaction's changes
    rows = run_prepared(session, _STILL_OWED, campaign_id=campaign.id, unit_id=unit.id)
    return [OwedIndicator(row.number, row.title) for row in rows]


def owed_items(
    uow: UnitOfWork, unit_name: str, now: datetime, campaign_code: str | None = None
) -> OweReport:
    """Everything `unit_name` must deliver in the campaign, owed items first."""
    campaign = find_campaign(uow.session, campaign_code)
    unit = find_unit(uow.session, unit_name)
    return owe_report(uow.session, campaign, unit, now)


@dataclass(frozen=True)
class UnitChoice:
    """A coordinator asked without naming a unit: the units to choose from."""

    units: tuple[str, ...]


@read_only
def owe_for(uow: UnitOfWork, actor: Actor, named: str, now: datetime) -> OweReport | UnitChoice:
    """/owe: what the actor's unit owes; a coordinator may name any unit, or gets a choice."""
    unit = named if named and actor.is_coordinator else actor.unit
    if unit is not None:
        return owed_items(uow, unit, now)
    if actor.is_coordinator:
        return UnitChoice(tuple(unit_names(uow.session)))
    if actor.chat_kind == "unbound":
        raise NotAllowed(texts.GROUP_NOT_BOUND)
    raise NotAllowed(texts.NOT_REGISTERED)
