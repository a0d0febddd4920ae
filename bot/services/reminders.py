"""Deadline reminders: rules and deadlines as campaign data, rounds planned into a ledger,
each ledger row sent at most once.

Exactly once, in three steps (see ReminderDispatch):
1. `plan_round` computes from the database which rounds are due (nothing is kept in memory)
   and inserts one `pending` row per (campaign, unit, chat, rule, due time); the unique key
   makes planning idempotent, so a second check, a restart or a second replica adds nothing.
2. `dispatch_pending` claims a row (`pending` → `sending`, committed), sends, and records
   `sent` with Telegram's message id (committed) right after Telegram answers.
3. A row still `sending` when a pass starts was interrupted (crash, SIGKILL): Telegram may or
   may not have it, and the Bot API offers no way to ask, so it is sent again. The only
   possible duplicate is therefore a crash in the window between Telegram's answer and our
   commit (one UPDATE of one row), or a send that timed out after Telegram had accepted it.
   Every other failure is resolved without a duplicate and without a loss.
Only one dispatcher runs at a time: a per-process lock, plus `pg_try_advisory_lock` on
PostgreSQL so that of several replicas only one sends.
"""

from __future__ import annotations

import asyncio
import html
import logging
import threading
from collections import defaultdict
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import texts
from bot.db import Database, UnitOfWork
from bot.models import AuditEvent, Campaign, Chat, Contact, Indicator, ReminderDispatch, Unit
from bot.schedule import (
    DEFAULT_RULES,
    QuietDays,
    ReminderRule,
    Round,
    RuleError,
    due_rounds,
    next_rounds,
    parse_rules,
    plan_catch_up,
)
from bot.services.access import Actor, require_coordinator
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import load_obligations, obligation_state, owe_report
from bot.wording.owe import owed_item_lines

log = logging.getLogger(__name__)

MANUAL_RULE = "manual"
DIGEST_RULE = "digest"
UNREACHABLE_RULE = "unreachable"
SPECIAL_RULES = frozenset({MANUAL_RULE, DIGEST_RULE, UNREACHABLE_RULE})
# chat_id of a unit-level ledger row: a round skipped as stale, or a unit with nowhere to go.
NO_CHAT = 0
# Give a row up after this many tries (each try waited for Telegram's retry_after or a check).
MAX_ATTEMPTS = 5
# Sends in flight at once. Enough to reach 30 messages/s; more only queues requests in the
# rate limiter, which then release in bunches that Telegram answers with 429
# (benchmarks/fanout.py: 8 → 0 × 429 for 1,000 groups, 40 → dozens).
CONCURRENCY = 8
# Rounds older than this are not looked at: a longer outage needs a person, not a backlog.
CATCH_UP_HORIZON = timedelta(days=14)
MESSAGE_LIMIT = 4096
NAMES_LIMIT = 900
# Any constant works; it only has to be the same in every replica ("YJRM").
ADVISORY_LOCK_KEY = 0x594A524D

Status = Literal["pending", "sending", "sent", "failed", "skipped"]


# --- the sending port --------------------------------------------------------------------


class ChatUnreachable(Exception):
    """The bot cannot post there any more (removed from the group, blocked: HTTP 403)."""


class RetryLater(Exception):
    """Telegram asked us to wait (429), failed (5xx) or did not answer in time."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds}s")
        self.seconds = seconds


class MessageRejected(Exception):
    """Telegram refused this message for good (400); sending it again would not help."""


class Sender(Protocol):
    """Posts one HTML message; the Telegram adapter lives in handlers/jobs.py."""

    async def send(self, chat_id: int, text_html: str) -> int:
        """Send and return the message id, or raise ChatUnreachable / RetryLater."""
        ...


class ReminderError(Exception):
    """A reminder request that cannot be carried out; the message is for the user."""


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesSet:
    campaign: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class DeadlineSet:
    campaign: str
    indicator: str | None  # None: the campaign-wide deadline
    title: str
    deadline: datetime  # in the campaign's zone
    timezone: str


@dataclass(frozen=True)
class UpcomingRound:
    """A round still to come: when, which rule, for which indicators and units."""

    due_at: datetime  # in the campaign's zone
    campaign: str
    rules: tuple[str, ...]
    indicators: tuple[str, ...]
    units: tuple[str, ...]


@dataclass(frozen=True)
class PauseResult:
    chat_id: int
    title: str
    unit: str | None
    paused: bool


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


@dataclass(frozen=True)
class DispatchReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    recovered: int = 0  # rows left `sending` by an interrupted pass, sent again
    unreachable: tuple[int, ...] = ()  # chats that answered 403 in this pass
    locked_out: bool = False  # another dispatcher holds the lock; nothing was done


@dataclass(frozen=True)
class RemindResult:
    units: tuple[str, ...]  # reminded in this manual round
    nothing_owed: tuple[str, ...]
    unreached: tuple[str, ...]  # owe, but have no reachable, unpaused group and no contact
    report: DispatchReport


@dataclass
class _Tally:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    recovered: int = 0
    unreachable: list[int] = field(default_factory=list)

    def freeze(self) -> DispatchReport:
        return DispatchReport(
            sent=self.sent,
            failed=self.failed,
            skipped=self.skipped,
            retrying=self.retrying,
            recovered=self.recovered,
            unreachable=tuple(self.unreachable),
        )


# --- rules and deadlines -----------------------------------------------------------------


def campaign_rules(campaign: Campaign) -> list[ReminderRule]:
    """The campaign's rules, or the defaults when it has none (or unreadable ones)."""
    try:
        return parse_rules(campaign.reminder_rules or DEFAULT_RULES)
    except RuleError:
        log.error(
            "campaign %s has unreadable rules %s; using defaults",
            campaign.code,
            campaign.reminder_rules,
        )
        return parse_rules(DEFAULT_RULES)


