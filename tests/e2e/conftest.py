"""The real bot, built by handlers.app.build_application, against our Bot API emulator.

Tests drive it as people would: users write to the bot, upload files and press buttons in the
emulator; assertions read what those people see (plain text and buttons of the bot's messages).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.db import Database
from bot.models import Submission
from bot.services.onboarding import ensure_coordinator
from bot.services.uploads import MatcherCache
from bot.storage import FileStore
from emulator import BotApiEmulator, EmuChat, EmuMessage, EmuUser
from emulator.running import start_application
from handlers.app import build_application
from handlers.context import Runtime
from tests.conftest import SEED_NOW

TOKEN = "123456789:TEST-e2e-token"
BOT_USERNAME = "yingjian_bot"
DEEP_LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=(?P<token>[A-Za-z0-9_-]+)")
REPLY_TIMEOUT = 10.0


@dataclass
class Clock:
    """The bot's idea of now; tests move it."""

    now: datetime = SEED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Bot:
    """The running bot, its emulated Telegram, and the people in it."""

    emu: BotApiEmulator
    runtime: Runtime
    clock: Clock
    settings: Settings
    application: Any = None
    _stop: Callable[[], Awaitable[None]] | None = None
    coordinator: EmuUser | None = None
    contacts: dict[str, EmuUser] = field(default_factory=dict)

    # ----- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self.application = build_application(self.settings, self.runtime)
        self._stop = await start_application(self.application)

    async def stop(self) -> None:
        if self._stop is not None:
            stop, self._stop = self._stop, None
            await stop()

    async def restart(self) -> None:
        """Stop the application and start a brand-new one on the same database and emulator."""
        await self.stop()
        await self.start()

    @property
    def db(self) -> Database:
        return self.runtime.db

    # ----- people --------------------------------------------------------------------------

    def person(self, name: str) -> EmuUser:
        return self.emu.add_user(name)

    async def add_coordinator(self, name: str = "协调员") -> EmuUser:
        """The first coordinator, registered directly (as the CLI's --coordinator would)."""
        user = self.emu.add_user(name)
        with self.db.uow() as uow:
            ensure_coordinator(uow, user_id=user.id, display_name=name)
        await self.say(user, user, "/start")
        if self.coordinator is None:
            self.coordinator = user
        return user

    async def invite_link(self, unit: str, by: EmuUser | None = None) -> str:
        """A coordinator types /invite UNIT in private; the deep link from the bot's reply."""
        coordinator = by or self.coordinator
        assert coordinator is not None
        [reply] = await self.say(coordinator, coordinator, f"/invite {unit}")
        found = DEEP_LINK.search(reply.plain_text or "")
        assert found, reply.plain_text
        return found["token"]

    async def add_contact(self, unit: str, name: str | None = None) -> EmuUser:
        """Invite a contact through the product and let them tap the link."""
        token = await self.invite_link(unit)
        user = self.emu.add_user(name or f"{unit}联络员")
        await self.say(user, user, f"/start {token}")
        self.contacts[unit] = user
        return user

    async def group(self, title: str, members: list[EmuUser], bind: str | None = None) -> EmuChat:
        """A group with the bot in it; optionally bound by the coordinator with /bind."""
        assert self.coordinator is not None
        chat = self.emu.add_group(title, [self.coordinator, *members])
        if bind is not None:
            [reply] = await self.say(self.coordinator, chat, f"/bind {bind}")
            assert "已" in (reply.plain_text or ""), reply.plain_text
        return chat

    # ----- talking ---------------------------------------------------------------------------

    async def say(
        self, user: EmuUser, chat: EmuChat | EmuUser, text: str, count: int = 1
    ) -> list[EmuMessage]:
        """`user` types `text` in `chat`; the bot's next `count` messages there."""
        self.emu.send_text(user, chat, text)
        return await self.emu.wait_for_messages(chat, count, timeout=REPLY_TIMEOUT)

    async def upload(
        self, user: EmuUser, chat: EmuChat | EmuUser, filename: str, data: bytes, **options: Any
    ) -> EmuMessage:
        """`user` sends a document; the bot's reply."""
        self.emu.send_document(user, chat, filename, data, **options)
        [reply] = await self.emu.wait_for_messages(chat, timeout=REPLY_TIMEOUT)
        return reply

    async def press(self, user: EmuUser, message: EmuMessage, button: str | int) -> EmuMessage:
        """`user` presses a button; the message once the bot has edited it (or its reply)."""
        before = len(message.history)
        chat = message.chat
        mark = self.emu.mark()
        query = self.emu.press_button(user, message, button)
        await self.emu.wait_for_answer(query, timeout=REPLY_TIMEOUT)

        def outcome() -> EmuMessage | None:
            if len(message.history) > before:
                return message
            new = self.emu.messages_in(chat, after=mark)
            return new[-1] if new else None

        found = await self.emu.wait_for(outcome, timeout=REPLY_TIMEOUT, description="the edit")
        if found is not message:
            await self.emu.wait_for_messages(chat, timeout=0)  # move the cursor past it
        return found

    async def silence(self, chat: EmuChat | EmuUser) -> list[EmuMessage]:
        """Let the bot finish its work; whatever it said in `chat` that was not read yet."""
        await self.emu.settle(quiet=0.15)
        try:
            return await self.emu.wait_for_messages(chat, timeout=0)
        except TimeoutError:
            return []

    # ----- what ended up stored ------------------------------------------------------------

    def submissions(self, *, live: bool = True) -> list[Submission]:
        with self.db.uow() as uow:
            query = select(Submission).order_by(Submission.id)
            if live:
                query = query.where(Submission.withdrawn_at.is_(None))
            rows = list(uow.session.scalars(query))
            uow.session.expunge_all()
            return rows

    def stored_bytes(self, submission: Submission) -> bytes:
        return self.runtime.store.path_for(submission.storage_key).read_bytes()


def text_of(messages: list[EmuMessage]) -> str:
    """Everything the bot said, joined as a person would read it."""
    return "\n".join(m.shown_text for m in messages)


def button_texts(message: EmuMessage) -> list[str]:
    return [b.text for b in message.buttons]


BotFactory = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def start_bot(tmp_path: Path) -> AsyncIterator[BotFactory]:
    """Start the real bot on a database (and optionally a running emulator); stopped after."""
    started: list[Bot] = []
    emulators: list[BotApiEmulator] = []

    async def start(database: Database, **settings: Any) -> Bot:
        # TELEGRAM_LOCAL_MODE means a local Bot API server: the emulator plays one.
        local = bool(settings.get("telegram_local_mode"))
        emu = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME, local_mode=local)
        await emu.start()
        emulators.append(emu)
        config = Settings(
            telegram_bot_token=emu.token,
            telegram_base_url=emu.base_url,
            telegram_base_file_url=emu.base_file_url,
            storage_dir=tmp_path / "files",
            database_url=str(database.engine.url.render_as_string(hide_password=False)),
            **settings,
        )
        clock = Clock()
        runtime = Runtime(
            settings=config,
            db=database,
            store=FileStore(config.storage_dir),
            matchers=MatcherCache(config.glossary_file),
            clock=clock,
        )
        bot = Bot(emu=emu, runtime=runtime, clock=clock, settings=config)
        await bot.start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        await bot.stop()
    for emu in emulators:
        await emu.stop()


@pytest.fixture
async def bot(seeded: Database, start_bot: BotFactory) -> Bot:
    """The bot on the seed campaign, with one coordinator who has written to it."""
    running = await start_bot(seeded)
    await running.add_coordinator()
    return running
