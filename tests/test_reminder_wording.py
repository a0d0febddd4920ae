"""The reminder flow's words: the same sentences for the bot (HTML) and the CLI (plain)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.progress import ObligationState
from bot.reminder_results import (
    DeadlineSet,
    DigestMessage,
    ManualRound,
    ReminderMessage,
    RulesSet,
    UnreachableNotice,
    UpcomingRound,
)
from bot.wording import html_escape, plain
from bot.wording.reminders import (
    MESSAGE_LIMIT,
    deadline_text,
    digest_text,
    outgoing_text,
    remind_text,
    reminder_text,
    rules_text,
    unreachable_text,
    upcoming_text,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 10, 16, 9, 1, tzinfo=SHANGHAI)
DEADLINE = datetime(2023, 10, 18, 23, 59, 59, tzinfo=SHANGHAI)
ODD_UNIT = "公安局<刑侦&治安>"


def owed(number: str, title: str = "加强知识产权行政保护工作情况") -> ObligationState:
    return ObligationState(
        obligation_id=int(number),
        indicator=number,
        title=title,
        material="需根据模板提供本辖区内各类行政案件有关信息。",
        template_hint="",
        group="四",
        unit=ODD_UNIT,
        deadline=DEADLINE,
        days_left=2,
        status="missing",
        late=False,
        overdue=False,
    )


def reminder(*numbers: str, manual: bool = False) -> ReminderMessage:
    return ReminderMessage(
        unit=ODD_UNIT,
        campaign="永宁县2023年知识产权保护工作检查考核",
        owed=tuple(owed(n) for n in numbers),
        now=NOW,
        timezone="Asia/Shanghai",
        manual=manual,
    )


def test_a_reminder_for_telegram_is_bold_and_escapes_the_unit_name() -> None:
    text = reminder_text(reminder("4", "5", "7"), html_escape)
    assert text.startswith("⏰ <b>材料报送提醒【公安局&lt;刑侦&amp;治安&gt;】</b>")
    assert "还需报送 3 项" in text
    assert all(f"指标{n} " in text for n in ("4", "5", "7"))
    assert "还剩2天" in text


def test_a_reminder_on_the_terminal_shows_no_tags_and_no_entities() -> None:
    text = reminder_text(reminder("4", "5", "7"), plain)
    assert text.startswith("⏰ 材料报送提醒【公安局<刑侦&治安>】")
    assert "<b>" not in text
    assert "</b>" not in text
    assert "&amp;" not in text
    assert text.replace(ODD_UNIT, "").count("<") == 0


def test_the_plain_and_html_reminders_say_the_same_once_markup_is_removed() -> None:
    message = reminder("4", manual=True)
    html = reminder_text(message, html_escape)
    unmarked = html.replace("<b>", "").replace("</b>", "")
    assert unmarked.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == (
        reminder_text(message, plain)
    )
    assert html.startswith("📣 <b>催办【")


def test_a_reminder_owing_hundreds_of_items_fits_one_message_and_counts_the_rest() -> None:
    long_title = "开展执法专项行动，知识产权侵权假冒现象得到有效遏制" * 3
    message = ReminderMessage(
        unit=ODD_UNIT,
        campaign="检查考核",
        owed=tuple(owed(str(n), long_title) for n in range(1, 301)),
        now=NOW,
        timezone="Asia/Shanghai",
    )
    for escape in (html_escape, plain):
        text = reminder_text(message, escape)
        assert len(text) <= MESSAGE_LIMIT
        assert "项未列出，发送 /owe 查看全部" in text
        assert text.endswith("发送 /owe 查看详情。")


def test_a_digest_is_bold_for_telegram_and_plain_on_the_terminal() -> None:
    digest = DigestMessage(
        campaign="检查考核",
        due_at=datetime(2023, 10, 16, 9, 0, tzinfo=SHANGHAI),
        reminded=(ODD_UNIT, "文旅局"),
        missed=("财政局",),
        paused=("县人民法院",),
        overdue=(),
    )
    html = outgoing_text(digest, html_escape)
    terminal = outgoing_text(digest, plain)
    assert html.startswith("📋 <b>提醒摘要</b>《检查考核》10-16 09:00")
    assert terminal.startswith("📋 提醒摘要《检查考核》10-16 09:00")
    assert "已提醒 2 个单位：公安局&lt;刑侦&amp;治安&gt;、文旅局" in html
    assert "已提醒 2 个单位：公安局<刑侦&治安>、文旅局" in terminal
    assert "未能送达 1 个单位：财政局" in terminal
    assert "已暂停提醒的群：县人民法院" in terminal
    assert "暂无逾期未交的单位。" in terminal


def test_a_digest_of_a_thousand_units_names_some_and_counts_all() -> None:
    names = tuple(f"第{n:04d}号单位" for n in range(1000))
    digest = DigestMessage("检查考核", NOW, names, (), (), names)
    text = digest_text(digest, html_escape)
    assert len(text) <= MESSAGE_LIMIT
    assert "已提醒 1000 个单位" in text
    assert "等 1000 个" in text


def test_the_unreachable_notice_names_the_group_and_the_fallback() -> None:
    notice = UnreachableNotice(unit=ODD_UNIT, groups=("公安局<工作群>",), contacts=2)
    text = unreachable_text(notice, html_escape)
    assert "无法向【公安局&lt;刑侦&amp;治安&gt;】的群“公安局&lt;工作群&gt;”" in text
    assert "私聊该单位的 2 位联系人" in text
    alone = unreachable_text(UnreachableNotice("文旅局", ("",), 0), plain)
    assert "该单位没有登记联系人" in alone


def test_the_remind_answer_lists_who_was_reminded_unreached_and_done() -> None:
    result = ManualRound(units=(ODD_UNIT,), nothing_owed=("县人民法院",), unreached=("财政局",))
    assert remind_text(result, html_escape).splitlines() == [
        "已催办 1 个单位：公安局&lt;刑侦&amp;治安&gt;",
        "⚠ 无法催办（没有可用的群或联系人，或群已暂停提醒）：财政局",
        "无需催办（材料均已报送）：县人民法院",
    ]
    assert remind_text(ManualRound((), (), ()), plain) == "没有需要催办的单位。"


def test_rules_deadlines_and_the_rounds_to_come_are_worded_once_for_both() -> None:
    rules = RulesSet("yongning-ip-2023", ("-3d 09:00", "+1d 09:00 daily"))
    assert rules_text(rules, changed=True) == (
        "《yongning-ip-2023》的提醒规则已设为：-3d 09:00、+1d 09:00 daily"
    )
    assert rules_text(rules).startswith("《yongning-ip-2023》当前的提醒规则：")
    moved = DeadlineSet("c", "4", "A&B", datetime(2023, 10, 20, 18, 0), "Asia/Shanghai")  # noqa: DTZ001
    assert deadline_text(moved, html_escape) == (
        "指标4（A&amp;B）的截止时间已改为 2023-10-20 18:00（Asia/Shanghai），提醒随之调整。"
    )
    assert "（A&B）" in deadline_text(moved, plain)
    upcoming = UpcomingRound(NOW, "c", ("-1d 09:00",), ("4", "5"), ("公安局",))
    lines = upcoming_text(rules, [upcoming]).splitlines()
    assert lines[-1] == "2023-10-16 09:01  -1d 09:00  指标4、5 → 公安局"
    assert upcoming_text(rules, []).endswith("近期没有待发送的提醒（或各单位均已报送）。")