def campaign_quiet_days(campaign: Campaign) -> QuietDays:
    """Official quiet days plus the campaign's own dates."""
    return QuietDays.from_iso(campaign.quiet_dates)


def set_rules(
    uow: UnitOfWork,
    rules: Sequence[str],
    campaign_code: str | None = None,
    *,
    actor: Actor | None = None,
) -> RulesSet:
    """Replace the campaign's reminder rules; RuleError explains a rule it cannot read."""
    _require_coordinator(actor)
    parsed = parse_rules(list(rules))
    if not parsed:
        raise RuleError(texts.RULES_EMPTY.format(default=DEFAULT_RULES))
    campaign = find_campaign(uow.session, campaign_code)
    campaign.reminder_rules = [rule.text for rule in parsed]
    _audit(
        uow.session, actor, "reminder_rules", campaign.id, None, {"rules": campaign.reminder_rules}
    )
    uow.commit()
    return RulesSet(campaign.code, tuple(campaign.reminder_rules))


def current_rules(uow: UnitOfWork, campaign_code: str | None = None) -> RulesSet:
    """The rules in force for the campaign."""
    campaign = find_campaign(uow.session, campaign_code)
    return RulesSet(campaign.code, tuple(rule.text for rule in campaign_rules(campaign)))


def set_deadline(
    uow: UnitOfWork,
    when: datetime,
    indicator: str | None = None,
    campaign_code: str | None = None,
    *,
    actor: Actor | None = None,
) -> DeadlineSet:
    """Move the campaign's deadline, or one indicator's; a naive time is campaign-local.

    Nothing else needs doing: which rounds are due is computed from deadlines at every check.
    """
    _require_coordinator(actor)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    zone = ZoneInfo(campaign.timezone)
    moment = when if when.tzinfo is not None else when.replace(tzinfo=zone)
    title = campaign.title
    if indicator is None:
        campaign.deadline = moment
    else:
        found = _find_indicator(session, campaign, indicator)
        found.deadline = moment
        title = found.title
    _audit(
        session,
        actor,
        "deadline",
        campaign.id,
        None,
        {"indicator": indicator, "deadline": moment.isoformat()},
    )
    uow.commit()
    return DeadlineSet(campaign.code, indicator, title, moment.astimezone(zone), campaign.timezone)


def _find_indicator(session: Session, campaign: Campaign, number: str) -> Indicator:
    """A live indicator of the campaign by its number."""
    live = list(
        session.scalars(
            select(Indicator)
            .where(Indicator.campaign_id == campaign.id, Indicator.archived.is_(False))
            .order_by(Indicator.position)
        )
    )
    wanted = number.strip().rstrip(".、")
    for item in live:
        if item.number == wanted:
            return item
    numbers = "、".join(item.number for item in live) or texts.NONE_MARK
    raise ReminderError(texts.INDICATOR_NOT_FOUND.format(number=number, numbers=numbers))


