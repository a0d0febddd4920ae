"""Run a PTB Application's polling inside a test or the sandbox, without run_polling."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application


async def start_application(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_interval: float = 0.0,
    poll_timeout: int = 1,
    drop_pending_updates: bool = False,
) -> Callable[[], Awaitable[None]]:
    """Initialize, start and poll; returns the coroutine function that undoes it all."""
    # run_polling would block and install signal handlers; these are its steps minus both.
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)  # as run_polling does, so start-up work happens here too
    await app.start()
    assert app.updater is not None, "the Application was built without an Updater"  # noqa: S101
    await app.updater.start_polling(
        poll_interval=poll_interval, timeout=poll_timeout, drop_pending_updates=drop_pending_updates
    )

    async def stop() -> None:
        """Stop polling (confirming fetched updates), then the app."""
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    return stop


@asynccontextmanager
async def running(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_interval: float = 0.0,
    poll_timeout: int = 1,
    drop_pending_updates: bool = False,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """`async with running(app):` — the app polls the emulator inside the block."""
    stop = await start_application(
        app,
        poll_interval=poll_interval,
        poll_timeout=poll_timeout,
        drop_pending_updates=drop_pending_updates,
    )
    try:
        yield app
    finally:
        await stop()
