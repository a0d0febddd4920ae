"""Results → HTML messages: escaped, and split to fit Telegram's 4096 characters."""

from __future__ import annotations

import html
from datetime import datetime

from bot import texts
from bot.progress import OweReport, Summary
from bot.services.uploads import Duplicate, Filed
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


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def filed_message(filed: Filed) -> str:
    template = texts.UPLOAD_FILED_BY_CHOICE if filed.method == "chosen" else texts.UPLOAD_FILED
    lines = [
        template.format(
            number=escape(filed.number),
            title=escape(filed.title),
            filename=escape(filed.filename),
            size=human_size(filed.size),
        )
    ]
    if filed.password_protected:
        lines.append(texts.UPLOAD_PASSWORD_NOTE)
    owed = filed.still_owed
    if owed:
        items = "、".join(f"{escape(i.indicator)}.{escape(i.title)}" for i in owed)
        lines.append(
            texts.UPLOAD_STILL_OWED.format(unit=escape(filed.unit), count=len(owed), items=items)
        )
    else:
        lines.append(texts.UPLOAD_ALL_DONE.format(unit=escape(filed.unit)))
    return "\n".join(lines)


def duplicate_message(duplicate: Duplicate, timezone: str) -> str:
    from zoneinfo import ZoneInfo

    when = duplicate.uploaded_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    return texts.UPLOAD_DUPLICATE.format(
        when=when,
        number=escape(duplicate.number),
        title=escape(duplicate.title),
        version=duplicate.version,
    )
