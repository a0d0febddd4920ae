"""Starting the bot: polling, webhook, or the offline sandbox when there is no token."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import Update

from bot import texts
from bot.config import Settings
from bot.redaction import redact_url
from handlers.app import build_application, build_runtime
from handlers.context import Runtime
from handlers.webhook import serve_webhook

log = logging.getLogger(__name__)

# PTB 22 warns on every RetryAfter unless told to use timedelta; we do (see README).
os.environ.setdefault("PTB_TIMEDELTA", "1")


def run_bot(settings: Settings, now: datetime | None = None) -> int:
    """Run until interrupted; `now` makes the bot's clock start there (demos of old campaigns)."""
    runtime = build_runtime(settings)
    if now is not None:
        runtime.clock = _clock_starting_at(now)
    if not settings.telegram_bot_token:
        print(texts.CLI_SANDBOX)
        asyncio.run(_sandbox(settings, runtime))
        return 0
    application = build_application(settings, runtime)
    log.info(
        "database %s; Telegram at %s via %s",
        redact_url(settings.database_url),
        redact_url(settings.telegram_base_url.removesuffix("/bot")),
        redact_url(settings.telegram_proxy) if settings.telegram_proxy else "a direct connection",
    )
    if settings.webhook_url:
        # Our own server, not run_webhook: an update is in the inbox before Telegram's 200.
        asyncio.run(serve_webhook(application, settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _clock_starting_at(start: datetime) -> Callable[[], datetime]:
    offset = start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


async def _sandbox(settings: Settings, runtime: Runtime) -> None:
    from bot.services.onboarding import ensure_coordinator
    from emulator.running import start_application  # dev tool: only the sandbox needs it
    from emulator.sandbox import SandboxCast, run_sandbox

    cast = SandboxCast()
    coordinator = cast.users[0]
    coordinator_id = coordinator.user_id or 10001  # the default cast gives it this fixed id
    with runtime.db.uow() as uow:
        ensure_coordinator(uow, user_id=coordinator_id, display_name=coordinator.name)

    async def start_bot(
        base_url: str, base_file_url: str, token: str
    ) -> Callable[[], Awaitable[None]]:
        local = settings.model_copy(
            update={
                "telegram_bot_token": token,
                "telegram_base_url": base_url,
                "telegram_base_file_url": base_file_url,
            }
        )
        runtime.settings = local
        stop = await start_application(build_application(local, runtime))
        print(texts.SANDBOX_READY.format(user_id=coordinator_id))
        return stop

    await run_sandbox(start_bot, cast=cast)
