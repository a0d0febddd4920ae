"""A typed context: handlers reach the database, settings and file store through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.db import Database
from bot.services.uploads import MatcherCache
from bot.storage import FileStore

RUNTIME_KEY = "runtime"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Handles to the outside world: no conversation state lives here (that is in the database)."""

    settings: Settings
    db: Database
    store: FileStore
    matchers: MatcherCache
    clock: Callable[[], datetime] = field(default=_utcnow)
    bot_username: str = ""


class BotContext(CallbackContext[ExtBot[None], dict, dict, dict]):  # type: ignore[type-arg]
    """PTB's context plus typed access to the runtime."""

    @property
    def runtime(self) -> Runtime:
        return runtime(self.application)

    @property
    def db(self) -> Database:
        return self.runtime.db

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def now(self) -> datetime:
        return self.runtime.clock()


def runtime(application: Application) -> Runtime:  # type: ignore[type-arg]
    """The runtime of an application built by handlers.app.build_application."""
    found = application.bot_data[RUNTIME_KEY]
    assert isinstance(found, Runtime)  # noqa: S101 - a programming error, not user input
    return found
