"""Invites, welcomes and group bindings, as text."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.services.onboarding import BindAmbiguous, Bound, InviteCreated, Welcome
from bot.wording import Escape, plain
from bot.wording.owe import owe_text
from bot.wording.templates import welcome_line


def welcome_text(welcome: Welcome, now: datetime, escape: Escape = plain) -> str:
    """/start: a greeting by role; a new contact also sees what the unit owes."""
    if welcome.unit is None:
        return texts.WELCOME_COORDINATOR.format(name=escape(welcome.name))
    if welcome.already:
        return texts.ALREADY_REGISTERED.format(unit=escape(welcome.unit))
    greeting = texts.WELCOME_CONTACT.format(name=escape(welcome.name), unit=escape(welcome.unit))
    if welcome.report is None:
        return greeting
    text = greeting + "\n\n" + owe_text(welcome.report, now, escape)
    return "\n\n".join(filter(None, [text, welcome_line(welcome.templates, escape)]))


def invite_text(
    created: InviteCreated, bot_username: str, hours: int, escape: Escape = plain
) -> str:
    """The single-use link and whom it is for."""
    who = (
        texts.INVITE_WHO_COORDINATOR
        if created.unit is None
        else texts.INVITE_WHO_UNIT.format(unit=escape(created.unit))
    )
    return texts.INVITE_CREATED.format(who=who, hours=hours, link=created.link(bot_username))


def bind_text(outcome: Bound | BindAmbiguous, escape: Escape = plain) -> str:
    """The group's new binding, or the question which unit was meant."""
    if isinstance(outcome, BindAmbiguous):
        return texts.BIND_CHOOSE.format(written=escape(outcome.written))
    if outcome.kind == "coordinator":
        return texts.BIND_DONE_COORDINATOR
    return texts.BIND_DONE_UNIT.format(unit=escape(outcome.unit or ""))


def unbind_text(done: bool) -> str:
    return texts.UNBIND_DONE if done else texts.UNBIND_NOTHING
