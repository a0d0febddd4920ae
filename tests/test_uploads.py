"""Upload use cases: who may upload and press which button, and what each answers with."""

from __future__ import annotations

import threading
from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from bot import texts
from bot.db import Database
from bot.matching import Matcher
from bot.models import AuditEvent, Chat, FileColumns, PendingUpload, Submission, Unit
from bot.refusals import Refusal
from bot.services import uploads
from bot.services.access import Actor, Identity, NotAllowed, as_actor
from bot.services.campaigns import find_campaign
from bot.services.uploads import (
    Admitted,
    ChoiceGone,
    Duplicate,
    Filed,
    FileFacts,
    FileRefused,
    Ignored,
    MatcherCache,
    Moved,
    NeedsChoice,
    UploadRequest,
    Withdrawn,
    admit_upload,
    all_choices,
    cancel_pending,
    choose_indicator,
    receive_upload,
    reclassify,
    reclassify_choices,
    withdraw,
)
from bot.storage import FileStore
from bot.wording import html_escape, plain
from bot.wording.uploads import moved, receipt
from tests.conftest import DATA, SEED_NOW

LIMIT = 20 * 1024 * 1024
CASES = "侵犯知识产权行政案件信息表.xlsx"  # confidently indicator 4, which 公安局 owes
SCAN = "扫描件001.pdf"  # says nothing: the bot asks

STRANGER = Actor(9, 9, "private", False, False, None, "路人")
POLICE = Actor(2, 2, "private", False, True, "公安局", "公安局联络员")
TOURISM = Actor(3, 3, "private", False, True, "文旅局", "文旅局联络员")
POLICE_GROUP_MEMBER = Actor(4, -100, "unit", False, False, "公安局", "群成员")
UNBOUND_GROUP_MEMBER = Actor(4, -200, "unbound", False, False, None, "群成员")
COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
IN_COORDINATOR_GROUP = Actor(5, -300, "coordinator", False, False, None, "协调组成员")
OPERATOR = Actor.operator()


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture(scope="module")
def matchers() -> MatcherCache:
    return MatcherCache(DATA / "glossary.toml")


def send(
    database: Database,
    store: FileStore,
    matchers: MatcherCache,
    actor: Actor,
    name: str,
    data: bytes,
):
    # Stored as is: these tests are about who may do what, not about the content check
    # (tests/test_filecheck.py), so their files may be any bytes.
    stored = store.put_bytes(data)
    request = UploadRequest(name, "", "", stored, "file-id", "unique-id")
    return database.run(receive_upload, actor, store, matchers, request, SEED_NOW)


def rows(database: Database, model: type) -> int:
    with database.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


# ----- who may upload ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "sentence"),
    [
        (STRANGER, texts.UPLOAD_NOT_REGISTERED),
        (COORDINATOR, texts.UPLOAD_NOT_REGISTERED),  # a coordinator acts for no unit
        (UNBOUND_GROUP_MEMBER, texts.UPLOAD_UNBOUND_GROUP),
    ],
    ids=["stranger", "coordinator", "unbound group"],
)
def test_a_sender_who_acts_for_no_unit_is_refused_before_the_download_and_at_filing(
    seeded: Database, store: FileStore, matchers: MatcherCache, actor: Actor, sentence: str
) -> None:
    with pytest.raises(NotAllowed) as before:
        seeded.run(admit_upload, actor, CASES, 100, LIMIT)
    with pytest.raises(NotAllowed) as at_filing:
        send(seeded, store, matchers, actor, CASES, b"cases")
    assert str(before.value) == str(at_filing.value) == sentence
    assert rows(seeded, Submission) == rows(seeded, PendingUpload) == 0


@pytest.mark.parametrize("actor", [IN_COORDINATOR_GROUP, OPERATOR], ids=["group", "operator"])
def test_a_file_shared_in_the_coordinator_group_is_ignored_not_refused(
    seeded: Database, store: FileStore, matchers: MatcherCache, actor: Actor
) -> None:
    # Even an oversized file: nothing is said and nothing is downloaded.
    assert seeded.run(admit_upload, actor, "会议纪要.exe", 10 * LIMIT, LIMIT) == Ignored()
    assert send(seeded, store, matchers, actor, CASES, b"cases") == Ignored()
    assert rows(seeded, Submission) == rows(seeded, PendingUpload) == 0


