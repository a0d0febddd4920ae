"""Planning: which rounds are due, for which units, into which chats; 一键催办; a dry run.

Everything is computed from the database at each check (deadlines, rules, what is owed,
what the ledger already holds), so nothing about what is due lives in memory.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import texts
from bot.db import UnitOfWork
from bot.models import Campaign, Indicator, IndicatorSupport, ReminderDispatch, Unit
from bot.reminder_results import ManualRound, Outgoing, RoundPreview
from bot.schedule import Round, due_rounds, plan_catch_up
from bot.services.access import Actor, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import load_obligations, obligation_state, owe_report
from bot.services.reminders import ledger
from bot.services.reminders.ledger import MANUAL_RULE, NO_CHAT, Status
from bot.services.reminders.messages import Skip, compose
from bot.services.reminders.settings import campaign_quiet_days, campaign_rules, number_key

log = logging.getLogger(__name__)

# Rounds older than this are not looked at: a longer outage needs a person, not a backlog.
CATCH_UP_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class DispatchPlan:
    """What planning recorded for one unit at one instant."""

    campaign: str
    unit: str
    rule: str
    due_at: datetime
    status: Status
    chats: tuple[int, ...]
    indicators: tuple[str, ...] = ()
    reason: str = ""


def plan_round(uow: UnitOfWork, now: datetime) -> list[DispatchPlan]:
    """Record every round now due for owing units of active campaigns; commits.

    Idempotent: rounds already in the ledger are left alone, so calling it again for the
    same `now`, after a restart, or from a second replica plans nothing new.
    """
    plans = _plan_all(uow.session, now)
    uow.commit()
    return plans


def _plan_all(session: Session, now: datetime) -> list[DispatchPlan]:
    plans: list[DispatchPlan] = []
    campaigns = session.scalars(select(Campaign).where(Campaign.active.is_(True)))
    for campaign in list(campaigns):
        plans.extend(_plan_campaign(session, campaign, now))
    return plans


def _plan_campaign(session: Session, campaign: Campaign, now: datetime) -> list[DispatchPlan]:
    """Plan one campaign: per owing unit, at most one new message per check."""
    zone = ZoneInfo(campaign.timezone)
    rules, quiet = campaign_rules(campaign), campaign_quiet_days(campaign)
    since = now - CATCH_UP_HORIZON
    owed: dict[int, dict[datetime, list[str]]] = defaultdict(lambda: defaultdict(list))
    units: dict[int, Unit] = {}
    lead_owes: dict[int, tuple[datetime, str]] = {}  # indicator id → (deadline, number)
    for obligation in load_obligations(session, campaign):
        deadline = obligation.effective_deadline
        if deadline is not None and obligation_state(obligation, now).owed:
            owed[obligation.unit_id][deadline.astimezone(UTC)].append(obligation.indicator.number)
            units[obligation.unit_id] = obligation.unit
            lead_owes[obligation.indicator_id] = (
                deadline.astimezone(UTC),
                obligation.indicator.number,
            )
    # A supporting unit is reminded of an indicator while a lead of it still owes, inside its
    # one message per round (the 配合事项 section); once the leads delivered, it is left alone.
    for support in _supports_of(session, lead_owes):
        deadline, number = lead_owes[support.indicator_id]
        owed[support.unit_id][deadline].append(number)
        units[support.unit_id] = support.unit
    decided = ledger.decided_instants(session, campaign.id, since)
    plans: list[DispatchPlan] = []
    reminded: set[datetime] = set()
    for unit_id, by_deadline in owed.items():
        rounds = [
            round_
            for deadline in by_deadline
            for round_ in due_rounds(rules, deadline, zone, now=now, since=since, quiet=quiet)
            if (unit_id, round_.due_at) not in decided
        ]
        if not rounds:
            continue
        unit_plans = _plan_unit(session, campaign, units[unit_id], rounds, by_deadline, now)
        plans.extend(unit_plans)
        reminded.update(plan.due_at for plan in unit_plans if plan.status == "pending")
    for due_at in sorted(reminded):
        for chat in ledger.coordinator_chats(session):
            ledger.insert_digest(session, campaign.id, chat, due_at)
    session.flush()
    return plans


def _supports_of(session: Session, indicator_ids: Iterable[int]) -> list[IndicatorSupport]:
    """The supporting units of these indicators, units loaded."""
    return list(
        session.scalars(
            select(IndicatorSupport)
            .where(IndicatorSupport.indicator_id.in_(list(indicator_ids)))
            .options(selectinload(IndicatorSupport.unit))
            .order_by(IndicatorSupport.id)
        )
    )


def _plan_unit(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    rounds: list[Round],
    by_deadline: dict[datetime, list[str]],
    now: datetime,
) -> list[DispatchPlan]:
    """One message for the newest useful round; the rest recorded as skipped."""
    catch_up = plan_catch_up(rounds, now)
    # One message tells the unit everything it owes, so a backlog needs only the newest one.
    chosen = max(catch_up.send, key=lambda r: r.due_at, default=None)
    plans: list[DispatchPlan] = []
    skipped_at = sorted({r.due_at for r in rounds} - ({chosen.due_at} if chosen else set()))
    for due_at in skipped_at:
        rule = _rule_at(rounds, due_at)
        if ledger.insert(session, campaign.id, unit.id, NO_CHAT, rule, due_at, "skipped", "stale"):
            plans.append(
                DispatchPlan(campaign.code, unit.name, rule, due_at, "skipped", (), reason="stale")
            )
    if chosen is not None:
        plans.extend(_plan_send(session, campaign, unit, rounds, chosen.due_at, by_deadline))
    return plans


def _plan_send(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    rounds: list[Round],
    due_at: datetime,
    by_deadline: dict[datetime, list[str]],
) -> list[DispatchPlan]:
    """Ledger rows for one unit's message at `due_at`, one per destination."""
    rule = _rule_at(rounds, due_at)
    numbers = tuple(
        sorted(
            {n for r in rounds if r.due_at == due_at for n in by_deadline[r.deadline]},
            key=number_key,
        )
    )

    def planned(status: Status, chats: tuple[int, ...], reason: str = "") -> DispatchPlan:
        return DispatchPlan(campaign.code, unit.name, rule, due_at, status, chats, numbers, reason)

    def record(chat: int, status: Status, reason: str = "") -> bool:
        return ledger.insert(session, campaign.id, unit.id, chat, rule, due_at, status, reason)

    where = ledger.destinations(session, unit.id)
    plans: list[DispatchPlan] = []
    if inserted := tuple(chat for chat in where.send if record(chat, "pending")):
        plans.append(planned("pending", inserted))
    if silenced := tuple(chat for chat in where.paused if record(chat, "skipped", "paused")):
        plans.append(planned("skipped", silenced, "paused"))
    if not where.send and not where.paused:
        log.warning("unit %s has no group and no contact to remind", unit.name)
        if record(NO_CHAT, "failed", "no_destination"):
            plans.append(planned("failed", (), "no_destination"))
    return plans


