"""Explicit references to an indicator in a name or caption: 指标4, 第7项, 考核指标五, 4-1….

Attachment and table numbers (附件2, 表1) are not references; a bare number is one only in a
caption ("4"), and a leading number only in a file name followed by words ("4-1行政案件…").
"""

from __future__ import annotations

import re
from collections.abc import Container

from bot.matching.scoring import EXPLICIT_REFERENCE_BONUS, LEADING_NUMBER_BONUS
from bot.matching.text import CJK
from bot.numerals import NUMBER, number_key

# "附件3" / "附表2" / "表1" number an attachment or a table, not an indicator.
ATTACHMENT = re.compile(r"(?:附件|附表|附图|图|表)\s*\d+(?:[.\-]\d+)*")
EXPLICIT_REFERENCES = (
    re.compile(rf"指标\s*(?:第\s*)?[(\[]?\s*({NUMBER})"),
    re.compile(rf"第\s*({NUMBER})\s*(?:项|个指标|条指标)"),
    re.compile(r"(\d+(?:\.\d+)*)\s*号指标"),
)
LEADING_NUMBER = re.compile(
    r"^[\s\-_.·、()\[\]]*(\d+(?:[.\-]\d+)*)(?![\d])(?!\s*[年月日号%个万元份期届次])"
)


def known_number(raw: str, numbers: Container[str]) -> str | None:
    """The longest prefix of a dotted number that is an indicator: "4-1" → "4"."""
    key = number_key(raw)
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in numbers:
            return candidate
    return None


def explicit_references(
    text: str, numbers: Container[str], *, is_filename: bool
) -> dict[str, float]:
    """Indicator number → bonus, for each indicator the text names."""
    found: dict[str, float] = {}
    for pattern in EXPLICIT_REFERENCES:
        for raw in pattern.findall(text):
            number = known_number(raw, numbers)
            if number is not None:
                found[number] = EXPLICIT_REFERENCE_BONUS
    # A caption that is only a number names the indicator; a file named "4.jpg" is a page.
    bare = None if is_filename else known_number(text.strip(" .:：,，。"), numbers)
    if not found and bare is not None:
        found[bare] = EXPLICIT_REFERENCE_BONUS
    return found


def leading_number(text: str, numbers: Container[str], *, is_filename: bool) -> dict[str, float]:
    """'4-1行政案件信息表' numbers the file by indicator; '1.jpg' only numbers a page."""
    match = LEADING_NUMBER.match(text)
    if not is_filename or not match or not re.search(rf"[{CJK}]", text[match.end() :]):
        return {}
    number = known_number(match.group(1), numbers)
    return {number: LEADING_NUMBER_BONUS} if number is not None else {}
