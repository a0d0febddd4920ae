"""Explicit references to an indicator in a name or caption: 指标4, 第7项, 4-1…, and to a
group of indicators: 考核指标五.

Attachment and table numbers (附件2, 表1) are not references; a bare number is one only in a
caption ("4"), and a leading number only in a file name followed by words ("4-1行政案件…").
Where the campaign numbers its groups with Chinese numerals (the seed's 考核指标 一…五),
"指标五" / "考核指标五" written with a Chinese numeral names the group 五; Arabic numerals
("指标4", "第4项", "4.") and 第…项 name indicators.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Mapping, Sequence

from bot.matching.scoring import EXPLICIT_REFERENCE_BONUS, LEADING_NUMBER_BONUS
from bot.matching.text import CJK
from bot.numerals import NUMBER, NUMERAL, number_key

# "附件3" / "附表2" / "表1" number an attachment or a table, not an indicator.
ATTACHMENT = re.compile(r"(?:附件|附表|附图|图|表)\s*\d+(?:[.\-]\d+)*")
EXPLICIT_REFERENCES = (
    re.compile(rf"指标\s*(?:第\s*)?[(\[]?\s*({NUMBER})"),
    re.compile(rf"第\s*({NUMBER})\s*(?:项|个指标|条指标)"),
    re.compile(r"(\d+(?:\.\d+)*)\s*号指标"),
)
# "考核指标五", "指标（三）": a Chinese numeral straight after 指标, not a 第…项 item number.
GROUP_REFERENCE = re.compile(
    rf"指标\s*[(\[]?\s*({NUMERAL})(?![零〇一二两三四五六七八九十百]|\s*[项个条])[)\]]?"
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


def group_references(text: str, groups: Container[str]) -> tuple[set[str], str]:
    """The groups the text names (by number key), and the text without those references, so
    that "指标五" is not also read as indicator 5."""
    found: set[str] = set()

    def take(match: re.Match[str]) -> str:
        key = number_key(match.group(1))
        if key not in groups:
            return match.group(0)  # no such group: maybe an indicator ("考核指标六")
        found.add(key)
        return " "

    return found, GROUP_REFERENCE.sub(take, text)


def group_members(group_numbers: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Group number key → the positions of its indicators, where groups are numbered with
    Chinese numerals (only there is "指标五" a group: elsewhere it stays indicator 5)."""
    members: dict[str, list[int]] = defaultdict(list)
    for index, number in enumerate(group_numbers):
        if re.fullmatch(NUMERAL, number.strip()):
            members[number_key(number)].append(index)
    return {key: tuple(indexes) for key, indexes in members.items()}


def group_choice(
    groups: set[str],
    members: Mapping[str, tuple[int, ...]],
    owed: Sequence[bool],
    numbers: Sequence[str],
) -> tuple[dict[str, float], bool]:
    """References for the named groups, and whether to ask.

    The group's only indicator the unit owes (or its only indicator) is as good as named;
    otherwise the bot asks among the group's indicators (those the unit owes, if any).
    """
    named = [i for key in sorted(groups) for i in members[key]]
    owing = [i for i in named if owed[i]]
    if len(owing) == 1 or len(named) == 1:
        return {numbers[(owing or named)[0]]: EXPLICIT_REFERENCE_BONUS}, False
    return {numbers[i]: EXPLICIT_REFERENCE_BONUS for i in owing or named}, True
