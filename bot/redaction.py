"""Credentials never reach a log line or a message: URL passwords and the settings' secrets.

TELEGRAM_PROXY may carry `user:password@`, DATABASE_URL a password, and aiohttp, for one,
repeats the proxy's full URL in its errors. Two layers: URLs are redacted where we log or
wrap them, and a logging filter on every handler masks whatever still slips through (a
library's message, a traceback).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from bot.config import Settings

MASK = "***"
# scheme://user:password@ (the password may be empty); user and password are both masked.
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/@:'\"]*:[^\s/@'\"]*@")
# Shorter values are too likely to occur in ordinary text to be masked everywhere; inside a
# URL the pattern above masks them anyway.
MIN_SECRET_LENGTH = 6


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every URL's user:password and every one of `secrets` replaced by ***."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}:{MASK}@", text)
    for secret in sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len)[::-1]:
        text = text.replace(secret, MASK)
    return text


def redact_url(url: str) -> str:
    """A URL fit for a log line: `http://u:p@host:8080` → `http://***:***@host:8080`."""
    return redact(url)


def secrets_of(settings: Settings) -> list[str]:
    """The values no log line may show: proxy and database credentials, token, webhook secret."""
    found = [settings.telegram_bot_token, settings.webhook_secret]
    for url in (settings.telegram_proxy, settings.database_url):
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.password:
            user, password = unquote(parts.username or ""), unquote(parts.password)
            basic = base64.b64encode(f"{user}:{password}".encode()).decode()
            found += [parts.password, password, basic]  # as written, decoded, and as sent
    return [value for value in found if value]


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message, traceback and stack before any handler writes it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # Formatted here once; formatters reuse exc_text instead of formatting again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def redact_logs(settings: Settings, logger: logging.Logger | None = None) -> RedactingFilter:
    """Put a RedactingFilter on every handler of `logger` (the root logger by default).

    On the handlers, not the logger: a logger's filters never see records that propagate
    from other loggers (aiohttp's, PTB's), a handler's see them all.
    """
    redacting = RedactingFilter(secrets_of(settings))
    for handler in (logger or logging.getLogger()).handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(redacting)
    return redacting
