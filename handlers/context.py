"""A typed context: handlers reach the database, settings and file store through it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Concatenate, ParamSpec, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.db import Database, Service, UnitOfWork
from bot.services.access import Actor, Identity, as_actor
from bot.services.uploads import MatcherCache
from bot.storage import FileStore
from bot.throttle import Throttle

RUNTIME_KEY = "runtime"

P = ParamSpec("P")
T = TypeVar("T")


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
    # Where workbooks, zips and Word drafts are built: a pool of processes in the bot (a
    # thread building a 10,000-row workbook would hold the GIL the event loop needs), threads
    # when None (tests, benchmarks that say so).
    documents: Executor | None = None
    # Files per unit per window (UPLOAD_BURST / UPLOAD_WINDOW_SECONDS): transient counts in
    # this process's memory, see bot/throttle.py for why. Built from the settings.
    throttle: Throttle = field(init=False)

    def __post_init__(self) -> None:
        self.throttle = Throttle(self.settings.upload_burst, self.settings.upload_window_seconds)


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

    async def call(self, service: Service[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a use case in a worker thread, in its own unit of work, and return its result.

        The transaction is closed before this returns, so no reply is ever awaited inside
        one; a `Refusal` propagates to the application's error path, which answers it.
        """
        return await asyncio.to_thread(self.db.run, service, *args, **kwargs)

    async def act(
        self,
        update: Update,
        service: Callable[Concatenate[UnitOfWork, Actor, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`call`, for the update's sender: the service receives their `Actor` and decides
        what they may do (handlers hold no permission rules)."""
        return await self.call(as_actor(identity_of(update), service), *args, **kwargs)

    async def build(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Build a document (workbook, zip, Word draft) in the document processes: `work` and
        its arguments must be picklable (top-level functions, result objects, paths)."""
        if self.runtime.documents is None:
            return await asyncio.to_thread(work, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.runtime.documents, partial(work, *args, **kwargs))

    async def compute(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run slow work that needs no database (a workbook, a zip) off the event loop."""
        return await asyncio.to_thread(work, *args, **kwargs)


def identity_of(update: Update) -> Identity:
    """Who sent the update, in which chat."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None  # noqa: S101 - filters guarantee both
    return Identity(user.id, chat.id, chat.type == "private", user.full_name)


def runtime(application: Application) -> Runtime:  # type: ignore[type-arg]
    """The runtime of an application built by handlers.app.build_application."""
    found = application.bot_data[RUNTIME_KEY]
    assert isinstance(found, Runtime)  # noqa: S101 - a programming error, not user input
    return found
