"""Uploads held against their indicator's templates: a blank template is not filed, a filled
one is compared (receipt, /review, the workbook, the one-tap return), and a default-named
spreadsheet is filed by its template header."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot import texts
from bot.db import Database
from bot.models import PendingUpload, Submission
from bot.reminder_results import ReminderMessage
from bot.services import reminders
from bot.services.access import Actor, NotAllowed
from bot.services.review import return_for_differences, review_queue
from bot.services.summary import summary
from bot.services.templates import add_template, store_template_file
from bot.services.uploads import (
    BlankTemplate,
    Filed,
    MatcherCache,
    NeedsChoice,
    UploadRequest,
    choose_indicator,
    receive_upload,
    reclassify,
)
from bot.storage import FileStore
from bot.structure import Difference
from bot.wording import plain
from bot.wording.review import review_item_text
from bot.wording.uploads import moved, receipt
from bot.workbooks import summary_workbook
from tests.conftest import DATA, SEED_NOW
from tests.fixtures.office_files import make_docx, make_xlsx, pdf_data
from tests.test_reminder_commands import MONDAY_0901
from tests.test_reminder_commands import POLICE as POLICE_GROUP
from tests.test_reminders import bind_groups

POLICE = Actor(2, 2, "private", False, True, "公安局", "公安局联络员")  # owes 4, 5 and 7
COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
OPERATOR = Actor.operator()
CASES = ("序号", "案件名称", "立案时间", "移送时间", "处罚结果")  # indicator 7's template
TRAINING = ("序号", "培训名称", "培训时间", "参训人数")  # indicator 4's template
UNSURE = "新建 Microsoft Excel 工作表.xlsx"  # says nothing about the indicator
MISSING_MOVED = (Difference("missing_columns", ("移送时间",)),)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture(scope="module")
def matchers() -> MatcherCache:
    return MatcherCache(DATA / "glossary.toml")


def sheet(tmp_path: Path, name: str, header: tuple[str, ...], *rows: tuple[object, ...]) -> bytes:
    return make_xlsx(tmp_path / name, "表", [("信息表",), header, *rows]).read_bytes()


def attach(db: Database, store: FileStore, number: str, name: str, data: bytes) -> None:
    db.run(add_template, OPERATOR, number, store_template_file(store, data, name), name, SEED_NOW)


def send(db: Database, store: FileStore, matchers: MatcherCache, name: str, data: bytes):
    request = UploadRequest(name, "", "", store.put_bytes(data), "file-id", "unique-id")
    return db.run(receive_upload, POLICE, store, matchers, request, SEED_NOW)


def count(db: Database, model: type) -> int:
    with db.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def stored_differences(db: Database, submission_id: int) -> object:
    with db.uow() as uow:
        return uow.session.get_one(Submission, submission_id).template_differences


@pytest.fixture
def templated(seeded: Database, store: FileStore, tmp_path: Path) -> Database:
    """Indicator 7 has an .xlsx template, and 4 another one."""
    attach(seeded, store, "7", "移送案件信息表.xlsx", sheet(tmp_path, "t7.xlsx", CASES))
    attach(seeded, store, "4", "培训信息表.xlsx", sheet(tmp_path, "t4.xlsx", TRAINING))
    return seeded


def test_a_template_sent_back_unchanged_is_neither_filed_nor_asked_about(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    blank = sheet(tmp_path, "t7.xlsx", CASES)
    outcome = send(templated, store, matchers, "移送案件信息表.xlsx", blank)
    assert isinstance(outcome, BlankTemplate)
    assert outcome.template.number == "7"
    assert (count(templated, Submission), count(templated, PendingUpload)) == (0, 0)


def test_a_filled_sheet_missing_a_template_column_is_filed_and_the_receipt_says_what_differs(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    header = ("序号", "案件名称", "立案时间", "处罚结果", "备注2")
    data = sheet(tmp_path, "f.xlsx", header, (1, "甲案", "2023-05-01", "罚款", ""))
    filed = send(templated, store, matchers, "指标7 移送案件信息表.xlsx", data)
    assert isinstance(filed, Filed)
    assert filed.number == "7"
    assert filed.differences == (
        *MISSING_MOVED,
        Difference("extra_columns", ("备注2",)),
    )
    assert "\n与模板不一致：缺少列『移送时间』；多出列『备注2』\n" in receipt(filed, plain)
    assert stored_differences(templated, filed.submission_id) == [
        {"kind": "missing_columns", "names": ["移送时间"], "where": ""},
        {"kind": "extra_columns", "names": ["备注2"], "where": ""},
    ]


def test_a_sheet_that_agrees_with_its_template_and_a_pdf_are_filed_without_differences(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    data = sheet(tmp_path, "f.xlsx", CASES, (1, "甲案", "2023-05-01", "2023-06-01", "罚款"))
    alike = send(templated, store, matchers, "指标7 移送案件信息表.xlsx", data)
    assert isinstance(alike, Filed)
    assert alike.differences == ()
    assert "与模板不一致" not in receipt(alike, plain)
    assert stored_differences(templated, alike.submission_id) is None
    pdf = send(templated, store, matchers, "指标7 移送案件信息表.pdf", pdf_data("cases"))
    assert isinstance(pdf, Filed)
    assert (pdf.number, pdf.differences) == ("7", ())


def test_a_document_is_not_held_against_a_spreadsheet_template(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    path = make_docx(tmp_path / "d.docx", "移送案件情况", table_header=("案件",))
    filed = send(templated, store, matchers, "指标7 移送案件情况.docx", path.read_bytes())
    assert isinstance(filed, Filed)
    assert (filed.number, filed.differences) == ("7", ())


def test_a_file_filed_by_a_button_or_moved_is_compared_with_its_new_indicators_template(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    header = tuple(c for c in CASES if c != "移送时间")
    asked = send(templated, store, matchers, "扫描件.xlsx", sheet(tmp_path, "s.xlsx", header))
    assert isinstance(asked, NeedsChoice)
    filed = templated.run(choose_indicator, POLICE, asked.pending_id, "7", SEED_NOW, store)
    assert filed.differences == MISSING_MOVED
    assert stored_differences(templated, filed.submission_id) == [
        {"kind": "missing_columns", "names": ["移送时间"], "where": ""}
    ]
    # Moved to 5 (no template): no differences; back to 7: they are found again.
    to_five = templated.run(reclassify, POLICE, filed.submission_id, "5", SEED_NOW, store)
    assert to_five.filed.differences == ()
    back = templated.run(reclassify, POLICE, to_five.filed.submission_id, "7", SEED_NOW, store)
    assert back.filed.differences == MISSING_MOVED
    assert "与模板不一致：缺少列『移送时间』" in moved(back, plain)


def test_a_default_named_sheet_with_an_indicators_template_header_is_filed_there_unasked(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    data = sheet(tmp_path, "u.xlsx", CASES, (1, "甲案", "2023-05-01", "2023-06-01", "罚款"))
    filed = send(templated, store, matchers, UNSURE, data)
    assert isinstance(filed, Filed)
    assert (filed.number, filed.method, filed.differences) == ("7", "auto", ())
    assert count(templated, PendingUpload) == 0


def test_a_default_named_sheet_with_no_template_header_is_still_asked_about(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    data = sheet(tmp_path, "u.xlsx", ("姓名", "电话"), ("张三", "123"))
    assert isinstance(send(templated, store, matchers, UNSURE, data), NeedsChoice)


def test_a_sheet_that_fits_two_owed_indicators_templates_alike_is_asked_with_those_two_first(
    seeded: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    attach(seeded, store, "7", "移送案件信息表.xlsx", sheet(tmp_path, "t7.xlsx", CASES))
    attach(seeded, store, "5", "案件表.xlsx", sheet(tmp_path, "t5.xlsx", CASES, (None,)))
    data = sheet(tmp_path, "u.xlsx", CASES, (1, "甲案", "2023-05-01", "2023-06-01", "罚款"))
    asked = send(seeded, store, matchers, UNSURE, data)
    assert isinstance(asked, NeedsChoice)
    assert sorted(c.number for c in asked.choices[:2]) == ["5", "7"]


def test_review_flags_a_differing_file_and_returns_it_in_one_tap_with_the_differences(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    header = tuple(c for c in CASES if c != "移送时间")
    filed = send(
        templated, store, matchers, "指标7 移送案件.xlsx", sheet(tmp_path, "f.xlsx", header)
    )
    agrees = send(
        templated,
        store,
        matchers,
        "指标4 培训.xlsx",
        sheet(tmp_path, "g.xlsx", TRAINING, (1, "培训", "", 9)),
    )
    queue = templated.run(review_queue, COORDINATOR)
    flagged = {item.number: item.differences for item in queue.items}
    assert flagged == {"7": MISSING_MOVED, "4": ()}
    [item] = [i for i in queue.items if i.number == "7"]
    assert review_item_text(item, queue.timezone).endswith("\n⚠️ 与模板不一致：缺少列『移送时间』")

    with pytest.raises(NotAllowed) as refused:
        templated.run(return_for_differences, COORDINATOR, agrees.submission_id, SEED_NOW)
    assert refused.value.text == texts.REVIEW_NO_DIFFERENCES
    with pytest.raises(NotAllowed):
        templated.run(return_for_differences, POLICE, filed.submission_id, SEED_NOW)
    returned = templated.run(return_for_differences, COORDINATOR, filed.submission_id, SEED_NOW)
    assert returned.reason == "与模板不一致：缺少列『移送时间』"
    with templated.uow() as uow:
        submission = uow.session.get_one(Submission, filed.submission_id)
        assert (submission.review_status, submission.review_comment) == (
            "returned",
            returned.reason,
        )


def test_the_summary_workbooks_submissions_sheet_shows_the_differences(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    header = tuple(c for c in CASES if c != "移送时间")
    send(templated, store, matchers, "指标7 移送案件.xlsx", sheet(tmp_path, "f.xlsx", header))
    send(
        templated,
        store,
        matchers,
        "指标4 培训.xlsx",
        sheet(tmp_path, "g.xlsx", TRAINING, (1, "培训", "", 9)),
    )
    book = load_workbook(BytesIO(summary_workbook(templated.run(summary, SEED_NOW))))
    rows = list(book[texts.XLSX_SHEET_SUBMISSIONS].iter_rows(values_only=True))
    assert rows[0][-1] == "与模板差异"
    by_indicator = {row[1]: row[-1] for row in rows[1:]}
    assert by_indicator["7"] == "与模板不一致：缺少列『移送时间』"
    assert by_indicator["4"] in ("", None)


def test_a_reminder_names_the_owed_indicators_that_have_templates_for_their_buttons(
    templated: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    bind_groups(templated)
    preview = templated.run(reminders.preview_round, OPERATOR, MONDAY_0901)
    police = dict(preview.messages)[POLICE_GROUP]
    assert isinstance(police, ReminderMessage)
    assert police.templates == ("4", "7")
    # Once 7 is delivered, only 4's button is left.
    send(templated, store, matchers, "指标7 移送案件.xlsx", sheet(tmp_path, "f.xlsx", CASES, (1,)))
    preview = templated.run(reminders.preview_round, OPERATOR, MONDAY_0901)
    police = dict(preview.messages)[POLICE_GROUP]
    assert isinstance(police, ReminderMessage)
    assert police.templates == ("4",)
