"""Results → HTML messages: escaped, and split to fit Telegram's 4096 characters."""

from __future__ import annotations

import html
from datetime import datetime

from bot.progress import OweReport, Summary
from bot.wording.owe import owe_text, summary_lines

MAX_MESSAGE = 4096


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split at line breaks so each part fits; a single over-long line is cut."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def owe_message(report: OweReport, now: datetime) -> list[str]:
    return split_message(owe_text(report, now, escape))


def summary_message(summary: Summary, now: datetime) -> list[str]:
    return split_message("\n".join(summary_lines(summary, now, escape)))