def upcoming_rounds(
    uow: UnitOfWork, now: datetime, campaign_code: str | None = None, limit: int = 20
) -> list[UpcomingRound]:
    """The next rounds for units that owe now, soonest first (for `reminders list`)."""
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    zone = ZoneInfo(campaign.timezone)
    rules, quiet = campaign_rules(campaign), campaign_quiet_days(campaign)
    owing: dict[datetime, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for obligation in load_obligations(session, campaign):
        deadline = obligation.indicator.effective_deadline
        if deadline is not None and obligation_state(obligation, now).owed:
            owing[deadline][obligation.indicator.number].add(obligation.unit.name)
    found: dict[datetime, tuple[set[str], set[str], set[str]]] = {}
    for deadline, by_indicator in owing.items():
        for round_ in next_rounds(rules, [deadline], zone, now=now, quiet=quiet):
            rule_texts, numbers, units = found.setdefault(round_.due_at, (set(), set(), set()))
            rule_texts.add(round_.rule.text)
            numbers.update(by_indicator)
            for names in by_indicator.values():
                units.update(names)
    return [
        UpcomingRound(
            due_at=due_at.astimezone(zone),
            campaign=campaign.code,
            rules=tuple(sorted(rule_texts)),
            indicators=tuple(sorted(numbers, key=_number_key)),
            units=tuple(sorted(units)),
        )
        for due_at, (rule_texts, numbers, units) in sorted(found.items())[:limit]
    ]


def _number_key(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**6, number)


# --- pause and resume --------------------------------------------------------------------


def pause(uow: UnitOfWork, chat_id: int, *, actor: Actor) -> PauseResult:
    """Stop reminders to one group (coordinators only)."""
    return _set_paused(uow, chat_id, actor, paused=True)


def resume(uow: UnitOfWork, chat_id: int, *, actor: Actor) -> PauseResult:
    """Resume reminders to one group (coordinators only); paused rounds are not sent late."""
    return _set_paused(uow, chat_id, actor, paused=False)


def _set_paused(uow: UnitOfWork, chat_id: int, actor: Actor, *, paused: bool) -> PauseResult:
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == chat_id))
    if chat is None:
        raise ReminderError(texts.REMINDERS_CHAT_NOT_BOUND)
    chat.reminders_paused = paused
    _audit(session, actor, "pause" if paused else "resume", None, chat.unit_id, {"chat": chat_id})
    uow.commit()
    unit = chat.unit.name if chat.unit is not None else None
    return PauseResult(chat_id, chat.title, unit, paused)


def _require_coordinator(actor: Actor | None) -> None:
    """None is the operator at the terminal; a chat user must be a coordinator."""
    if actor is not None:
        require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)


def _audit(
    session: Session,
    actor: Actor | None,
    action: str,
    campaign_id: int | None,
    unit_id: int | None,
    detail: dict[str, Any],
) -> None:
    who = "cli" if actor is None else str(actor.user_id)
    session.add(
        AuditEvent(
            actor=who, action=action, campaign_id=campaign_id, unit_id=unit_id, detail=detail
        )
    )


# --- planning ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Destinations:
    """Where a unit's reminder goes: chats to message, and groups that asked for silence."""

    send: tuple[int, ...]
    paused: tuple[int, ...]


def plan_round(uow: UnitOfWork, now: datetime) -> list[DispatchPlan]:
    """Record every round now due for owing units of active campaigns; commits.

    Idempotent: rounds already in the ledger are left alone, so calling it again for the
    same `now`, after a restart, or from a second replica plans nothing new.
    """
    session = uow.session
    plans: list[DispatchPlan] = []
    campaigns = session.scalars(select(Campaign).where(Campaign.active.is_(True)))
    for campaign in list(campaigns):
        plans.extend(_plan_campaign(session, campaign, now))
    uow.commit()
    return plans


