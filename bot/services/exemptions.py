"""不适用/豁免: a unit asks to be excused from an obligation, a coordinator approves or
refuses it (or excuses directly).

An approved exemption makes the obligation `excused` (bot.progress.derive_status): out of the
owe list, the reminders and the denominator. Extensions are in bot.services.extensions.
Everything here is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, Chat, Contact, Exemption, Indicator, Obligation, Unit
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import find_campaign, find_unit
from bot.services.review import REVIEW_PAGE, ReviewQueue, review_queue

REQUESTED, APPROVED, REFUSED = "requested", "approved", "refused"
REASON_LIMIT = 1000


class ExemptionRefused(Refusal):
    """An exemption or extension that cannot be carried out; the sentence says why."""


@dataclass(frozen=True)
class ObligationRef:
    """One unit's obligation, named for a prompt ("why is 7 not applicable?")."""

    obligation_id: int
    unit: str
    number: str
    title: str


@dataclass(frozen=True)
class ExemptionItem:
    """One exemption: what was asked, by whom, and where it stands."""

    exemption_id: int
    unit: str
    number: str
    title: str
    reason: str
    requester: str
    requested_at: datetime
    status: str
    decider: str = ""
    decision_reason: str = ""


@dataclass(frozen=True)
class ExemptionDecision:
    """An approval or refusal (or a direct excuse), and where the unit is told of it."""

    item: ExemptionItem
    notify_chats: tuple[int, ...]  # the unit's groups, or its contacts when it has none


@dataclass(frozen=True)
class ReviewBoard:
    """/review: submissions waiting, then 不适用 requests waiting."""

    queue: ReviewQueue
    requests: tuple[ExemptionItem, ...]


# --- reading ---------------------------------------------------------------------------------


def _item(exemption: Exemption) -> ExemptionItem:
    obligation = exemption.obligation
    return ExemptionItem(
        exemption_id=exemption.id,
        unit=obligation.unit.name,
        number=obligation.indicator.number,
        title=obligation.indicator.title,
        reason=exemption.reason,
        requester=exemption.requester_name,
        requested_at=exemption.requested_at,
        status=exemption.status,
        decider=exemption.decider_name,
        decision_reason=exemption.decision_reason,
    )


def _ref(obligation: Obligation) -> ObligationRef:
    return ObligationRef(
        obligation.id, obligation.unit.name, obligation.indicator.number, obligation.indicator.title
    )


def live_obligations(session: Session, campaign: Campaign, unit: Unit) -> list[Obligation]:
    """The unit's live obligations in the campaign, in table order."""
    return list(
        session.scalars(
            select(Obligation)
            .join(Obligation.indicator)
            .where(
                Indicator.campaign_id == campaign.id,
                Indicator.archived.is_(False),
                Obligation.archived.is_(False),
                Obligation.unit_id == unit.id,
            )
            .order_by(Indicator.position)
        )
    )


def obligation_by_number(
    session: Session, campaign: Campaign, unit: Unit, written: str
) -> Obligation:
    """The unit's live obligation for an indicator number ("7", "7.", "指标7")."""
    number = written.strip().removeprefix(texts.INDICATOR_WORD).strip().rstrip(".、")
    live = live_obligations(session, campaign, unit)
    for obligation in live:
        if obligation.indicator.number == number:
            return obligation
    numbers = "、".join(o.indicator.number for o in live) or texts.NONE_MARK
    raise ExemptionRefused(
        texts.EXEMPTION_NOT_OWED, unit=unit.name, number=written, numbers=numbers
    )


def _is_excused(obligation: Obligation) -> bool:
    return any(e.status == APPROVED for e in obligation.exemptions)


def _who(actor: Actor) -> str:
    """A person's name as the exemption records it (the CLI is the operator)."""
    if actor.is_operator:
        return texts.EXEMPTION_OPERATOR
    return actor.name or str(actor.user_id)


def _unit_chats(session: Session, unit_id: int) -> tuple[int, ...]:
    """Where a unit is told of a decision: its groups, else its contacts in private."""
    groups = tuple(
        session.scalars(
            select(Chat.telegram_chat_id).where(
                Chat.unit_id == unit_id, Chat.kind == "unit", Chat.unreachable.is_(False)
            )
        )
    )
    contacts = tuple(
        session.scalars(
            select(Contact.telegram_user_id).where(
                Contact.unit_id == unit_id, Contact.active.is_(True)
            )
        )
    )
    return groups or contacts


