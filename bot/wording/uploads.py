"""What the bot says about a received file and its buttons, composed from upload results."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.services.uploads.links import LinkChoices, Linked
from bot.services.uploads.results import (
    Adopted,
    Cancelled,
    Duplicate,
    Filed,
    MoveChoices,
    Moved,
    NeedsChoice,
    NotOwed,
    Withdrawn,
)
from bot.sizes import human_size
from bot.structure.sentences import differences_text
from bot.wording import Escape
from bot.wording import plain as _plain


def receipt(filed: Filed, escape: Escape = _plain) -> str:
    """Where the file went, its name and size, then what the unit still owes. A contribution
    says it went to the lead (and the unit's own owed list only when it owes something)."""
    template = texts.UPLOAD_FILED_BY_CHOICE if filed.method == "chosen" else texts.UPLOAD_FILED
    if filed.lead:
        template = texts.UPLOAD_FILED_CONTRIBUTION
    where = template.format(
        number=escape(filed.number),
        title=escape(filed.title),
        filename=escape(filed.filename),
        size=human_size(filed.size),
        lead=escape(filed.lead),
    )
    if filed.password_protected:
        where += "\n" + texts.UPLOAD_PASSWORD_NOTE
    if filed.differences:  # still filed: the coordinator decides whether to return it
        where += "\n" + differences_text(filed.differences, escape)
    if filed.lead and not filed.still_owed:
        return where
    return f"{where}\n{still_owed(filed, escape)}"


def contribution_notice(filed: Filed, escape: Escape = _plain) -> str:
    """For the lead: a supporting unit's file for one of its indicators, to adopt or not."""
    return texts.CONTRIBUTION_NOTICE.format(
        unit=escape(filed.unit),
        number=escape(filed.number),
        title=escape(filed.title),
        filename=escape(filed.filename),
        size=human_size(filed.size),
        lead=escape(filed.lead),
    )


def adopted(done: Adopted, escape: Escape = _plain) -> str:
    """The contribution now counts as the lead's delivery."""
    return texts.CONTRIBUTION_ADOPTED.format(
        unit=escape(done.contributor),
        filename=escape(done.filename),
        lead=escape(done.lead),
        number=escape(done.number),
        title=escape(done.title),
    )


def still_owed(filed: Filed, escape: Escape = _plain) -> str:
    """What the unit owes after this filing, or that it has delivered everything."""
    owed = filed.still_owed
    if not owed:
        return texts.UPLOAD_ALL_DONE.format(unit=escape(filed.unit))
    items = "、".join(f"{escape(i.indicator)}.{escape(i.title)}" for i in owed)
    return texts.UPLOAD_STILL_OWED.format(unit=escape(filed.unit), count=len(owed), items=items)


def question(asked: NeedsChoice, escape: Escape = _plain) -> str:
    """The bot is unsure where the file goes: the top choices follow as buttons."""
    return texts.UPLOAD_ASK.format(filename=escape(asked.filename))


def all_question(asked: NeedsChoice, escape: Escape = _plain) -> str:
    """After [全部指标]: every indicator the unit owes follows as buttons."""
    return texts.UPLOAD_ASK_ALL.format(filename=escape(asked.filename))


def not_owed(offer: NotOwed, escape: Escape = _plain) -> str:
    """The file is for an indicator the unit does not owe: its own follow as buttons."""
    return texts.UPLOAD_NOT_OWED.format(
        filename=escape(offer.filename),
        number=escape(offer.number),
        title=escape(offer.title),
        unit=escape(offer.unit),
    )


def duplicate(copy: Duplicate, timezone: str, escape: Escape = _plain) -> str:
    """The same file is already filed: when, where and as which version."""
    when = copy.uploaded_at.astimezone(ZoneInfo(timezone)).strftime(f"{texts.DATE_FORMAT} %H:%M")
    return texts.UPLOAD_DUPLICATE.format(
        when=when,
        number=escape(copy.number),
        title=escape(copy.title),
        version=copy.version,
    )


def cancelled(dropped: Cancelled, escape: Escape = _plain) -> str:
    return texts.UPLOAD_CANCELLED.format(filename=escape(dropped.filename))


def withdrawn(taken_back: Withdrawn, escape: Escape = _plain) -> str:
    return texts.UPLOAD_WITHDRAWN.format(
        filename=escape(taken_back.filename), number=escape(taken_back.number)
    )


def move_question(offer: MoveChoices, escape: Escape = _plain) -> str:
    """After [改归类]: the unit's other indicators follow as buttons."""
    return texts.UPLOAD_RECLASSIFY_ASK.format(filename=escape(offer.filename))


def moved(move: Moved, escape: Escape = _plain) -> str:
    """From which indicator to which, then what the unit still owes."""
    filed = move.filed
    where = texts.UPLOAD_MOVED.format(
        filename=escape(filed.filename),
        old=escape(move.old_number),
        number=escape(filed.number),
        title=escape(filed.title),
    )
    if filed.differences:
        where += "\n" + differences_text(filed.differences, escape)
    return f"{where}\n{still_owed(filed, escape)}"


def link_question(offer: LinkChoices, escape: Escape = _plain) -> str:
    """After [也用于…]: the unit's other owed indicators follow as buttons."""
    return texts.LINK_ASK.format(filename=escape(offer.filename), number=escape(offer.number))


def linked(link: Linked, escape: Escape = _plain) -> str:
    """Which indicator the file now also counts for, then what the unit still owes."""
    filed = link.filed
    where = texts.LINK_DONE.format(
        filename=escape(filed.filename),
        number=escape(filed.number),
        title=escape(filed.title),
        source=escape(link.source_number),
    )
    return f"{where}\n{still_owed(filed, escape)}"