def _plan_campaign(session: Session, campaign: Campaign, now: datetime) -> list[DispatchPlan]:
    """Plan one campaign: per owing unit, at most one new message per check."""
    zone = ZoneInfo(campaign.timezone)
    rules, quiet = campaign_rules(campaign), campaign_quiet_days(campaign)
    since = now - CATCH_UP_HORIZON
    owed: dict[int, dict[datetime, list[str]]] = defaultdict(lambda: defaultdict(list))
    units: dict[int, Unit] = {}
    for obligation in load_obligations(session, campaign):
        deadline = obligation.indicator.effective_deadline
        if deadline is not None and obligation_state(obligation, now).owed:
            owed[obligation.unit_id][deadline.astimezone(UTC)].append(obligation.indicator.number)
            units[obligation.unit_id] = obligation.unit
    handled = _handled_instants(session, campaign.id, since)
    plans: list[DispatchPlan] = []
    reminded: dict[datetime, list[str]] = defaultdict(list)
    for unit_id, by_deadline in owed.items():
        rounds = [
            round_
            for deadline in by_deadline
            for round_ in due_rounds(rules, deadline, zone, now=now, since=since, quiet=quiet)
            if (unit_id, round_.due_at) not in handled
        ]
        if not rounds:
            continue
        unit_plans = _plan_unit(session, campaign, units[unit_id], rounds, by_deadline, now)
        plans.extend(unit_plans)
        for plan in unit_plans:
            if plan.status == "pending":
                reminded[plan.due_at].append(plan.unit)
    for due_at in reminded:
        _plan_digest(session, campaign, due_at)
    return plans


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
        if _insert(session, campaign.id, unit.id, NO_CHAT, rule, due_at, "skipped", "stale"):
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
            key=_number_key,
        )
    )
    destinations = _destinations(session, unit.id)
    plans: list[DispatchPlan] = []
    inserted = tuple(
        chat
        for chat in destinations.send
        if _insert(session, campaign.id, unit.id, chat, rule, due_at, "pending")
    )
    if inserted:
        plans.append(
            DispatchPlan(campaign.code, unit.name, rule, due_at, "pending", inserted, numbers)
        )
    silenced = tuple(
        chat
        for chat in destinations.paused
        if _insert(session, campaign.id, unit.id, chat, rule, due_at, "skipped", "paused")
    )
    if silenced:
        plans.append(
            DispatchPlan(
                campaign.code, unit.name, rule, due_at, "skipped", silenced, numbers, "paused"
            )
        )
    if not destinations.send and not destinations.paused:
        log.warning("unit %s has no group and no contact to remind", unit.name)
        if _insert(
            session, campaign.id, unit.id, NO_CHAT, rule, due_at, "failed", "no_destination"
        ):
            plans.append(
                DispatchPlan(
                    campaign.code, unit.name, rule, due_at, "failed", (), numbers, "no_destination"
                )
            )
    return plans


def _rule_at(rounds: list[Round], due_at: datetime) -> str:
    """The rule recorded for an instant: that of the earliest deadline due then."""
    return min((r for r in rounds if r.due_at == due_at), key=lambda r: r.deadline).rule.text


def _handled_instants(
    session: Session, campaign_id: int, since: datetime
) -> set[tuple[int, datetime]]:
    """(unit, due time) pairs already decided: one row at an instant covers every rule there."""
    rows = session.execute(
        select(ReminderDispatch.unit_id, ReminderDispatch.due_at).where(
            ReminderDispatch.campaign_id == campaign_id,
            ReminderDispatch.unit_id.is_not(None),
            ReminderDispatch.rule.not_in(SPECIAL_RULES),
            ReminderDispatch.due_at > since,
        )
    )
    return {(unit_id, due_at) for unit_id, due_at in rows if unit_id is not None}


def _destinations(session: Session, unit_id: int) -> _Destinations:
    """The unit's reachable groups; its contacts' private chats when it has none."""
    groups = list(
        session.scalars(
            select(Chat)
            .where(Chat.kind == "unit", Chat.unit_id == unit_id, Chat.unreachable.is_(False))
            .order_by(Chat.id)
        )
    )
    if groups:
        return _Destinations(
            send=tuple(c.telegram_chat_id for c in groups if not c.reminders_paused),
            paused=tuple(c.telegram_chat_id for c in groups if c.reminders_paused),
        )
    contacts = session.scalars(
        select(Contact.telegram_user_id)
        .where(Contact.unit_id == unit_id, Contact.active.is_(True))
        .order_by(Contact.id)
    )
    return _Destinations(send=tuple(contacts), paused=())


def _coordinator_chats(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(Chat.telegram_chat_id)
            .where(Chat.kind == "coordinator", Chat.unreachable.is_(False))
            .order_by(Chat.id)
        )
    )


def _plan_digest(session: Session, campaign: Campaign, due_at: datetime) -> None:
    """A digest row per coordinator group for this instant, once.

    Its unit is NULL, which unique keys treat as distinct, so this checks before inserting;
    planning runs under the dispatcher lock, so nobody else is checking at the same time.
    """
    for chat in _coordinator_chats(session):
        exists = session.scalar(
            select(ReminderDispatch.id).where(
                ReminderDispatch.campaign_id == campaign.id,
                ReminderDispatch.chat_id == chat,
                ReminderDispatch.rule == DIGEST_RULE,
                ReminderDispatch.due_at == due_at,
            )
        )
        if exists is None:
            session.add(
                ReminderDispatch(
                    campaign_id=campaign.id,
                    unit_id=None,
                    chat_id=chat,
                    rule=DIGEST_RULE,
                    due_at=due_at,
                )
            )
    session.flush()


