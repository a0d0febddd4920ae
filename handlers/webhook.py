"""Webhook mode, served by our own small aiohttp server: recorded before answered.

PTB's run_webhook answers Telegram as soon as an update is queued, so an update whose handler
had not committed when the process died was lost (Telegram does not post it again). Here a
post is checked (the secret header, compared in constant time), written to the durable inbox
(handlers/inbox.py), put on the application's update queue, and only then answered 200. A
crash after the answer leaves the update in the inbox, and the replay at start (post_init)
handles it, exactly as for an update fetched by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from handlers.inbox import InboxBot

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 -- a header name
# Telegram's updates are small JSON documents; a larger body is not one of them.
MAX_BODY_BYTES = 1024 * 1024


def webhook_server(application: Application, secret: str, path: str) -> web.Application:  # type: ignore[type-arg]
    """The aiohttp application that receives Telegram's posts at `path`."""
    expected = secret.encode()
    bot = application.bot

    async def receive(request: web.Request) -> web.Response:
        """Secret checked, update recorded and queued, then 200."""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not expected or not hmac.compare_digest(given, expected):
            log.warning("webhook post from %s refused: wrong or missing secret", request.remote)
            return web.Response(status=403)
        parsed = await _update_in(request, application)
        if parsed is None:
            log.warning("webhook post from %s refused: not an update", request.remote)
            return web.Response(status=400)
        payload, update = parsed
        if isinstance(bot, InboxBot):
            # An exception here answers 500: Telegram keeps the update and posts it again.
            await bot.record_posted(payload)
        await application.update_queue.put(update)
        return web.Response()

    server = web.Application(client_max_size=MAX_BODY_BYTES)
    server.router.add_post(path, receive)
    return server


async def _update_in(
    request: web.Request,
    application: Application,  # type: ignore[type-arg]
) -> tuple[dict[str, Any], Update] | None:
    """The posted JSON and its Update, or None for anything that is not an update."""
    try:
        payload = await request.json()
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return None
    try:
        update = Update.de_json(payload, application.bot)
    except Exception:  # PTB's parsing raises whatever the malformed field provokes
        return None
    return (payload, update) if update is not None else None


async def serve_webhook(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Run the bot in webhook mode until SIGINT or SIGTERM (PTB's run_webhook, minus its server)."""
    if not settings.webhook_secret_ok:
        raise ValueError("WEBHOOK_SECRET is missing or too short")  # the CLI refuses earlier
    # Telegram posts to WEBHOOK_URL; a reverse proxy forwards it here, path unchanged.
    path = "/" + urlsplit(settings.webhook_url).path.strip("/")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)  # replays what the inbox holds unhandled
    await application.start()
    runner = web.AppRunner(webhook_server(application, settings.webhook_secret, path))
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        log.info(
            "serving the webhook on %s:%s%s",
            settings.webhook_listen,
            settings.webhook_port,
            path,
        )
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        await stop.wait()
    finally:
        # No new posts first; then what is queued is handled and the inbox marks are written.
        await runner.cleanup()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signum)
