"""Review, summary and export, as text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.package import ExportResult
from bot.progress import Summary
from bot.services.review import Returned, ReviewItem, ReviewQueue
from bot.sizes import human_size
from bot.structure.sentences import differences_text
from bot.wording import Escape, plain
from bot.wording.owe import summary_lines


def _named(item: ReviewItem, escape: Escape) -> dict[str, object]:
    """The fields every review sentence names the submission by."""
    return {
        "id": item.submission_id,
        "unit": escape(item.unit),
        "number": escape(item.number),
        "filename": escape(item.filename),
    }


def queue_header(queue: ReviewQueue) -> str:
    if not queue.items:
        return texts.REVIEW_NOTHING
    return texts.REVIEW_HEADER.format(count=queue.total, shown=len(queue.items))


def review_item_text(item: ReviewItem, timezone: str, escape: Escape = plain) -> str:
    """One submission waiting: unit, indicator, file, size, when, version."""
    when = item.uploaded_at.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M")
    text = texts.REVIEW_ITEM.format(
        **_named(item, escape),
        title=escape(item.title),
        size=human_size(item.size),
        when=when,
        version=item.version,
    )
    if item.password_protected:
        text = f"{text} {texts.PASSWORD_PROTECTED_MARK}"
    if item.differences:  # the flag: the coordinator may return it for that in one tap
        text += "\n" + texts.REVIEW_DIFFERS_MARK.format(
            differences=differences_text(item.differences, escape)
        )
    return text


def accepted_text(item: ReviewItem, escape: Escape = plain) -> str:
    return texts.REVIEW_ACCEPTED.format(**_named(item, escape))


def ask_reason_text(item: ReviewItem, escape: Escape = plain) -> str:
    return texts.REVIEW_ASK_REASON.format(**_named(item, escape))


def returned_text(returned: Returned, escape: Escape = plain) -> str:
    """To the reviewer: what was returned, and why."""
    return texts.REVIEW_RETURNED.format(
        **_named(returned.item, escape), reason=escape(returned.reason)
    )


def returned_notice(returned: Returned, escape: Escape = plain) -> str:
    """To the unit: which file came back, why, and what to do."""
    item = returned.item
    return texts.REVIEW_RETURNED_NOTICE.format(
        unit=escape(item.unit),
        number=escape(item.number),
        title=escape(item.title),
        filename=escape(item.filename),
        reason=escape(returned.reason),
    )


def summary_text(summary: Summary, now: datetime, escape: Escape = plain) -> str:
    return "\n".join(summary_lines(summary, now, escape))


def summary_filename(summary: Summary, now: datetime) -> str:
    day = now.astimezone(ZoneInfo(summary.timezone)).strftime("%Y%m%d-%H%M")
    return texts.SUMMARY_FILENAME.format(code=summary.campaign, date=day)


def export_text(result: ExportResult) -> str:
    if not result.parts:
        return texts.EXPORT_NOTHING
    return texts.EXPORT_READY.format(files=result.files, parts=len(result.parts))