def _insert(
    session: Session,
    campaign_id: int,
    unit_id: int,
    chat_id: int,
    rule: str,
    due_at: datetime,
    status: Status,
    error: str = "",
) -> bool:
    """Insert one ledger row unless its key exists; True when this call inserted it."""
    values = {
        "campaign_id": campaign_id,
        "unit_id": unit_id,
        "chat_id": chat_id,
        "rule": rule,
        "due_at": due_at,
        "status": status,
        "error": error,
        "attempts": 0,
        "created_at": datetime.now(UTC),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ReminderDispatch).values(**values).on_conflict_do_nothing()
    result = session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


# --- manual rounds -----------------------------------------------------------------------


async def remind_now(
    db: Database,
    sender: Sender,
    now: datetime,
    unit_name: str | None = None,
    *,
    actor: Actor,
    campaign_code: str | None = None,
) -> RemindResult:
    """一键催办: a round now to one unit, or to every unit that owes (coordinators only)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    with db.uow() as uow:
        reminded, nothing, unreached = _plan_manual(uow.session, now, unit_name, campaign_code)
        _audit(uow.session, actor, "remind", None, None, {"units": list(reminded)})
        uow.commit()
    report = await dispatch_pending(db, sender, now)
    return RemindResult(tuple(reminded), tuple(nothing), tuple(unreached), report)


def _plan_manual(
    session: Session, now: datetime, unit_name: str | None, campaign_code: str | None
) -> tuple[list[str], list[str], list[str]]:
    """Manual ledger rows (rule `manual`, due now) for owing units; who got none and why."""
    campaign = find_campaign(session, campaign_code)
    if unit_name:
        candidates = [find_unit(session, unit_name)]
    else:
        ids = {o.unit_id for o in load_obligations(session, campaign)}
        candidates = list(session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.id)))
    reminded: list[str] = []
    nothing: list[str] = []
    unreached: list[str] = []
    for unit in candidates:
        if not owe_report(session, campaign, unit, now).owed:
            nothing.append(unit.name)
            continue
        destinations = _destinations(session, unit.id)
        for chat in destinations.send:
            _insert(session, campaign.id, unit.id, chat, MANUAL_RULE, now, "pending")
        (reminded if destinations.send else unreached).append(unit.name)
    return reminded, nothing, unreached


# --- dispatching -------------------------------------------------------------------------

_PASS_LOCKS: WeakKeyDictionary[Database, threading.Lock] = WeakKeyDictionary()


@contextmanager
def dispatcher_lock(db: Database) -> Iterator[bool]:
    """Hold the right to dispatch: yields False when another pass or replica has it."""
    local = _PASS_LOCKS.setdefault(db, threading.Lock())
    if not local.acquire(blocking=False):
        yield False
        return
    try:
        if db.engine.dialect.name != "postgresql":
            yield True
            return
        # A session-level advisory lock lives on one connection; it is held for the whole
        # pass and released explicitly, since returning the connection to the pool would not.
        with db.engine.connect() as connection:
            held = bool(
                connection.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            )
            connection.commit()
            try:
                yield held
            finally:
                if held:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                    )
                    connection.commit()
    finally:
        local.release()


async def run_reminders(
    db: Database, sender: Sender, now: datetime, *, concurrency: int = CONCURRENCY
) -> DispatchReport:
    """One check: plan what is due, then send everything pending (the job's whole work)."""
    with dispatcher_lock(db) as held:
        if not held:
            log.info("another dispatcher is running; this check does nothing")
            return DispatchReport(locked_out=True)
        with db.uow() as uow:
            plan_round(uow, now)
        return await _dispatch(db, sender, now, concurrency=concurrency)


async def dispatch_pending(
    db: Database, sender: Sender, now: datetime, *, concurrency: int = CONCURRENCY
) -> DispatchReport:
    """Send every pending row due by `now`; rows left `sending` by a crash are sent again."""
    with dispatcher_lock(db) as held:
        if not held:
            log.info("another dispatcher is running; pending rows wait for it")
            return DispatchReport(locked_out=True)
        return await _dispatch(db, sender, now, concurrency=concurrency)


@dataclass(frozen=True)
class _Outgoing:
    row_id: int
    chat_id: int
    text: str


async def _dispatch(
    db: Database, sender: Sender, now: datetime, *, concurrency: int = CONCURRENCY
) -> DispatchReport:
    tally = _Tally(recovered=_recover_interrupted(db))
    gate = asyncio.Semaphore(concurrency)
    tried: set[int] = set()
    waiting_chats: set[int] = set()

    async def one(row_id: int, chat_id: int) -> None:
        async with gate:
            if chat_id in waiting_chats:
                return  # Telegram asked this chat to wait; the next check retries it
            # Database work runs in threads: blocking the event loop would bunch up the
            # requests the rate limiter spaced out, and Telegram would answer 429.
            outgoing, skipped = await asyncio.to_thread(_prepare, db, row_id, now)
            tally.skipped += skipped
            if outgoing is not None:
                await _send(db, sender, outgoing, now, tally, waiting_chats)

    # Unit messages first (fallbacks they cause join in), then digests, which report on them.
    for digests in (False, True):
        while batch := [r for r in _pending(db, now, digests=digests) if r[0] not in tried]:
            tried.update(row_id for row_id, _ in batch)
            await _all_or_none(one(row_id, chat_id) for row_id, chat_id in batch)
    report = tally.freeze()
    if report.sent or report.failed or report.retrying:
        log.info("reminders: %s", report)
    return report


async def _all_or_none(coroutines: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run them together; if one dies (cancelled, interrupted), stop the rest before re-raising,
    so no orphan keeps sending behind a pass that has ended (its rows stay `sending`)."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _recover_interrupted(db: Database) -> int:
    """Rows left `sending` by a pass that died: Telegram may not have them, so send again."""
    with db.uow() as uow:
        result = uow.session.execute(
            update(ReminderDispatch)
            .where(ReminderDispatch.status == "sending")
            .values(status="pending")
        )
        uow.commit()
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.warning("%s reminder(s) were interrupted mid-send; sending them again", count)
    return count


def _pending(db: Database, now: datetime, *, digests: bool) -> list[tuple[int, int]]:
    """(row id, chat) of pending rows due by `now`, oldest first."""
    kind = ReminderDispatch.rule == DIGEST_RULE
    with db.uow() as uow:
        rows = uow.session.execute(
            select(ReminderDispatch.id, ReminderDispatch.chat_id)
            .where(
                ReminderDispatch.status == "pending",
                ReminderDispatch.due_at <= now,
                kind if digests else ~kind,
            )
            .order_by(ReminderDispatch.due_at, ReminderDispatch.id)
        )
        return [(row_id, chat_id) for row_id, chat_id in rows]


def _prepare(db: Database, row_id: int, now: datetime) -> tuple[_Outgoing | None, bool]:
    """Compose the row's message and claim it (`sending`, committed); also: skipped or not."""
    with db.uow() as uow:
        session = uow.session
        row = session.get(ReminderDispatch, row_id)
        if row is None or row.status != "pending":
            return None, False
        chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == row.chat_id))
        message: str | None
        if row.rule == DIGEST_RULE:
            if _round_in_flight(session, row):
                return None, False  # the digest reports on the round, so it waits for it to finish
            message = _digest_text(session, row, now)
        elif row.rule == UNREACHABLE_RULE:
            message = _unreachable_text(session, row)
        else:
            if chat is not None and chat.reminders_paused:
                _finish(uow, row, "skipped", "paused")
                return None, True
            message = _reminder_text(session, row, now)
        if message is None:
            _finish(uow, row, "skipped", "delivered")
            return None, True
        # Claim: only one claimant can move it from pending (another pass, another replica).
        claimed = session.execute(
            update(ReminderDispatch)
            .where(ReminderDispatch.id == row_id, ReminderDispatch.status == "pending")
            .values(status="sending", attempts=ReminderDispatch.attempts + 1)
        )
        uow.commit()
        if not getattr(claimed, "rowcount", 0):
            return None, False
        return _Outgoing(row_id, row.chat_id, message), False


