"""How an upload differs from its template, as a sentence: plain text from the catalog.

In the core (not bot/wording) because the summary workbook and a return's stored reason need
it too; bot.wording.templates escapes its fields for Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot import texts
from bot.structure.shapes import Difference

Escape = Callable[[str], str]


def _plain(text: str) -> str:
    return text


MAX_NAMES = 6  # a sentence names at most this many columns or headings, then "等 N 项"


def names_text(names: Sequence[str], escape: Escape = _plain) -> str:
    """『移送时间』、『备注2』 (at most MAX_NAMES, then 等 N 项)."""
    shown = "、".join(texts.TEMPLATE_DIFF_NAME.format(name=escape(n)) for n in names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += texts.TEMPLATE_DIFF_MORE.format(count=len(names))
    return shown


def _difference_part(difference: Difference, escape: Escape) -> str:
    names = names_text(difference.names, escape)
    part = {
        "missing_columns": texts.TEMPLATE_DIFF_MISSING_COLUMNS,
        "extra_columns": texts.TEMPLATE_DIFF_EXTRA_COLUMNS,
        "missing_sheet": texts.TEMPLATE_DIFF_MISSING_SHEET,
        "missing_headings": texts.TEMPLATE_DIFF_MISSING_HEADINGS,
        "missing_table": texts.TEMPLATE_DIFF_MISSING_TABLE,
        "table_missing_columns": texts.TEMPLATE_DIFF_TABLE_MISSING,
        "table_extra_columns": texts.TEMPLATE_DIFF_TABLE_EXTRA,
    }.get(difference.kind)
    if part is None:  # no_header
        return texts.TEMPLATE_DIFF_NO_HEADER
    sentence = part.format(names=names)
    if not difference.where:
        return sentence
    if difference.kind.startswith("table_"):
        return texts.TEMPLATE_DIFF_IN_TABLE.format(number=difference.where, part=sentence)
    if difference.kind in ("missing_columns", "extra_columns"):
        return texts.TEMPLATE_DIFF_IN_SHEET.format(sheet=escape(difference.where), part=sentence)
    return sentence


def differences_text(differences: Sequence[Difference], escape: Escape = _plain) -> str:
    """ "与模板不一致：缺少列『移送时间』；多出列『备注2』"; "" when nothing differs."""
    if not differences:
        return ""
    parts = "；".join(_difference_part(d, escape) for d in differences)
    return texts.TEMPLATE_DIFFERS.format(parts=parts)
