"""Refusals as text: a catalog sentence with its fields, or a longer account where one is due.

Both the bot's error path and the CLI answer a refusal through `refusal_text`, so they say
the same thing (escaped for Telegram, plain on the terminal).
"""

from __future__ import annotations

from bot.refusals import Refusal
from bot.services.campaigns import StrictImportRefused
from bot.wording import Escape, plain
from bot.wording.imports import strict_refusal_text


def refusal_text(refusal: Refusal, escape: Escape = plain) -> str:
    if isinstance(refusal, StrictImportRefused):
        return strict_refusal_text(refusal.text, refusal.fields["names"], escape)
    return refusal.sentence(escape)