def _finish(uow: UnitOfWork, row: ReminderDispatch, status: Status, error: str = "") -> None:
    row.status = status
    row.error = error
    uow.commit()


async def _send(
    db: Database,
    sender: Sender,
    outgoing: _Outgoing,
    now: datetime,
    tally: _Tally,
    waiting_chats: set[int],
) -> None:
    """Send one claimed row and record the outcome at once (keeps the duplicate window small)."""
    try:
        message_id = await sender.send(outgoing.chat_id, outgoing.text)
    except ChatUnreachable as error:
        _mark_unreachable(db, outgoing.row_id, str(error))
        tally.failed += 1
        tally.unreachable.append(outgoing.chat_id)
    except RetryLater as error:
        waiting_chats.add(outgoing.chat_id)
        if _mark_retry(db, outgoing.row_id, str(error)):
            tally.retrying += 1
        else:
            tally.failed += 1
    except MessageRejected as error:
        _mark(db, outgoing.row_id, status="failed", error=f"rejected: {error}")
        tally.failed += 1
    except Exception as error:  # a bug must not stop the other messages of the round
        log.exception("sending reminder %s failed", outgoing.row_id)
        _mark(db, outgoing.row_id, status="failed", error=f"error: {error!r}")
        tally.failed += 1
    else:
        await _record_sent(db, outgoing.row_id, message_id, now)
        tally.sent += 1


