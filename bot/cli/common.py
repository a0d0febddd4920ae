"""What every command shares: the database, the pretend clock, argument types, JSON out."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from typing import Any

from bot.config import Settings
from bot.db import Database
from bot.services.access import Actor

# The operator at the server's shell may do what a coordinator may (DESIGN.md).
OPERATOR = Actor.operator()


def open_database(settings: Settings) -> Database:
    """The configured database, migrated to the newest schema."""
    database = Database(settings.database_url)
    database.migrate()
    return database


def now_of(args: argparse.Namespace) -> datetime:
    return args.now or datetime.now(UTC)


def print_json(document: Any) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2))


def aware_datetime(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def deadline_arg(text: str) -> date | datetime:
    parsed = datetime.fromisoformat(text)
    return parsed if "T" in text or " " in text else parsed.date()