def _rule_at(rounds: list[Round], due_at: datetime) -> str:
    """The rule recorded for an instant: that of the earliest deadline due then."""
    return min((r for r in rounds if r.due_at == due_at), key=lambda r: r.deadline).rule.text


# --- 一键催办 --------------------------------------------------------------------------------


def plan_manual_round(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    unit_name: str | None = None,
    campaign_code: str | None = None,
) -> ManualRound:
    """A round now (rule `manual`) to one unit, or to every unit that owes (or supports an
    indicator whose lead still owes); coordinators only.

    Only planned here; the dispatcher sends it (dispatch.dispatch_pending).
    """
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    if unit_name:
        candidates = [find_unit(session, unit_name)]
    else:
        ids = {o.unit_id for o in load_obligations(session, campaign)}
        ids |= set(
            session.scalars(
                select(IndicatorSupport.unit_id)
                .join(Indicator, IndicatorSupport.indicator_id == Indicator.id)
                .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
            )
        )
        candidates = list(session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id)))
    reminded: list[str] = []
    nothing: list[str] = []
    unreached: list[str] = []
    for unit in candidates:
        report = owe_report(session, campaign, unit, now)
        if not report.owed and not report.support_owed:
            nothing.append(unit.name)
            continue
        where = ledger.destinations(session, unit.id)
        for chat in where.send:
            ledger.insert(session, campaign.id, unit.id, chat, MANUAL_RULE, now, "pending")
        (reminded if where.send else unreached).append(unit.name)
    audit(session, actor, "remind", units=reminded)
    uow.commit()
    return ManualRound(tuple(reminded), tuple(nothing), tuple(unreached))


# --- a dry run -------------------------------------------------------------------------------


def preview_round(uow: UnitOfWork, actor: Actor, now: datetime) -> RoundPreview:
    """What one check would send now, in the order it would send it, recording nothing.

    The check's own planning and composing run inside this unit of work, which is never
    committed: each message is marked as if sent, so the digests see their rounds done,
    and everything is rolled back when the unit of work ends.
    """
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    _plan_all(session, now)
    messages: list[tuple[int, Outgoing]] = []
    for digests in (False, True):  # unit messages first: digests report on them
        for row_id, chat_id in ledger.pending_rows(session, now, digests=digests):
            row = session.get(ReminderDispatch, row_id)
            assert row is not None  # noqa: S101 - just selected in this transaction
            said = compose(session, row, now)
            if said is None:
                continue  # a digest whose round is still being sent by a real pass
            if isinstance(said, Skip):
                row.status, row.error = "skipped", said.reason
                continue
            messages.append((chat_id, said))
            row.status = "sent"
        session.flush()
    uow.rollback()
    return RoundPreview(tuple(messages))
