"""bot.matching: one test per naming habit of real uploads, on the seed campaign."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.matching import (
    Glossary,
    IndicatorProfile,
    Matcher,
    MatchResult,
    load_glossary,
    needs_content,
)
from tests.fixtures.seed_profiles import seed_profiles, seed_unit_names

GLOSSARY_FILE = Path(__file__).parents[1] / "data" / "glossary.toml"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(GLOSSARY_FILE)


@pytest.fixture(scope="module")
def matcher(glossary: Glossary) -> Matcher:
    return Matcher(seed_profiles(), glossary, seed_unit_names())


def filed_as(result: MatchResult) -> str | None:
    return result.indicator


def top_of(result: MatchResult) -> str:
    return result.candidates[0].indicator


@pytest.mark.parametrize(
    ("filename", "caption", "indicator"),
    [
        ("指标3 材料汇总.docx", "", "3"),
        ("考核指标六.pdf", "", "6"),
        ("第7项.pdf", "", "7"),
        ("指标7.zip", "", "7"),
        ("（指标1）.pdf", "", "1"),
        ("微信图片_20231016093512.jpg", "这是指标4的", "4"),
        ("材料.rar", "第五项", "5"),
        ("IMG_1020.JPG", "2", "2"),
    ],
)
def test_explicit_indicator_reference_files_the_upload(
    matcher: Matcher, filename: str, caption: str, indicator: str
) -> None:
    assert filed_as(matcher.match("市场监管局", filename, caption)) == indicator


@pytest.mark.parametrize(
    ("unit", "filename", "caption", "group"),
    [
        ("市场监管局", "指标三 材料汇总.docx", "", ("4", "5")),
        ("市场监管局", "材料.pdf", "考核指标三", ("4", "5")),
        ("县人民政府", "考核指标一.docx", "", ("1", "2")),
        ("县人民政府", "指标（一）汇总.pdf", "", ("1", "2")),
    ],
)
def test_a_chinese_numeral_after_zhibiao_names_the_group_and_the_bot_asks_among_it(
    matcher: Matcher, unit: str, filename: str, caption: str, group: tuple[str, ...]
) -> None:
    result = matcher.match(unit, filename, caption)

    assert (result.confident, result.reason) == (False, "group")
    assert tuple(sorted(c.indicator for c in result.candidates[: len(group)])) == group


@pytest.mark.parametrize(
    ("unit", "filename", "indicator"),
    [
        ("县委宣传部", "考核指标三 材料.docx", "5"),  # of 4 and 5 it owes only 5
        ("财政局", "指标二.pdf", "3"),  # the group's only indicator
        ("县人民法院", "考核指标五.docx", "7"),
        ("市场监管局", "指标五 改革创新材料.docx", "7"),  # group 五, not indicator 5
    ],
)
def test_a_named_group_with_one_indicator_the_unit_owes_files_it_there(
    matcher: Matcher, unit: str, filename: str, indicator: str
) -> None:
    assert filed_as(matcher.match(unit, filename)) == indicator


@pytest.mark.parametrize(
    ("filename", "caption", "indicator"),
    [
        ("指标5.pdf", "", "5"),
        ("考核指标5 材料.docx", "", "5"),
        ("第4项.docx", "", "4"),
        ("第五项.docx", "", "5"),  # 第…项 numbers an item, whatever the numeral
        ("材料.pdf", "4.", "4"),
        ("考核指标六.pdf", "", "6"),  # the seed has no group 六
    ],
)
def test_arabic_numerals_and_item_numbers_name_indicators_not_groups(
    matcher: Matcher, filename: str, caption: str, indicator: str
) -> None:
    assert filed_as(matcher.match("市场监管局", filename, caption)) == indicator


def test_without_chinese_numbered_groups_a_chinese_numeral_names_the_indicator(
    glossary: Glossary,
) -> None:
    ungrouped = [replace(profile, group_number="") for profile in seed_profiles()]
    matcher = Matcher(ungrouped, glossary, seed_unit_names())

    assert filed_as(matcher.match("市场监管局", "指标三 材料汇总.docx")) == "3"


def test_item_number_in_front_of_the_name_points_to_its_indicator(matcher: Matcher) -> None:
    result = matcher.match("市场监管局", "6-2 培训签到表.xlsx")

    assert top_of(result) == "6"


def test_reference_that_contradicts_the_name_is_asked_about(matcher: Matcher) -> None:
    result = matcher.match("县人民政府", "舆情信息表.xlsx", "指标7")

    assert not result.confident
    assert {"2", "7"} <= {candidate.indicator for candidate in result.candidates[:2]}


@pytest.mark.parametrize("filename", ["附件1.docx", "附件4.xlsx", "附件2-1.pdf", "附表3.xlsx"])
def test_attachment_number_is_not_an_indicator_reference(matcher: Matcher, filename: str) -> None:
    assert not matcher.match("市场监管局", filename).confident


def test_attachment_number_does_not_override_the_name(matcher: Matcher) -> None:
    assert filed_as(matcher.match("市场监管局", "附件5 舆情信息表.xlsx")) == "2"


@pytest.mark.parametrize(
    "filename", ["2023.pdf", "20231016.docx", "2023年度工作要点.pdf", "10月17日.jpg", "1.jpg"]
)
def test_dates_years_and_page_numbers_are_not_indicator_references(
    matcher: Matcher, filename: str
) -> None:
    assert not matcher.match("市场监管局", filename).confident


def test_month_numbers_are_not_references_in_a_campaign_with_many_indicators(
    glossary: Glossary,
) -> None:
    seed = seed_profiles()
    fillers = [
        IndicatorProfile(str(number), f"其他事项{number}", "", "") for number in range(8, 13)
    ]
    matcher = Matcher([*seed, *fillers], glossary)

    assert top_of(matcher.match(None, "1-11月舆情台账.xlsx")) == "2"
    assert top_of(matcher.match(None, "12月份经费保障情况.xlsx")) == "3"
    assert not matcher.match(None, "10月17日会议纪要.docx").confident


@pytest.mark.parametrize(
    "filename",
    [
        "微信图片_20231016093512.jpg",
        "IMG_4021.JPG",
        "扫描全能王 2023-10-17 09.32.pdf",
        "新建 Microsoft Excel 工作表.xlsx",
        "QQ截图20231017101530.png",
        "doc20231017.pdf",
        "Screenshot_2023-10-16-10-15-30.png",
        "mmexport1697421234567.jpg",
    ],
)
def test_device_and_software_names_are_not_filed(matcher: Matcher, filename: str) -> None:
    result = matcher.match("市场监管局", filename)

    assert not result.confident
    assert needs_content(result)


@pytest.mark.parametrize(
    "filename",
    [
        "经费保障情况表.xlsx",
        "经费保障情况表(1).xlsx",
        "经费保障情况表 - 副本.xlsx",
        "经费保障情况表v2最终版.xlsx",
        "经费保障情况表（修改稿）.docx",
        "经费保障情况表.xlsx.pdf",
    ],
)
def test_versions_copies_and_extensions_do_not_change_the_match(
    matcher: Matcher, filename: str
) -> None:
    assert filed_as(matcher.match("财政局", filename)) == "3"


@pytest.mark.parametrize(
    ("filename", "indicator"),
    [
        ("yuqing_xinxi_biao.xlsx", "2"),
        ("jingfei-baozhang.xlsx", "3"),
        ("liangfa xianjie.xlsx", "7"),
        ("ruanjian_zhengbanhua.docx", "5"),
    ],
)
def test_pinyin_file_name_matches_its_indicator(
    matcher: Matcher, filename: str, indicator: str
) -> None:
    assert filed_as(matcher.match("市场监管局", filename)) == indicator


@pytest.mark.parametrize(
    ("filename", "indicator"),
    [("舆请信息表.xlsx", "2"), ("行政安件信息表.xlsx", "4"), ("督察考核结果.pdf", "1")],
)
def test_homophone_typo_matches_its_indicator(
    matcher: Matcher, filename: str, indicator: str
) -> None:
    assert top_of(matcher.match(None, filename)) == indicator


def test_unit_names_in_the_file_name_are_ignored(matcher: Matcher) -> None:
    assert filed_as(matcher.match("市场监管局", "舆情信息表-县市场监管局.xlsx")) == "2"
    assert filed_as(matcher.match("公安局", "永宁县公安局-两法衔接案件.xlsx")) == "7"
    assert not matcher.match("市场监管局", "市场监管局.xlsx").confident


def test_unit_aliases_that_are_indicator_words_are_kept(matcher: Matcher) -> None:
    # 政府 is an alias of 县人民政府 and a word of indicator 1 (政府督查).
    assert filed_as(matcher.match("县人民政府", "政府督查通报.pdf")) == "1"


def test_unit_prior_ranks_the_units_own_indicator_first_when_the_name_is_vague(
    matcher: Matcher,
) -> None:
    result = matcher.match("县人民法院", "知识产权案件统计表.xlsx")

    assert top_of(result) == "7"
    assert result.candidates[0].owed_by_unit


def test_file_for_an_indicator_the_unit_does_not_owe_is_recognised(matcher: Matcher) -> None:
    result = matcher.match("财政局", "舆情信息表.xlsx")

    assert top_of(result) == "2"
    assert not result.candidates[0].owed_by_unit
    assert top_of(matcher.match("县委宣传部", "督查考核结果通报.pdf")) == "1"


@pytest.mark.parametrize(
    ("unit", "filename"),
    [
        ("市场监管局", "会议纪要.docx"),
        ("市场监管局", "工作总结.docx"),
        ("市场监管局", "2023年知识产权保护工作总结.docx"),
        ("县人民政府", "自评报告.docx"),
        ("市场监管局", "食品安全抽检计划.docx"),
        ("市场监管局", "安全生产大检查工作方案.docx"),
        ("市场监管局", "特种设备安全监察工作总结.docx"),
        ("公安局", "电信诈骗案件统计表.xlsx"),
        ("文旅局", "文物保护工作方案.docx"),
        ("县人民法院", "会议纪要.docx"),
    ],
)
def test_general_or_unrelated_files_are_not_filed(
    matcher: Matcher, unit: str, filename: str
) -> None:
    assert not matcher.match(unit, filename).confident


def test_caption_is_used_when_the_file_name_is_junk(matcher: Matcher) -> None:
    assert filed_as(matcher.match("文旅局", "IMG_2034.JPG", "铁拳行动现场检查")) == "5"
    assert filed_as(matcher.match("财政局", "附件.xlsx", "经费拨付情况")) == "3"


def test_content_is_used_when_name_and_caption_are_junk(matcher: Matcher) -> None:
    blind = matcher.match("市场监管局", "doc20231017.pdf")
    peeked = matcher.match(
        "市场监管局",
        "doc20231017.pdf",
        content="永宁县知识产权行政案件信息表\n序号\t案件名称\t立案时间\t办理周期\t案件来源",
    )

    assert needs_content(blind)
    assert filed_as(peeked) == "4"
    assert peeked.used_content
    assert not needs_content(peeked)


def test_vague_content_does_not_make_a_junk_file_confident(matcher: Matcher) -> None:
    result = matcher.match(
        "市场监管局",
        "doc20231017.pdf",
        content="2023年工作总结\n今年以来，我局知识产权保护工作取得积极成效，食品安全、特种设备",
    )

    assert not result.confident


def test_glossary_links_abbreviations_to_the_official_wording(glossary: Glossary) -> None:
    # Without the 关键词 column, only the field glossary knows that 剑网 is a 专项行动 and
    # 行刑衔接 is the 涉嫌犯罪案件 transfer of indicator 7.
    bare = [replace(profile, keywords=()) for profile in seed_profiles()]
    with_glossary = Matcher(bare, glossary)
    without = Matcher(bare)

    for filename, indicator in [("剑网行动总结.docx", "5"), ("行刑衔接工作台账.xlsx", "7")]:
        assert filed_as(with_glossary.match("文旅局", filename)) == indicator
        assert filed_as(without.match("文旅局", filename)) is None


def test_campaign_keywords_link_campaign_vocabulary(glossary: Glossary) -> None:
    profiles = seed_profiles()
    profiles[3] = replace(profiles[3], keywords=("蓝天行动",))
    without_keyword = [replace(profile, keywords=()) for profile in seed_profiles()]

    assert top_of(Matcher(profiles, glossary).match(None, "蓝天行动总结.docx")) == "4"
    assert not Matcher(without_keyword).match(None, "蓝天行动总结.docx").confident


def test_dotted_and_two_digit_indicator_numbers_are_understood() -> None:
    profiles = [
        IndicatorProfile("3.1", "经费保障情况", "", ""),
        IndicatorProfile("3.2", "舆情处置情况", "", ""),
        IndicatorProfile("12", "督查考核情况", "", ""),
        IndicatorProfile("1", "宣传培训情况", "", ""),
    ]
    matcher = Matcher(profiles)

    assert filed_as(matcher.match(None, "指标3.2.docx")) == "3.2"
    assert top_of(matcher.match(None, "12-1 督查考核通报.pdf")) == "12"


def test_result_names_no_indicator_when_unsure(matcher: Matcher) -> None:
    result = matcher.match("市场监管局", "会议纪要.docx")

    assert result.indicator is None
    assert len(result.candidates) == 7
    scores = [candidate.score for candidate in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 100.0 for score in scores)


def test_empty_campaign_gives_an_empty_unsure_result() -> None:
    result = Matcher([]).match("市场监管局", "舆情信息表.xlsx")

    assert result.candidates == ()
    assert result.indicator is None
