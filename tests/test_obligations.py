"""What a unit owes, with status derived from submissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db import Database
from bot.models import Indicator, Obligation, Submission, Unit
from bot.services.campaigns import find_campaign
from bot.services.obligations import owed_items, still_owed
from bot.wording.owe import owe_text
from tests.conftest import SEED_NOW


def add_submission(
    database: Database,
    unit: str,
    number: str,
    *,
    status: str = "submitted",
    at: datetime = SEED_NOW,
    withdrawn: bool = False,
) -> None:
    with database.uow() as uow:
        obligation = uow.session.scalar(
            select(Obligation)
            .join(Indicator)
            .join(Unit)
            .where(Unit.name == unit, Indicator.number == number)
        )
        assert obligation is not None
        version = len(obligation.submissions) + 1
        uow.session.add(
            Submission(
                obligation_id=obligation.id,
                version=version,
                filename=f"{number}-{version}.pdf",
                sha256=f"{version:064d}",
                storage_key="aa/bb/x",
                uploaded_at=at,
                review_status=status,
                withdrawn_at=at if withdrawn else None,
            )
        )
        uow.commit()


def statuses(database: Database, unit: str, now: datetime = SEED_NOW) -> dict[str, str]:
    with database.uow() as uow:
        report = owed_items(uow, unit, now)
    return {item.indicator: item.status for item in report.items}


def test_police_bureau_owes_indicators_four_five_and_seven(seeded: Database) -> None:
    with seeded.uow() as uow:
        report = owed_items(uow, "县公安局", SEED_NOW)
    assert report.unit == "公安局"
    assert [item.indicator for item in report.owed] == ["4", "5", "7"]
    assert report.items[0].days_left == 3
    assert report.items[0].material.startswith("1.需根据模板提供")


def test_a_submission_moves_the_obligation_from_owed_to_submitted(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4")
    assert statuses(seeded, "公安局") == {"5": "missing", "7": "missing", "4": "submitted"}


def test_owed_items_come_first_in_table_order(seeded: Database) -> None:
    add_submission(seeded, "公安局", "5")
    with seeded.uow() as uow:
        report = owed_items(uow, "公安局", SEED_NOW)
    assert [i.indicator for i in report.items] == ["4", "7", "5"]


def test_a_returned_submission_is_owed_again(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4", status="returned")
    assert statuses(seeded, "公安局")["4"] == "returned"
    add_submission(seeded, "公安局", "4")
    assert statuses(seeded, "公安局")["4"] == "submitted"


def test_an_accepted_submission_wins_over_later_versions(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4", status="accepted")
    add_submission(seeded, "公安局", "4")
    assert statuses(seeded, "公安局")["4"] == "accepted"


def test_a_withdrawn_submission_does_not_count(seeded: Database) -> None:
    add_submission(seeded, "公安局", "4", withdrawn=True)
    assert statuses(seeded, "公安局")["4"] == "missing"


def test_a_first_submission_after_the_deadline_is_late(seeded: Database) -> None:
    after = datetime(2023, 10, 19, 2, 0, tzinfo=UTC)
    add_submission(seeded, "公安局", "4", at=after)
    with seeded.uow() as uow:
        item = owed_items(uow, "公安局", after).items[-1]
    assert (item.indicator, item.late, item.overdue) == ("4", True, False)


def test_an_owed_item_after_the_deadline_is_overdue(seeded: Database) -> None:
    with seeded.uow() as uow:
        report = owed_items(uow, "公安局", SEED_NOW + timedelta(days=5))
    assert all(item.overdue for item in report.owed)
    assert report.owed[0].days_left == -2


def test_owe_text_lists_material_deadline_and_days_left(seeded: Database) -> None:
    add_submission(seeded, "公安局", "5")
    with seeded.uow() as uow:
        text = owe_text(owed_items(uow, "公安局", SEED_NOW), SEED_NOW)
    assert "还需报送 2 项" in text
    assert "指标4 加强知识产权行政保护工作情况" in text
    assert "截止：2023-10-18（还剩3天）" in text
    assert "已报送：" in text
    assert "《5-1.pdf》" in text


def test_json_shape_has_campaign_unit_and_items(seeded: Database) -> None:
    with seeded.uow() as uow:
        document = owed_items(uow, "公安局", SEED_NOW).as_json()
    assert document["campaign"] == "yongning-ip-2023"
    assert document["unit"] == "公安局"
    item = document["items"][0]
    assert set(item) >= {"indicator", "title", "material", "deadline", "status", "submissions"}
    assert item["deadline"] == "2023-10-18T23:59:59+08:00"


def test_the_receipts_sql_view_of_what_is_owed_agrees_with_the_full_report(
    seeded: Database,
) -> None:
    add_submission(seeded, "公安局", "4", status="returned")
    add_submission(seeded, "公安局", "5", status="returned")
    add_submission(seeded, "公安局", "5")
    add_submission(seeded, "公安局", "7", status="accepted")
    add_submission(seeded, "公安局", "7", status="returned")
    with seeded.uow() as uow:
        police = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert police is not None
        campaign = find_campaign(uow.session)
        quick = [i.indicator for i in still_owed(uow.session, campaign, police)]
        full = [i.indicator for i in owed_items(uow, "公安局", SEED_NOW).owed]
    assert quick == full == ["4"]
