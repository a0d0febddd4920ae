"""Numbers as offices write them, read in one place for the importer and the matcher."""

from __future__ import annotations

import re

import pytest

from bot.numerals import NUMBER, chinese_number, heading_numeral, number_key, serial_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4", 4),
        ("04", 4),
        ("１２", 12),
        ("四", 4),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("一百零五", 105),
        ("一百二十", 120),
    ],
)
def test_arabic_and_chinese_numerals_are_read(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["", "二二", "十十", "十百", "四川", "a"])
def test_what_is_not_a_number_is_none(text: str) -> None:
    assert chinese_number(text) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [("04", "4"), ("3-2", "3.2"), ("3．2", "3.2"), ("３.２", "3.2"), ("四", "4"), ("十二", "12")],
)
def test_an_indicator_number_has_one_canonical_key(text: str, key: str) -> None:
    assert number_key(text) == key


def test_a_key_of_something_else_is_the_text_itself() -> None:
    assert number_key(" 附件 ") == "附件"


def test_the_number_pattern_finds_what_the_key_reads() -> None:
    found = re.search(rf"指标\s*({NUMBER})", "这是指标十二的材料")
    assert found is not None
    assert number_key(found.group(1)) == "12"


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("3", "3"),
        ("3.", "3"),
        ("3、", "3"),
        ("３", "3"),
        ("三", "3"),
        ("（三）", "3"),
        ("十二、", "12"),
    ],
)
def test_serial_number_cells_read_as_arabic_numbers(cell: str, number: str) -> None:
    assert serial_number(cell) == number


@pytest.mark.parametrize("cell", ["一站式服务", "三、推动严保护", "", "二二"])
def test_a_serial_cell_with_text_or_no_number_is_none(cell: str) -> None:
    assert serial_number(cell) is None


def test_heading_numerals_are_split_from_their_title_but_words_are_not_numbers() -> None:
    assert heading_numeral("三、提高知识产权保护工作法治化水平") == (
        "三",
        "提高知识产权保护工作法治化水平",
    )
    assert heading_numeral("（五）深化改革") == ("五", "深化改革")
    assert heading_numeral("一") == ("一", "")
    assert heading_numeral("一站式服务") is None