def _clean_reason(reason: str, empty: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ExemptionRefused(empty)
    return reason[:REASON_LIMIT]


# --- a unit asks ----------------------------------------------------------------------------


def _acting_unit(session: Session, actor: Actor) -> Unit:
    """The unit the actor asks for: a contact's own, or the bound group's."""
    if actor.unit is not None:
        return find_unit(session, actor.unit)
    if actor.is_coordinator:
        raise NotAllowed(texts.EXEMPTION_COORDINATOR_EXCUSES)
    if actor.chat_kind == "unbound":
        raise NotAllowed(texts.GROUP_NOT_BOUND)
    raise NotAllowed(texts.NOT_REGISTERED)


def _own_obligation(session: Session, actor: Actor, obligation_id: int) -> Obligation:
    unit = _acting_unit(session, actor)
    obligation = session.get(Obligation, obligation_id)
    if obligation is None or obligation.archived or obligation.unit_id != unit.id:
        raise NotAllowed(texts.EXEMPTION_OWN_UNIT_ONLY, unit=unit.name)
    return obligation


@read_only
def describe_obligation(uow: UnitOfWork, actor: Actor, obligation_id: int) -> ObligationRef:
    """[申请不适用] on /owe: the obligation the reason prompt names (the actor's unit's)."""
    return _ref(_own_obligation(uow.session, actor, obligation_id))


def request_exemption(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    reason: str,
    now: datetime,
    campaign_code: str | None = None,
) -> ExemptionItem:
    """/na 7 理由: the actor's unit asks to be excused from indicator 7."""
    session = uow.session
    unit = _acting_unit(session, actor)
    obligation = obligation_by_number(session, find_campaign(session, campaign_code), unit, number)
    return _request(uow, actor, obligation, reason, now)


def request_exemption_for(
    uow: UnitOfWork, actor: Actor, obligation_id: int, reason: str, now: datetime
) -> ExemptionItem:
    """The reply to the [申请不适用] prompt: the same request, by obligation."""
    return _request(uow, actor, _own_obligation(uow.session, actor, obligation_id), reason, now)


def _request(
    uow: UnitOfWork, actor: Actor, obligation: Obligation, reason: str, now: datetime
) -> ExemptionItem:
    reason = _clean_reason(reason, texts.EXEMPTION_REASON_EMPTY)
    named = {"unit": obligation.unit.name, "number": obligation.indicator.number}
    if _is_excused(obligation):
        raise ExemptionRefused(texts.EXEMPTION_ALREADY_EXCUSED, **named)
    if any(e.status == REQUESTED for e in obligation.exemptions):
        raise ExemptionRefused(texts.EXEMPTION_ALREADY_REQUESTED, **named)
    exemption = Exemption(
        obligation=obligation,
        status=REQUESTED,
        reason=reason,
        requested_by=actor.user_id,
        requester_name=_who(actor),
        requested_at=now,
    )
    uow.session.add(exemption)
    uow.session.flush()
    audit(
        uow.session,
        actor,
        "exemption_request",
        campaign_id=obligation.indicator.campaign_id,
        unit_id=obligation.unit_id,
        exemption=exemption.id,
        indicator=obligation.indicator.number,
        reason=reason,
    )
    item = _item(exemption)
    uow.commit()
    return item


# --- the coordinator decides -----------------------------------------------------------------


def pending_requests(
    session: Session, campaign: Campaign, limit: int | None = None
) -> list[Exemption]:
    """Requests of live obligations waiting for a decision, oldest first."""
    query = (
        select(Exemption)
        .join(Exemption.obligation)
        .join(Obligation.indicator)
        .where(
            Indicator.campaign_id == campaign.id,
            Indicator.archived.is_(False),
            Obligation.archived.is_(False),
            Exemption.status == REQUESTED,
        )
        .options(
            selectinload(Exemption.obligation).selectinload(Obligation.unit),
            selectinload(Exemption.obligation).selectinload(Obligation.indicator),
        )
        .order_by(Exemption.requested_at, Exemption.id)
        .limit(limit)
    )
    return list(session.scalars(query))


@read_only
def review_board(uow: UnitOfWork, actor: Actor, campaign_code: str | None = None) -> ReviewBoard:
    """/review: the submissions waiting, then the 不适用 requests waiting (coordinators)."""
    queue = review_queue(uow, actor, campaign_code)
    campaign = find_campaign(uow.session, campaign_code)
    requests = pending_requests(uow.session, campaign, limit=REVIEW_PAGE)
    return ReviewBoard(queue, tuple(_item(e) for e in requests))


def _waiting(uow: UnitOfWork, actor: Actor, exemption_id: int) -> Exemption:
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    exemption = uow.session.get(Exemption, exemption_id)
    if exemption is None:
        raise ExemptionRefused(texts.UPLOAD_CHOICE_GONE)
    if exemption.status != REQUESTED:
        status = texts.EXEMPTION_STATUS_NAME.get(exemption.status, exemption.status)
        raise ExemptionRefused(texts.EXEMPTION_ALREADY_DECIDED, status=status)
    return exemption


@read_only
def describe_request(uow: UnitOfWork, actor: Actor, exemption_id: int) -> ExemptionItem:
    """The request waiting (for the refusal's reason prompt)."""
    return _item(_waiting(uow, actor, exemption_id))


def approve_exemption(
    uow: UnitOfWork, actor: Actor, exemption_id: int, now: datetime
) -> ExemptionDecision:
    """[批准]: the obligation is excused; the unit is told."""
    return _decide(uow, actor, _waiting(uow, actor, exemption_id), APPROVED, "", now)


def refuse_exemption(
    uow: UnitOfWork, actor: Actor, exemption_id: int, reason: str, now: datetime
) -> ExemptionDecision:
    """[驳回] with a reason: the obligation stays owed; the unit is told why."""
    reason = _clean_reason(reason, texts.EXEMPTION_REFUSAL_REASON_EMPTY)
    return _decide(uow, actor, _waiting(uow, actor, exemption_id), REFUSED, reason, now)


def _decide(
    uow: UnitOfWork, actor: Actor, exemption: Exemption, status: str, reason: str, now: datetime
) -> ExemptionDecision:
    exemption.status = status
    exemption.decided_by = actor.user_id
    exemption.decider_name = _who(actor)
    exemption.decided_at = now
    exemption.decision_reason = reason
    obligation = exemption.obligation
    audit(
        uow.session,
        actor,
        "exemption_approve" if status == APPROVED else "exemption_refuse",
        campaign_id=obligation.indicator.campaign_id,
        unit_id=obligation.unit_id,
        exemption=exemption.id,
        indicator=obligation.indicator.number,
        reason=reason or exemption.reason,
    )
    decision = ExemptionDecision(_item(exemption), _unit_chats(uow.session, obligation.unit_id))
    uow.commit()
    return decision


def excuse(
    uow: UnitOfWork,
    actor: Actor,
    unit_name: str,
    number: str,
    reason: str,
    now: datetime,
    campaign_code: str | None = None,
) -> ExemptionDecision:
    """/excuse 公安局 7 理由: a coordinator excuses a unit directly (recorded as approved)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    obligation = obligation_by_number(session, campaign, find_unit(session, unit_name), number)
    reason = _clean_reason(reason, texts.EXEMPTION_REASON_EMPTY)
    if _is_excused(obligation):
        raise ExemptionRefused(
            texts.EXEMPTION_ALREADY_EXCUSED,
            unit=obligation.unit.name,
            number=obligation.indicator.number,
        )
    # A request still waiting is answered by this decision: approved, with the given reason.
    waiting = [e for e in obligation.exemptions if e.status == REQUESTED]
    exemption = waiting[0] if waiting else Exemption(obligation=obligation, requested_at=now)
    if not waiting:
        exemption.requested_by = actor.user_id
        exemption.requester_name = _who(actor)
        session.add(exemption)
    exemption.reason = reason
    session.flush()
    return _decide(uow, actor, exemption, APPROVED, "", now)
