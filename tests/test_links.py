"""收一次，用多处: one delivered file linked to several obligations of its unit, stored once."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AuditEvent, Submission
from bot.services.access import Actor, NotAllowed
from bot.services.export import build_package
from bot.services.obligations import owed_items
from bot.services.review import return_submission
from bot.services.uploads import (
    AlreadyLinked,
    ChoiceGone,
    Filed,
    MatcherCache,
    NothingToLink,
    UploadRequest,
    link_choices,
    link_submission,
    receive_upload,
    withdraw,
)
from bot.storage import FileStore
from bot.wording.uploads import link_question, linked
from tests.conftest import DATA, SEED_NOW
from tests.fixtures.office_files import docx_data, xlsx_data

POLICE = Actor(2, 2, "private", False, True, "公安局", "公安局联络员")
TOURISM = Actor(3, 3, "private", False, True, "文旅局", "文旅局联络员")
COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
REPORT = docx_data("公安局 2023年知识产权保护工作总结")


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture(scope="module")
def matchers() -> MatcherCache:
    return MatcherCache(DATA / "glossary.toml")


def file_report(
    database: Database, store: FileStore, matchers: MatcherCache, caption: str = "指标4"
) -> Filed:
    """公安局 files 工作总结.docx; the caption names the indicator, so it is filed at once."""
    stored = store.put_bytes(REPORT)
    request = UploadRequest("工作总结.docx", caption, "", stored, "file-id", "unique-id")
    filed = database.run(receive_upload, POLICE, store, matchers, request, SEED_NOW)
    assert isinstance(filed, Filed)
    return filed


def submissions(database: Database) -> list[Submission]:
    with database.uow() as uow:
        rows = list(uow.session.scalars(select(Submission).order_by(Submission.id)))
        uow.session.expunge_all()
        return rows


def statuses(database: Database) -> dict[str, str]:
    with database.uow() as uow:
        return {i.indicator: i.status for i in owed_items(uow, "公安局", SEED_NOW).items}


def test_the_receipt_offers_the_units_other_owed_indicators(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)

    offer = seeded.run(link_choices, POLICE, filed.submission_id)

    assert [choice.number for choice in offer.choices] == ["5", "7"]
    assert (offer.filename, offer.number) == ("工作总结.docx", "4")
    assert link_question(offer) == (
        "“工作总结.docx”（已登记到 指标4）还可以同时用于哪一项指标？同一文件只存一份。"
    )


def test_a_linked_file_counts_for_both_indicators_and_is_stored_once(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)

    link = seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)

    original, copy = submissions(seeded)
    assert (copy.storage_key, copy.sha256) == (original.storage_key, original.sha256)
    assert (copy.link_of, copy.match_method, copy.version) == (original.id, "linked", 1)
    assert copy.filename == original.filename == "工作总结.docx"
    assert len(list(store.blobs())) == 1
    assert statuses(seeded) == {"4": "submitted", "5": "submitted", "7": "missing"}
    assert linked(link).startswith(
        "🔗 “工作总结.docx”也已登记到 指标5 开展执法专项行动，知识产权侵权假冒现象得到有效遏制"
    )
    assert "（与 指标4 共用同一文件）" in linked(link)
    assert [o.indicator for o in link.filed.still_owed] == ["7"]
    with seeded.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-1] == "link"


def test_a_link_is_the_next_version_of_the_other_obligation(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    # 5 already holds a workbook: the linked report becomes its version 2.
    stored = store.put_bytes(xlsx_data("打击侵权假冒专项行动 统计"))
    request = UploadRequest("专项行动统计.xlsx", "指标5", "", stored)
    assert isinstance(seeded.run(receive_upload, POLICE, store, matchers, request, SEED_NOW), Filed)
    filed = file_report(seeded, store, matchers)

    link = seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)

    with seeded.uow() as uow:
        assert uow.session.get_one(Submission, link.filed.submission_id).version == 2


def test_withdrawing_or_returning_one_leaves_the_other_as_it_is(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)
    link = seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)

    seeded.run(
        return_submission, COORDINATOR, link.filed.submission_id, "不是专项行动材料", SEED_NOW
    )
    assert statuses(seeded) == {"4": "submitted", "5": "returned", "7": "missing"}

    seeded.run(withdraw, POLICE, filed.submission_id, SEED_NOW)
    assert statuses(seeded) == {"4": "missing", "5": "returned", "7": "missing"}
    original, copy = submissions(seeded)
    assert original.withdrawn_at is not None
    assert (copy.withdrawn_at, copy.review_status) == (None, "returned")


def test_withdrawing_the_link_leaves_the_original_filed(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)
    link = seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)

    seeded.run(withdraw, POLICE, link.filed.submission_id, SEED_NOW)

    assert statuses(seeded) == {"4": "submitted", "5": "missing", "7": "missing"}


def test_the_export_holds_a_linked_file_under_each_indicator(
    seeded: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    filed = file_report(seeded, store, matchers)
    seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)

    with seeded.uow() as uow:
        result = build_package(uow, store, tmp_path / "out", SEED_NOW)

    [part] = result.parts
    with zipfile.ZipFile(part) as archive:
        reports = [name for name in archive.namelist() if name.endswith("工作总结.docx")]
        contents = {archive.read(name) for name in reports}
    assert len(reports) == 2
    assert {name.split("/")[1].split(".")[0] for name in reports} == {"4", "5"}
    assert all(name.endswith("/公安局/v1_工作总结.docx") for name in reports)
    assert contents == {REPORT}
    assert len(list(store.blobs())) == 1  # stored once, twice in the zip


def test_a_link_of_a_link_points_to_the_first_delivery(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)
    first = seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)

    seeded.run(link_submission, POLICE, first.filed.submission_id, "7", SEED_NOW)

    root = filed.submission_id
    assert [s.link_of for s in submissions(seeded)] == [None, root, root]
    assert statuses(seeded) == {"4": "submitted", "5": "submitted", "7": "submitted"}


def test_a_coordinator_links_any_units_file_and_another_unit_may_not(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)

    with pytest.raises(NotAllowed):
        seeded.run(link_submission, TOURISM, filed.submission_id, "5", SEED_NOW)
    with pytest.raises(NotAllowed):
        seeded.run(link_choices, TOURISM, filed.submission_id)
    seeded.run(link_submission, COORDINATOR, filed.submission_id, "5", SEED_NOW)

    assert statuses(seeded)["5"] == "submitted"


def test_links_are_refused_where_they_make_no_sense(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = file_report(seeded, store, matchers)

    with pytest.raises(NotAllowed) as not_owed:
        seeded.run(link_submission, COORDINATOR, filed.submission_id, "1", SEED_NOW)
    assert str(not_owed.value) == "公安局 没有指标1（本单位的指标：4、5、7）。"
    with pytest.raises(AlreadyLinked):
        seeded.run(link_submission, POLICE, filed.submission_id, "4", SEED_NOW)
    seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)
    with pytest.raises(AlreadyLinked):
        seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)
    seeded.run(link_submission, POLICE, filed.submission_id, "7", SEED_NOW)
    with pytest.raises(NothingToLink):
        seeded.run(link_choices, POLICE, filed.submission_id)
    seeded.run(withdraw, POLICE, filed.submission_id, SEED_NOW)
    with pytest.raises(ChoiceGone):
        seeded.run(link_submission, POLICE, filed.submission_id, "5", SEED_NOW)
    assert len(submissions(seeded)) == 3
