"""/people, /revoke and /role: who may do what, from chat (coordinators)."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import TelegramError

from bot.services.people import list_people, revoke, set_role
from bot.wording import html_escape
from bot.wording.people import people_text, revoked_notice, revoked_text, role_text
from handlers import render
from handlers.common import reply_parts
from handlers.context import BotContext


async def show_people(update: Update, context: BotContext) -> None:
    """/people: coordinators, contacts by unit, bound groups and open invites."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    people = await context.act(update, list_people, context.now())
    text = people_text(people, context.settings.tz, html_escape)
    await reply_parts(message, render.split_message(text))


async def revoke_power(update: Update, context: BotContext) -> None:
    """/revoke TARGET: a person, an invite or a group's binding; the person is told."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    target = " ".join(context.args or [])
    revoked = await context.act(update, revoke, target, context.now())
    # They may never have opened a private chat with the bot: the revocation stands anyway.
    if revoked.told is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(revoked.told, revoked_notice(revoked, html_escape))
    await message.reply_text(revoked_text(revoked, html_escape))


async def change_role(update: Update, context: BotContext) -> None:
    """/role TARGET 协调人|联系人."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    *target, role = context.args or [""]
    changed = await context.act(update, set_role, " ".join(target), role)
    await message.reply_text(role_text(changed, html_escape))
