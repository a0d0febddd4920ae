"""Deadlines and rules changed in chat survive re-imports until the table changes that same
value; campaigns list their own working days (调休上班日) in 活动设置."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.db import Database
from bot.importer import ImportFailure, read_workbook
from bot.models import Campaign, Indicator
from bot.services.access import Actor
from bot.services.campaigns import import_campaign
from bot.services.reminders import set_deadline, set_rules, upcoming_rounds
from bot.wording.imports import import_report_lines
from tests.conftest import SEED_WORKBOOK, UNITS_FILE, import_workbook

OPERATOR = Actor.operator()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def seed_copy(tmp_path: Path, rows: list[tuple[str, str]], name: str = "edited.xlsx") -> Path:
    """The seed table with rows of its 活动设置 sheet set (a key it lacks is added)."""
    workbook = load_workbook(SEED_WORKBOOK)
    sheet = workbook["活动设置"]
    for key, value in rows:
        found = [row for row in sheet.iter_rows() if row[0].value == key]
        if found:
            found[0][1].value = value
        else:
            sheet.append([key, value])
    path = tmp_path / name
    workbook.save(path)
    return path


def change_in_chat(database: Database) -> None:
    """What a coordinator does with /deadline 2023-10-20 18:00, /deadline 4 …, /rules -2h."""
    database.run(set_deadline, OPERATOR, datetime(2023, 10, 20, 18, 0, tzinfo=SHANGHAI))
    database.run(set_deadline, OPERATOR, datetime(2023, 10, 22, 12, 0, tzinfo=SHANGHAI), "4")
    database.run(set_rules, OPERATOR, ["-2h"])


def in_force(database: Database) -> tuple[str, str | None, list[str]]:
    with database.uow() as uow:
        campaign = uow.session.scalar(select(Campaign))
        four = uow.session.scalar(select(Indicator).where(Indicator.number == "4"))
        assert campaign is not None
        assert campaign.deadline is not None
        assert four is not None
        local = campaign.deadline.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
        own = four.deadline.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if four.deadline else None
        return local, own, list(campaign.reminder_rules)


def test_an_edited_table_that_keeps_the_old_values_leaves_the_chat_changes(
    seeded: Database, tmp_path: Path
) -> None:
    change_in_chat(seeded)

    report = import_workbook(seeded, seed_copy(tmp_path, [("备注", "第二稿")]))

    assert not report.unchanged
    assert in_force(seeded) == ("10-20 18:00", "10-22 12:00", ["-2h"])
    lines = import_report_lines(report)
    assert (
        "  保留了在聊天中修改的材料报送截止时间：2023-10-20 18:00"
        "（表格仍为 2023-10-18 23:59，与上次导入相同）" in lines
    )
    assert (
        "  保留了在聊天中修改的指标4的截止时间：2023-10-22 12:00"
        "（表格仍为 未单独设置，与上次导入相同）" in lines
    )
    assert (
        "  保留了在聊天中修改的提醒规则：-2h（表格仍为 -3d 09:00、-1d 09:00、0d 09:00、"
        "+1d 09:00 daily，与上次导入相同）"
    ) in lines
    assert "  材料报送截止：2023-10-20 18:00（Asia/Shanghai）" in lines
    assert report.table_changed == ()


def test_a_table_that_changes_a_value_wins_for_that_value_only(
    seeded: Database, tmp_path: Path
) -> None:
    change_in_chat(seeded)
    edited = seed_copy(tmp_path, [("材料报送截止", "2023-10-25 17:00")])

    report = import_workbook(seeded, edited)

    assert in_force(seeded) == ("10-25 17:00", "10-22 12:00", ["-2h"])
    lines = import_report_lines(report)
    assert (
        "  表格修改了材料报送截止时间：2023-10-18 23:59 → 2023-10-25 17:00"
        "（聊天中设置的 2023-10-20 18:00 不再适用）"
    ) in lines
    kept = [(v.kind, v.indicator) for v in report.kept_from_chat]
    assert kept == [("rules", None), ("deadline", "4")]


def test_rules_in_the_table_are_kept_from_chat_until_the_table_changes_them(
    seeded: Database, tmp_path: Path
) -> None:
    first = seed_copy(tmp_path, [("提醒规则", "-3d 09:00, 0d 09:00")])
    import_workbook(seeded, first)
    seeded.run(set_rules, OPERATOR, ["-2h"])
    rows = [("提醒规则", "-3d 09:00, 0d 09:00"), ("备注", "第二稿")]
    again = seed_copy(tmp_path, rows, "again.xlsx")  # the same rules, other bytes

    kept = import_workbook(seeded, again)
    assert in_force(seeded)[2] == ["-2h"]
    assert (
        "  保留了在聊天中修改的提醒规则：-2h（表格仍为 -3d 09:00、0d 09:00，与上次导入相同）"
        in import_report_lines(kept)
    )

    changed = import_workbook(seeded, seed_copy(tmp_path, [("提醒规则", "-1d 09:00")], "3.xlsx"))
    assert in_force(seeded)[2] == ["-1d 09:00"]
    assert (
        "  表格修改了提醒规则：-3d 09:00、0d 09:00 → -1d 09:00（聊天中设置的 -2h 不再适用）"
        in import_report_lines(changed)
    )


def test_force_applies_the_table_again_but_keeps_values_changed_in_chat(
    seeded: Database,
) -> None:
    change_in_chat(seeded)
    spec = read_workbook(SEED_WORKBOOK)

    with seeded.uow() as uow:
        report = import_campaign(uow, OPERATOR, spec, units_file=UNITS_FILE, force=True)

    assert not report.unchanged
    assert in_force(seeded) == ("10-20 18:00", "10-22 12:00", ["-2h"])
    assert len(report.kept_from_chat) == 3


def test_a_campaign_without_a_record_of_its_last_import_takes_the_table(
    seeded: Database, tmp_path: Path
) -> None:
    # As a campaign imported before the record existed (migration 0006) would be.
    change_in_chat(seeded)
    with seeded.uow() as uow:
        campaign = uow.session.scalar(select(Campaign))
        assert campaign is not None
        campaign.imported_values = {}
        uow.commit()

    report = import_workbook(seeded, seed_copy(tmp_path, [("备注", "第二稿")]))

    rules = ["-3d 09:00", "-1d 09:00", "0d 09:00", "+1d 09:00 daily"]
    assert in_force(seeded) == ("10-18 23:59", None, rules)
    assert report.kept_from_chat == report.table_changed == ()


# ----- extra working days ---------------------------------------------------------------------


def first_heads_up(database: Database) -> datetime:
    """When the -3d round before the seed's 2023-10-18 deadline goes out."""
    now = datetime(2023, 10, 13, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai
    database.run(set_rules, OPERATOR, ["-3d 09:00"])
    [heads_up, *_] = database.run(upcoming_rounds, OPERATOR, now)
    return heads_up.due_at


def test_a_weekend_listed_as_a_working_day_gets_its_round(
    database: Database, tmp_path: Path
) -> None:
    report = import_workbook(database, seed_copy(tmp_path, [("调休上班日", "2023-10-15")]))

    # -3d falls on Sunday 10-15: a working day for this campaign, so the round stays there.
    assert first_heads_up(database) == datetime(2023, 10, 15, 9, 0, tzinfo=SHANGHAI)
    assert "  调休上班日（照常提醒）：2023-10-15" in import_report_lines(report)
    with database.uow() as uow:
        assert uow.session.scalar(select(Campaign.extra_workdays)) == ["2023-10-15"]


def test_without_the_working_day_the_weekend_round_moves_to_monday(
    seeded: Database,
) -> None:
    assert first_heads_up(seeded) == datetime(2023, 10, 16, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("key", ["补班日期", "调休上班日"])
def test_a_date_both_quiet_and_a_working_day_is_refused_with_both_named(
    tmp_path: Path, key: str
) -> None:
    path = seed_copy(tmp_path, [("不提醒日期", "2023-10-14"), (key, "2023-10-14、2023-10-15")])

    with pytest.raises(ImportFailure) as refused:
        read_workbook(path)

    assert "2023-10-14" in str(refused.value)
