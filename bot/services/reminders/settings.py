"""Reminder settings as campaign data: rules, quiet days, deadlines, paused groups, and the
rounds they make. Changing any of them is for coordinators (and the operator at the CLI).

Nothing else needs doing after a change: which rounds are due is computed from the
database at every check (plan.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, Chat, Indicator
from bot.refusals import Refusal
from bot.reminder_results import DeadlineSet, PauseResult, RulesSet, UpcomingRound
from bot.schedule import (
    DEFAULT_RULES,
    QuietDays,
    ReminderRule,
    RuleError,
    next_rounds,
    parse_rules,
)
from bot.services.access import Actor, require_coordinator, require_known
from bot.services.audit import audit
from bot.services.campaigns import find_campaign
from bot.services.obligations import load_obligations, obligation_state

log = logging.getLogger(__name__)


class ReminderError(Refusal):
    """A reminder request that cannot be carried out; the sentence is for the user."""


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
    """Official quiet days plus the campaign's own dates, less its own working days (调休上班日
    listed in its 活动设置 sheet: a weekend the county works gets its reminders)."""
    return QuietDays.from_iso(campaign.quiet_dates, campaign.extra_workdays)


def number_key(number: str) -> tuple[int, str]:
    """Indicator numbers in their natural order (2 before 10)."""
    return (int(number), "") if number.isdigit() else (10**6, number)


# --- rules -----------------------------------------------------------------------------------


def set_rules(
    uow: UnitOfWork, actor: Actor, rules: Sequence[str], campaign_code: str | None = None
) -> RulesSet:
    """Replace the campaign's reminder rules; RuleError explains a rule it cannot read."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    parsed = parse_rules(list(rules))
    if not parsed:
        raise RuleError(texts.RULES_EMPTY, default=DEFAULT_RULES)
    campaign = find_campaign(uow.session, campaign_code)
    campaign.reminder_rules = [rule.text for rule in parsed]
    audit(
        uow.session, actor, "reminder_rules", campaign_id=campaign.id, rules=campaign.reminder_rules
    )
    uow.commit()
    return RulesSet(campaign.code, tuple(campaign.reminder_rules))


@read_only
def current_rules(uow: UnitOfWork, actor: Actor, campaign_code: str | None = None) -> RulesSet:
    """The rules in force for the campaign (anyone registered may read them)."""
    require_known(uow, actor)
    campaign = find_campaign(uow.session, campaign_code)
    return RulesSet(campaign.code, tuple(rule.text for rule in campaign_rules(campaign)))


# --- deadlines -------------------------------------------------------------------------------


def set_deadline(
    uow: UnitOfWork,
    actor: Actor,
    when: datetime,
    indicator: str | None = None,
    campaign_code: str | None = None,
) -> DeadlineSet:
    """Move the campaign's deadline, or one indicator's; a naive time is campaign-local."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
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
    audit(
        session,
        actor,
        "deadline",
        campaign_id=campaign.id,
        indicator=indicator,
        deadline=moment.isoformat(),
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
    raise ReminderError(texts.INDICATOR_NOT_FOUND, number=number, numbers=numbers)


# --- the rounds to come ----------------------------------------------------------------------


@read_only
def upcoming_rounds(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    campaign_code: str | None = None,
    limit: int = 20,
) -> list[UpcomingRound]:
    """The next rounds for units that owe now, soonest first (for `reminders list`)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    zone = ZoneInfo(campaign.timezone)
    rules, quiet = campaign_rules(campaign), campaign_quiet_days(campaign)
    owing: dict[datetime, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for obligation in load_obligations(session, campaign):
        deadline = obligation.effective_deadline
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
            indicators=tuple(sorted(numbers, key=number_key)),
            units=tuple(sorted(units)),
        )
        for due_at, (rule_texts, numbers, units) in sorted(found.items())[:limit]
    ]


# --- pause and resume ------------------------------------------------------------------------


def pause(uow: UnitOfWork, actor: Actor) -> PauseResult:
    """Stop reminders to the group the actor is in (coordinators only)."""
    return _set_paused(uow, actor, paused=True)


def resume(uow: UnitOfWork, actor: Actor) -> PauseResult:
    """Resume reminders to the actor's group; rounds missed while paused are not sent late."""
    return _set_paused(uow, actor, paused=False)


def _set_paused(uow: UnitOfWork, actor: Actor, *, paused: bool) -> PauseResult:
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == actor.chat_id))
    if chat is None:
        raise ReminderError(texts.REMINDERS_CHAT_NOT_BOUND)
    chat.reminders_paused = paused
    audit(session, actor, "pause" if paused else "resume", unit_id=chat.unit_id, chat=actor.chat_id)
    uow.commit()
    unit = chat.unit.name if chat.unit is not None else None
    return PauseResult(actor.chat_id, chat.title, unit, paused)
