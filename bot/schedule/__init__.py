"""Reminder rules and what is due: pure functions of deadlines, a timezone and an injected `now`.

Three parts: `rules` (the grammar and `ReminderRule`), `workdays` (quiet days: the official
calendar with 调休 plus a campaign's own dates) and `rounds` (due and missed rounds, time
left). Callers import from `bot.schedule`; the names below are its public surface.
"""

from bot.schedule.rounds import (
    DEFAULT_GRACE,
    CatchUp,
    Round,
    days_left,
    describe_time_left,
    due_rounds,
    is_still_useful,
    next_rounds,
    plan_catch_up,
    rounds_for,
)
from bot.schedule.rules import (
    DEFAULT_RULES,
    MAX_REPEAT,
    MAX_RULE_DAYS,
    WORKDAY_MORNING,
    ReminderRule,
    RuleError,
    RuleKind,
    parse_rule,
    parse_rules,
)
from bot.schedule.workdays import MAX_QUIET_RUN, QuietDays

__all__ = [
    "DEFAULT_GRACE",
    "DEFAULT_RULES",
    "MAX_QUIET_RUN",
    "MAX_REPEAT",
    "MAX_RULE_DAYS",
    "WORKDAY_MORNING",
    "CatchUp",
    "QuietDays",
    "ReminderRule",
    "Round",
    "RuleError",
    "RuleKind",
    "days_left",
    "describe_time_left",
    "due_rounds",
    "is_still_useful",
    "next_rounds",
    "parse_rule",
    "parse_rules",
    "plan_catch_up",
    "rounds_for",
]
