"""Fixtures: an emulator per test and PTB Applications pointed at it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

# The venv's editable install predates emulator/__init__.py and maps `emulator` to a namespace
# package; the project root first on sys.path makes the real package win either way.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import pytest  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
)

from emulator import BotApiEmulator  # noqa: E402

TOKEN = "123456789:TEST-emulator-token"
AppFactory = Callable[..., Application[Any, Any, Any, Any, Any, Any]]


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta durations: otherwise every 429 warns, and warnings are errors."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """A running emulator with Telegram's flood limits on."""
    async with BotApiEmulator(token=TOKEN, bot_username="yingjian_bot") as emulator:
        yield emulator


@pytest.fixture
def make_app(emu: BotApiEmulator) -> AppFactory:
    """Build PTB Applications against this test's emulator."""
    return lambda *handlers, **options: build_app(emu, *handlers, **options)


@pytest.fixture
def app_for() -> Callable[..., Application[Any, Any, Any, Any, Any, Any]]:
    """Build PTB Applications against any emulator: `app_for(emulator, *handlers)`."""
    return build_app


def build_app(
    emulator: BotApiEmulator,
    *handlers: BaseHandler[Any, Any, Any],
    rate_limited: bool = False,
    local_mode: bool = False,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB Application against the emulator, built exactly as against Telegram."""
    builder = (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .local_mode(local_mode)
    )
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    for handler in handlers:
        app.add_handler(handler)
    return app