async def _record_sent(db: Database, row_id: int, message_id: int, now: datetime) -> None:
    """Record what Telegram already has, at once and even if the pass is being cancelled:
    the time between Telegram's answer and this commit is the only duplicate window."""
    # In a thread, so the event loop keeps the rate limiter's spacing; shielded and awaited
    # to the end, so a cancellation cannot drop a commit for a message that went out.
    recording = asyncio.ensure_future(
        asyncio.to_thread(
            _mark, db, row_id, status="sent", message_id=message_id, sent_at=now, error=""
        )
    )
    try:
        await asyncio.shield(recording)
    except asyncio.CancelledError:
        await recording
        raise


def _mark(db: Database, row_id: int, **values: Any) -> None:
    with db.uow() as uow:
        uow.session.execute(
            update(ReminderDispatch).where(ReminderDispatch.id == row_id).values(**values)
        )
        uow.commit()


def _mark_retry(db: Database, row_id: int, error: str) -> bool:
    """Back to pending for the next check, or failed after MAX_ATTEMPTS; True if retrying."""
    with db.uow() as uow:
        row = uow.session.get(ReminderDispatch, row_id)
        assert row is not None  # noqa: S101 - rows are never deleted
        retrying = row.attempts < MAX_ATTEMPTS
        row.status = "pending" if retrying else "failed"
        row.error = f"retry: {error}"
        uow.commit()
    return retrying


def _mark_unreachable(db: Database, row_id: int, error: str) -> None:
    """403: remember the chat is gone, fall back to private chats, tell the coordinators."""
    with db.uow() as uow:
        session = uow.session
        row = session.get(ReminderDispatch, row_id)
        assert row is not None  # noqa: S101 - rows are never deleted
        row.status = "failed"
        row.error = f"unreachable: {error}"
        chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == row.chat_id))
        if chat is not None:
            chat.unreachable = True
            log.warning("chat %s (%s) is unreachable: %s", chat.telegram_chat_id, chat.title, error)
        if chat is not None and chat.kind == "unit" and row.unit_id is not None:
            session.flush()
            _fall_back(session, row)
        session.add(
            AuditEvent(
                actor="bot",
                action="chat_unreachable",
                campaign_id=row.campaign_id,
                unit_id=row.unit_id,
                detail={"chat": row.chat_id},
            )
        )
        uow.commit()


def _fall_back(session: Session, row: ReminderDispatch) -> None:
    """The same round to the unit's other destinations, and a notice to the coordinators."""
    assert row.unit_id is not None  # noqa: S101 - checked by the caller
    for chat_id in _destinations(session, row.unit_id).send:
        _insert(session, row.campaign_id, row.unit_id, chat_id, row.rule, row.due_at, "pending")
    for chat_id in _coordinator_chats(session):
        _insert(
            session, row.campaign_id, row.unit_id, chat_id, UNREACHABLE_RULE, row.due_at, "pending"
        )


def _round_in_flight(session: Session, digest: ReminderDispatch) -> bool:
    """Whether unit messages of the digest's round are still pending or being sent."""
    found = session.scalar(
        select(ReminderDispatch.id).where(
            ReminderDispatch.campaign_id == digest.campaign_id,
            ReminderDispatch.due_at == digest.due_at,
            ReminderDispatch.unit_id.is_not(None),
            ReminderDispatch.rule.not_in(SPECIAL_RULES),
            ReminderDispatch.status.in_(("pending", "sending")),
        )
    )
    return found is not None


# --- texts -------------------------------------------------------------------------------


def escape(value: str) -> str:
    return html.escape(value, quote=False)


