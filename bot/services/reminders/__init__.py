"""Deadline reminders: rules and deadlines as campaign data, rounds planned into a ledger,
each ledger row sent at most once.

- settings: rules, quiet days, deadlines, pause/resume, the rounds to come
- plan: which rounds are due (into the ledger), 一键催办, a dry run
- messages: what a ledger row says when its turn comes (result objects)
- ledger: the ReminderDispatch rows and the exactly-once story
- dispatch: the dispatcher lock, a pass, and the `Sender` port

The words are bot.wording.reminders'; the result objects are bot.reminder_results'.
"""

from bot.reminder_results import (
    DeadlineSet,
    DigestMessage,
    DispatchReport,
    ManualRound,
    Outgoing,
    PauseResult,
    ReminderMessage,
    RoundPreview,
    RulesSet,
    UnreachableNotice,
    UpcomingRound,
)
from bot.services.reminders.dispatch import (
    ADVISORY_LOCK_KEY,
    CONCURRENCY,
    ChatUnreachable,
    MessageRejected,
    RetryLater,
    Sender,
    dispatch_pending,
    dispatcher_lock,
    run_reminders,
)
from bot.services.reminders.ledger import (
    DIGEST_RULE,
    MANUAL_RULE,
    MAX_ATTEMPTS,
    NO_CHAT,
    UNREACHABLE_RULE,
)
from bot.services.reminders.plan import (
    CATCH_UP_HORIZON,
    DispatchPlan,
    plan_manual_round,
    plan_round,
    preview_round,
)
from bot.services.reminders.settings import (
    ReminderError,
    campaign_quiet_days,
    campaign_rules,
    current_rules,
    pause,
    resume,
    set_deadline,
    set_rules,
    upcoming_rounds,
)

__all__ = [
    "ADVISORY_LOCK_KEY",
    "CATCH_UP_HORIZON",
    "CONCURRENCY",
    "DIGEST_RULE",
    "MANUAL_RULE",
    "MAX_ATTEMPTS",
    "NO_CHAT",
    "UNREACHABLE_RULE",
    "ChatUnreachable",
    "DeadlineSet",
    "DigestMessage",
    "DispatchPlan",
    "DispatchReport",
    "ManualRound",
    "MessageRejected",
    "Outgoing",
    "PauseResult",
    "ReminderError",
    "ReminderMessage",
    "RetryLater",
    "RoundPreview",
    "RulesSet",
    "Sender",
    "UnreachableNotice",
    "UpcomingRound",
    "campaign_quiet_days",
    "campaign_rules",
    "current_rules",
    "dispatch_pending",
    "dispatcher_lock",
    "pause",
    "plan_manual_round",
    "plan_round",
    "preview_round",
    "resume",
    "run_reminders",
    "set_deadline",
    "set_rules",
    "upcoming_rounds",
]
