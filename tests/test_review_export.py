"""Coordinators review submissions and export the final package."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import Chat, Contact, Unit
from bot.services.access import Actor, NotAllowed
from bot.services.export import build_package
from bot.services.obligations import owed_items
from bot.services.review import AlreadyReviewed, accept, return_submission, review_queue
from bot.services.uploads import (
    MatcherCache,
    NeedsChoice,
    UploadRequest,
    receive_upload,
)
from bot.storage import FileStore
from tests.conftest import DATA, SEED_NOW

COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
POLICE = Actor(2, 2, "private", False, True, "公安局", "联络员")


def upload(
    database: Database,
    store: FileStore,
    name: str,
    data: bytes,
    actor: Actor = POLICE,
):
    # Stored as is: these tests are about review and export, not about the content check
    # (tests/test_filecheck.py), so their files may be any bytes.
    stored = store.put_bytes(data)
    request = UploadRequest(filename=name, caption="", mime_type="", stored=stored)
    matchers = MatcherCache(DATA / "glossary.toml")
    return database.run(receive_upload, actor, store, matchers, request, SEED_NOW)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def test_a_filed_upload_waits_in_the_review_queue(seeded: Database, store: FileStore) -> None:
    filed = upload(seeded, store, "侵犯知识产权行政案件信息表.xlsx", b"x" * 10)
    with seeded.uow() as uow:
        queue = review_queue(uow, COORDINATOR)
    assert queue.total == 1
    assert (queue.items[0].submission_id, queue.items[0].number) == (filed.submission_id, "4")


def test_only_coordinators_review(seeded: Database) -> None:
    with seeded.uow() as uow, pytest.raises(NotAllowed):
        review_queue(uow, POLICE)


def test_accepting_marks_the_obligation_accepted(seeded: Database, store: FileStore) -> None:
    filed = upload(seeded, store, "侵犯知识产权行政案件信息表.xlsx", b"x" * 10)
    with seeded.uow() as uow:
        accept(uow, COORDINATOR, filed.submission_id, SEED_NOW)
    with seeded.uow() as uow:
        statuses = {i.indicator: i.status for i in owed_items(uow, "公安局", SEED_NOW).items}
        assert statuses["4"] == "accepted"
        with pytest.raises(AlreadyReviewed):
            accept(uow, COORDINATOR, filed.submission_id, SEED_NOW)


def test_returning_makes_it_owed_again_and_names_the_units_group(
    seeded: Database, store: FileStore
) -> None:
    with seeded.uow() as uow:
        police = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert police is not None
        uow.session.add(Chat(telegram_chat_id=-100, kind="unit", unit_id=police.id))
        uow.session.add(Contact(telegram_user_id=2, unit_id=police.id))
        uow.commit()
    filed = upload(seeded, store, "侵犯知识产权行政案件信息表.xlsx", b"x" * 10)
    with seeded.uow() as uow:
        returned = return_submission(
            uow, COORDINATOR, filed.submission_id, "缺少盖章", SEED_NOW + timedelta(hours=1)
        )
    assert returned.notify_chats == (-100,)
    with seeded.uow() as uow:
        item = owed_items(uow, "公安局", SEED_NOW).items[0]
    assert (item.indicator, item.status) == ("4", "returned")
    assert item.submissions[-1].review_comment == "缺少盖章"


def test_an_empty_reason_is_refused(seeded: Database, store: FileStore) -> None:
    filed = upload(seeded, store, "侵犯知识产权行政案件信息表.xlsx", b"x" * 10)
    with seeded.uow() as uow, pytest.raises(NotAllowed):
        return_submission(uow, COORDINATOR, filed.submission_id, "  ", SEED_NOW)


def test_export_zips_the_summary_and_files_by_group_indicator_and_unit(
    seeded: Database, store: FileStore, tmp_path: Path
) -> None:
    upload(seeded, store, "侵犯知识产权行政案件信息表.xlsx", b"police-4")
    upload(seeded, store, "两法衔接案件移送情况.xlsx", b"police-7")
    with seeded.uow() as uow:
        result = build_package(uow, store, tmp_path / "out", SEED_NOW)
    assert result.files == 2
    [part] = result.parts
    with zipfile.ZipFile(part) as archive:
        names = set(archive.namelist())
        assert "汇总.xlsx" in names
        inside = next(n for n in names if n.endswith("侵犯知识产权行政案件信息表.xlsx"))
        assert inside.split("/")[1:3] == ["4.加强知识产权行政保护工作情况", "公安局"]
        assert archive.read(inside) == b"police-4"


def test_export_splits_into_parts_under_the_upload_limit(
    seeded: Database, store: FileStore, tmp_path: Path
) -> None:
    upload(seeded, store, "侵犯知识产权行政案件信息表.xlsx", b"a" * 6000)
    upload(seeded, store, "两法衔接案件移送情况.xlsx", b"b" * 6000)
    with seeded.uow() as uow:
        result = build_package(uow, store, tmp_path / "out", SEED_NOW, part_limit=15000)
    assert len(result.parts) == 2
    assert all("第" in p.name for p in result.parts)


def test_export_of_nothing_makes_no_zip(seeded: Database, store: FileStore, tmp_path: Path) -> None:
    with seeded.uow() as uow:
        assert build_package(uow, store, tmp_path / "out", SEED_NOW).parts == ()


def test_the_same_unsure_file_twice_reuses_the_open_question(
    seeded: Database, store: FileStore
) -> None:
    first = upload(seeded, store, "微信图片_20231016.jpg", b"photo")
    again = upload(seeded, store, "微信图片_20231016.jpg", b"photo")
    assert isinstance(first, NeedsChoice)
    assert isinstance(again, NeedsChoice)
    assert again.pending_id == first.pending_id