def _reminder_text(session: Session, row: ReminderDispatch, now: datetime) -> str | None:
    """Everything the unit owes now, in one message; None when it owes nothing any more."""
    campaign = session.get(Campaign, row.campaign_id)
    unit = session.get(Unit, row.unit_id) if row.unit_id is not None else None
    if campaign is None or unit is None:
        return None
    report = owe_report(session, campaign, unit, now)
    if not report.owed:
        return None
    zone = ZoneInfo(campaign.timezone)
    header = texts.REMINDER_MANUAL_HEADER if row.rule == MANUAL_RULE else texts.REMINDER_HEADER
    head = [
        header.format(unit=escape(unit.name)),
        texts.REMINDER_INTRO.format(campaign=escape(campaign.title), owed=len(report.owed)),
    ]
    blocks = [owed_item_lines(item, now, zone, escape) for item in report.owed]
    return _fit(head, blocks, [texts.REMINDER_FOOTER])


def _fit(head: list[str], blocks: list[list[str]], tail: list[str]) -> str:
    """Head, as many item blocks as fit in one message, a "more" line, and the tail."""
    lines = list(head)
    room = MESSAGE_LIMIT - sum(len(line) + 1 for line in (*head, *tail)) - 80
    for index, block in enumerate(blocks):
        size = sum(len(line) + 1 for line in block)
        if size > room:
            lines.append(texts.REMINDER_MORE.format(more=len(blocks) - index))
            break
        lines.extend(block)
        room -= size
    lines.extend(tail)
    return "\n".join(lines)


def _names(names: Sequence[str]) -> str:
    """Names joined with 、, cut short with a count so a digest of 1,000 units still fits."""
    shown: list[str] = []
    length = 0
    for name in names:
        if length + len(name) > NAMES_LIMIT:
            return texts.DIGEST_AND_MORE.format(
                names="、".join(escape(n) for n in shown), count=len(names)
            )
        shown.append(name)
        length += len(name) + 1
    return "、".join(escape(n) for n in shown)


def _digest_text(session: Session, digest: ReminderDispatch, now: datetime) -> str:
    """Who was reminded at this instant, who could not be, who is paused, who is overdue."""
    campaign = session.get(Campaign, digest.campaign_id)
    assert campaign is not None  # noqa: S101 - cascades delete the digest with it
    zone = ZoneInfo(campaign.timezone)
    rows = session.execute(
        select(ReminderDispatch.status, ReminderDispatch.error, Unit.name)
        .join(Unit, Unit.id == ReminderDispatch.unit_id)
        .where(
            ReminderDispatch.campaign_id == campaign.id,
            ReminderDispatch.due_at == digest.due_at,
            ReminderDispatch.rule.not_in(SPECIAL_RULES),
        )
        .order_by(Unit.id)
    ).all()
    sent = list(dict.fromkeys(name for status, _, name in rows if status == "sent"))
    missed = [
        name
        for name in dict.fromkeys(name for status, _, name in rows if status == "failed")
        if name not in sent
    ]
    paused = list(dict.fromkeys(name for _, error, name in rows if error == "paused"))
    overdue = sorted(
        {
            o.unit.name
            for o in load_obligations(session, campaign)
            if obligation_state(o, now).overdue
        }
    )
    lines = [
        texts.DIGEST_HEADER.format(
            campaign=escape(campaign.title),
            when=digest.due_at.astimezone(zone).strftime(texts.REMINDER_TIME_FORMAT),
        ),
        texts.DIGEST_REMINDED.format(count=len(sent), units=_names(sent) or texts.NONE_MARK),
    ]
    if missed:
        lines.append(texts.DIGEST_MISSED.format(count=len(missed), units=_names(missed)))
    if paused:
        lines.append(texts.DIGEST_PAUSED.format(units=_names(paused)))
    lines.append(
        texts.DIGEST_OVERDUE.format(count=len(overdue), units=_names(overdue))
        if overdue
        else texts.DIGEST_NO_OVERDUE
    )
    return "\n".join(lines)


def _unreachable_text(session: Session, row: ReminderDispatch) -> str:
    """Tell the coordinators a unit's group is gone and where its reminders go instead."""
    unit = session.get(Unit, row.unit_id) if row.unit_id is not None else None
    name = unit.name if unit is not None else texts.NONE_MARK
    titles = session.scalars(
        select(Chat.title).where(Chat.unit_id == row.unit_id, Chat.unreachable.is_(True))
    )
    contacts = len(_destinations(session, row.unit_id).send) if row.unit_id is not None else 0
    fallback = (
        texts.UNREACHABLE_FALLBACK.format(count=contacts)
        if contacts
        else texts.UNREACHABLE_NO_FALLBACK
    )
    return texts.UNREACHABLE_NOTICE.format(
        unit=escape(name),
        groups=escape("、".join(t or texts.NONE_MARK for t in titles)),
        fallback=fallback,
    )