def test_a_contact_in_the_coordinator_group_still_uploads_for_their_unit(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    contact_there = Actor(2, -300, "coordinator", False, True, "公安局", "公安局联络员")
    assert seeded.run(admit_upload, contact_there, CASES, 100, LIMIT) == Admitted()
    filed = send(seeded, store, matchers, contact_there, CASES, b"cases")
    assert isinstance(filed, Filed)
    assert (filed.unit, filed.number) == ("公安局", "4")


def test_a_group_unbound_after_its_file_was_admitted_is_refused_at_filing(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    with seeded.uow() as uow:
        police = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert police is not None
        uow.session.add(Chat(telegram_chat_id=-100, kind="unit", unit_id=police.id))
        uow.commit()
    member = Identity(user_id=4, chat_id=-100, private=False, name="群成员")
    assert seeded.run(as_actor(member, admit_upload), CASES, 100, LIMIT) == Admitted()
    with seeded.uow() as uow:
        uow.session.execute(delete(Chat).where(Chat.telegram_chat_id == -100))
        uow.commit()
    request = UploadRequest(CASES, "", "", store.put_bytes(b"cases"))
    with pytest.raises(NotAllowed, match="本群还没有绑定单位"):
        seeded.run(as_actor(member, receive_upload), store, matchers, request, SEED_NOW)
    assert rows(seeded, Submission) == 0


@pytest.mark.parametrize(
    ("name", "size", "sentence"),
    [
        (
            "<b>大</b>.zip",
            21 * 1024 * 1024,
            "文件“&lt;b&gt;大&lt;/b&gt;.zip”有 21.0 MB，超过了 20 MB",
        ),
        ("空.pdf", 0, "文件“空.pdf”是空的（0 字节）"),
        ("案件信息表.exe", 100, "不接收这种类型的文件（案件信息表.exe）"),
    ],
    ids=["too big", "empty", "executable"],
)
def test_a_file_we_do_not_take_is_refused_with_its_name_escaped_for_the_bot(
    seeded: Database, name: str, size: int, sentence: str
) -> None:
    with pytest.raises(FileRefused) as refused:
        seeded.run(admit_upload, POLICE, name, size, LIMIT)
    assert refused.value.sentence(html_escape).startswith(sentence)
    assert refused.value.fields["filename"] == name  # kept apart, escaped only when shown


def test_a_unit_that_owes_nothing_is_told_so_with_its_name_as_a_field(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    with seeded.uow() as uow:
        uow.session.add(Unit(name="<新>局"))
        uow.commit()
    newcomer = Actor(7, 7, "private", False, True, "<新>局", "联络员")
    with pytest.raises(NotAllowed) as refused:
        send(seeded, store, matchers, newcomer, CASES, b"cases")
    assert refused.value.fields == {"unit": "<新>局"}
    assert refused.value.sentence(html_escape).startswith("&lt;新&gt;局 在本活动中")


# ----- what a received file becomes -----------------------------------------------------------


def test_a_clear_file_is_filed_and_the_same_bytes_again_are_a_duplicate(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = send(seeded, store, matchers, POLICE_GROUP_MEMBER, CASES, b"cases")
    assert isinstance(filed, Filed)
    assert (filed.number, filed.method, filed.unit) == ("4", "auto", "公安局")
    assert [i.indicator for i in filed.still_owed] == ["5", "7"]
    again = send(seeded, store, matchers, POLICE, "再发一次.xlsx", b"cases")
    assert again == Duplicate(CASES, "4", filed.title, 1, SEED_NOW)
    with seeded.uow() as uow:
        submission = uow.session.get_one(Submission, filed.submission_id)
        assert (submission.uploaded_by, submission.chat_id) == (4, -100)
        assert (submission.telegram_file_id, submission.uploader_name) == ("file-id", "群成员")


def test_file_facts_carry_exactly_the_file_columns() -> None:
    assert [f.name for f in fields(FileFacts)] == list(FileColumns.__annotations__)


# ----- the buttons ------------------------------------------------------------------------------


def question(
    database: Database, store: FileStore, matchers: MatcherCache, salt: str = ""
) -> NeedsChoice:
    asked = send(database, store, matchers, POLICE, SCAN, f"%PDF-1.4 junk{salt}".encode())
    assert isinstance(asked, NeedsChoice)
    return asked


def receipt_of(
    database: Database, store: FileStore, matchers: MatcherCache, salt: str = ""
) -> Filed:
    filed = send(database, store, matchers, POLICE, CASES, f"cases{salt}".encode())
    assert isinstance(filed, Filed)
    return filed


BUTTONS = {
    "pick": lambda db, actor, q, r: db.run(choose_indicator, actor, q.pending_id, "7", SEED_NOW),
    "all": lambda db, actor, q, r: db.run(all_choices, actor, q.pending_id),
    "cancel": lambda db, actor, q, r: db.run(cancel_pending, actor, q.pending_id, SEED_NOW),
    "withdraw": lambda db, actor, q, r: db.run(withdraw, actor, r.submission_id, SEED_NOW),
    "move?": lambda db, actor, q, r: db.run(reclassify_choices, actor, r.submission_id),
    "move": lambda db, actor, q, r: db.run(reclassify, actor, r.submission_id, "5", SEED_NOW),
}
WHO = {
    "stranger": (STRANGER, False),
    "other unit's contact": (TOURISM, False),
    "unbound group member": (UNBOUND_GROUP_MEMBER, False),
    "own contact": (POLICE, True),
    "own unit's group member": (POLICE_GROUP_MEMBER, True),
    "coordinator": (COORDINATOR, True),
    "operator": (OPERATOR, True),
}


@pytest.mark.parametrize("who", list(WHO))
def test_only_people_acting_for_the_files_unit_and_coordinators_may_press_its_buttons(
    seeded: Database, store: FileStore, matchers: MatcherCache, who: str
) -> None:
    actor, allowed = WHO[who]
    for button, press in BUTTONS.items():
        # A fresh question and receipt for each button: some of them use theirs up.
        asked, filed = (
            question(seeded, store, matchers, button),
            receipt_of(seeded, store, matchers, button),
        )
        if allowed:
            press(seeded, actor, asked, filed)
        else:
            with pytest.raises(NotAllowed, match=texts.UPLOAD_NOT_YOURS):
                press(seeded, actor, asked, filed)


def test_a_button_for_something_already_handled_is_a_refusal_that_says_so(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    asked, filed = question(seeded, store, matchers), receipt_of(seeded, store, matchers)
    seeded.run(cancel_pending, POLICE, asked.pending_id, SEED_NOW)
    seeded.run(withdraw, POLICE, filed.submission_id, SEED_NOW)
    for press in BUTTONS.values():
        with pytest.raises(ChoiceGone) as gone:
            press(seeded, COORDINATOR, asked, filed)
        assert isinstance(gone.value, Refusal)
        assert str(gone.value) == texts.UPLOAD_CHOICE_GONE


def test_picking_files_under_the_uploader_and_audits_the_person_who_pressed(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    asked = question(seeded, store, matchers)
    filed = seeded.run(choose_indicator, POLICE_GROUP_MEMBER, asked.pending_id, "7", SEED_NOW)
    assert (filed.number, filed.method) == ("7", "chosen")
    with seeded.uow() as uow:
        submission = uow.session.get_one(Submission, filed.submission_id)
        assert submission.uploaded_by == POLICE.user_id
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "submit")).one()
        campaign = find_campaign(uow.session)
        assert (event.actor, event.campaign_id) == ("4", campaign.id)
        assert event.detail == {"submission": filed.submission_id, "method": "chosen"}


def test_withdraw_answers_with_the_file_name_and_indicator_and_is_audited(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = receipt_of(seeded, store, matchers)
    assert seeded.run(withdraw, OPERATOR, filed.submission_id, SEED_NOW) == Withdrawn(CASES, "4")
    with seeded.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw")).one()
        assert (event.actor, event.detail) == ("cli", {"submission": filed.submission_id})


def test_a_move_is_told_from_its_result_without_cutting_up_a_receipt(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = receipt_of(seeded, store, matchers)
    offer = seeded.run(reclassify_choices, POLICE, filed.submission_id)
    assert [c.number for c in offer.choices] == ["5", "7"]
    move = seeded.run(reclassify, POLICE, filed.submission_id, "7", SEED_NOW)
    assert isinstance(move, Moved)
    assert (move.old_number, move.filed.number, move.filed.method) == ("4", "7", "corrected")
    first, owed = moved(move, plain).split("\n")
    assert first.startswith(f"已改归类：“{CASES}”从 指标4 改到 指标7")
    assert owed == receipt(move.filed, plain).split("\n")[-1]
    assert owed.startswith("公安局 还需报送 2 项：4.")


# ----- matchers shared by worker threads --------------------------------------------------------


def test_two_uploads_asking_for_a_new_matcher_at_once_build_it_once(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[Matcher] = []
    both_asking = threading.Barrier(2)

    class SlowMatcher(Matcher):
        def __init__(self, *args, **kwargs) -> None:
            threading.Event().wait(0.2)  # a build takes a while: the other thread asks meanwhile
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(uploads.matchers, "Matcher", SlowMatcher)
    cache = MatcherCache(DATA / "glossary.toml")
    got: list[Matcher] = []

    def ask() -> None:
        with seeded.uow() as uow:
            campaign = find_campaign(uow.session)
            both_asking.wait()
            got.append(cache.for_campaign(uow.session, campaign))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert got == [built[0], built[0]]
