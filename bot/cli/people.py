"""People commands: invite, people, revoke, role."""

from __future__ import annotations

import argparse
from datetime import timedelta

from bot import texts
from bot.cli.common import OPERATOR, now_of, open_database
from bot.config import Settings
from bot.services.onboarding import create_invite
from bot.services.people import list_people, revoke, set_role
from bot.wording import plain
from bot.wording.onboarding import invite_text
from bot.wording.people import people_text, revoked_text, role_text


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    hours = args.hours or settings.invite_ttl_hours
    target = texts.COORDINATOR_INVITE_WORDS[0] if args.coordinator else args.unit
    created = database.run(
        create_invite, OPERATOR, target, now=now_of(args), ttl=timedelta(hours=hours)
    )
    username = settings.bot_username or _bot_username(settings) or "your_bot"
    print(invite_text(created, username, hours, plain))
    return 0


def _bot_username(settings: Settings) -> str:
    """Ask Telegram (getMe) for the bot's username; empty when offline."""
    if not settings.telegram_bot_token:
        return ""
    import httpx  # local: only this command talks to Telegram directly

    try:
        answer = httpx.get(
            f"{settings.telegram_base_url}{settings.telegram_bot_token}/getMe", timeout=10
        ).json()
    except (httpx.HTTPError, ValueError):
        return ""
    return str(answer.get("result", {}).get("username", ""))


def cmd_people(args: argparse.Namespace, settings: Settings) -> int:
    people = open_database(settings).run(list_people, OPERATOR, now_of(args))
    print(people_text(people, settings.tz))
    return 0


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    revoked = open_database(settings).run(revoke, OPERATOR, args.target, now_of(args))
    print(revoked_text(revoked))
    return 0


def cmd_role(args: argparse.Namespace, settings: Settings) -> int:
    changed = open_database(settings).run(set_role, OPERATOR, args.target, args.role)
    print(role_text(changed))
    return 0
