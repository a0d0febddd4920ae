"""A bare PTB echo bot: the baseline the project's bot is benchmarked against."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def build_echo_application(
    token: str,
    base_url: str,
    base_file_url: str,
    *,
    rate_limited: bool = True,
    concurrent_updates: bool | int = True,
    requests: tuple[BaseRequest, BaseRequest] | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application that echoes every text message, pointed at the given Bot API.

    `requests`: (request, get_updates_request) instead of PTB's default httpx backend.
    """
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .concurrent_updates(concurrent_updates)
    )
    if requests is not None:
        builder = builder.request(requests[0]).get_updates_request(requests[1])
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo_text))
    return app
