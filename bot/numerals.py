"""Numbers as offices write them: 3, ３, 三, 十二, 两, （三）, "3.2", "3-2".

One parser for the importer (serial numbers and group headings in a task-division table) and
the matcher (an indicator named in a file name or caption: 指标四, 第十二项, 3-2). Pure.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}
# A run of Chinese numeral characters, for regular expressions.
NUMERAL = "[零〇一二两三四五六七八九十百]+"
# An indicator number as written in text: "4", "3.2", "3-2" or "四", "十二".
NUMBER = rf"(?:\d+(?:[.\-]\d+)*|{NUMERAL})"
# "１．督查考核情况": Chinese documents often type numbers full-width.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

_BARE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[.、．]?\s*$")
# A heading number: "一", "一、…", "（一）…", "(一)…". A bare numeral followed straight by text
# ("一站式服务") is a word, not a number.
_HEADING = re.compile(
    r"^\s*(?:[（(]\s*(?P<p>[一二三四五六七八九十]+)\s*[)）]|(?P<n>[一二三四五六七八九十]+)"
    r"(?=\s*[、.．:：]|\s*$))\s*[、.．:：]?\s*(?P<rest>.*)$",
    re.S,
)


def chinese_number(text: str) -> int | None:
    """The value of "12", "１２", "十二", "两", "二十一" or "一百零五"; None if not a number."""
    text = text.strip()
    folded = unicodedata.normalize("NFKC", text)
    if folded.isascii() and folded.isdigit():
        return int(folded)
    if not text or any(c not in _DIGITS and c not in _UNITS for c in text):
        return None
    total, pending, last_unit = 0, None, 1000
    for char in text:
        if char in _DIGITS:
            if pending is not None:
                return None  # "二二": two digits in a row is not how numbers are written
            if _DIGITS[char]:
                pending = _DIGITS[char]
            continue
        unit = _UNITS[char]
        if unit >= last_unit:
            return None  # "十十", "十百"
        total += (1 if pending is None else pending) * unit  # "十二": the one is implied
        pending, last_unit = None, unit
    return total + (pending or 0)


def number_key(text: str) -> str:
    """Canonical form of an indicator number: "04" → "4", "3-2" / "3．2" → "3.2", "四" → "4".

    Text that is not a number comes back stripped, unchanged otherwise.
    """
    stripped = text.strip()
    keys = []
    for part in re.split(r"[.\-．]", unicodedata.normalize("NFKC", stripped)):
        value = chinese_number(part)
        if value is None:
            return stripped
        keys.append(str(value))
    return ".".join(keys)


def heading_numeral(text: str) -> tuple[str, str] | None:
    """(numeral, the rest) of a heading such as "一、…", "（三）…" or a lone "五"; else None."""
    match = _HEADING.match(text)
    if match is None:
        return None
    return match.group("p") or match.group("n"), match.group("rest").strip()


def serial_number(cell: str) -> str | None:
    """A serial-number cell — "3", "3.", "3、", "三", "（三）", "十二、" — as "3", "12"…"""
    bare = _BARE_NUMBER.match(cell.translate(FULL_WIDTH_DIGITS))
    if bare:
        return bare.group(1)
    found = heading_numeral(cell)
    if found is None or found[1]:
        return None
    value = chinese_number(found[0])
    return str(value) if value else None
