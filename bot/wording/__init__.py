"""Every sentence the bot and the CLI show, composed from result objects and the catalog.

One module per flow. Each function takes an `escape`: the bot passes `html_escape` (Telegram
HTML), the CLI passes nothing (`plain`), so the two never disagree on what is said.
"""

from __future__ import annotations

import html
from collections.abc import Callable

Escape = Callable[[str], str]


def plain(text: str) -> str:
    """No escaping: for the terminal."""
    return text


def html_escape(text: str) -> str:
    """Escaping for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)
