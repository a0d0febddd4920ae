"""A unit's pace (the upload throttle) and a campaign's storage quota: both decided before the
download, by admit_upload, on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.db import Database
from bot.models import PendingUpload, Submission
from bot.services.access import Actor
from bot.services.campaigns import find_campaign
from bot.services.uploads import (
    Admitted,
    Filed,
    MatcherCache,
    NeedsChoice,
    OverQuota,
    Throttled,
    TooManyUploads,
    UploadRequest,
    admit_upload,
    campaign_stored_bytes,
    cancel_pending,
    receive_upload,
    withdraw,
)
from bot.storage import FileStore
from bot.throttle import Throttle
from bot.wording import html_escape
from tests.conftest import DATA, SEED_NOW, SEED_WORKBOOK, import_workbook

LIMIT = 20 * 1024 * 1024
CASES = "侵犯知识产权行政案件信息表.xlsx"  # confidently indicator 4, which 公安局 owes
SCAN = "扫描件001.pdf"  # says nothing: the bot asks
POLICE = Actor(2, 2, "private", False, True, "公安局", "公安局联络员")
POLICE_GROUP_MEMBER = Actor(4, -100, "unit", False, False, "公安局", "群成员")
TOURISM = Actor(3, 3, "private", False, True, "文旅局", "文旅局联络员")


class FakeClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture(scope="module")
def matchers() -> MatcherCache:
    return MatcherCache(DATA / "glossary.toml")


def admit(
    database: Database,
    actor: Actor,
    throttle: Throttle | None = None,
    quota: int | None = None,
    size: int = 100,
    name: str = CASES,
) -> Admitted | Throttled | TooManyUploads | OverQuota:
    """What admission says of one file; a refusal is returned rather than raised."""
    try:
        return database.run(admit_upload, actor, name, size, LIMIT, throttle, quota)
    except (TooManyUploads, OverQuota) as refusal:
        return refusal


def burst(database: Database, actor: Actor, throttle: Throttle, count: int) -> list[object]:
    return [admit(database, actor, throttle, name=f"材料{n}.xlsx") for n in range(count)]


def rows(database: Database, model: type) -> int:
    with database.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


# ----- the throttle on its own ------------------------------------------------------------------


def test_the_throttle_takes_a_burst_then_answers_one_refusal_and_keeps_quiet(
    clock: FakeClock,
) -> None:
    throttle = Throttle(3, 60, clock)

    verdicts = [throttle.take("公安局") for _ in range(6)]

    assert [v.taken for v in verdicts] == [True, True, True, False, False, False]
    assert [v.tell for v in verdicts] == [False, False, False, True, False, False]
    assert verdicts[3].wait_seconds == 60


def test_the_throttle_frees_a_slot_when_the_oldest_event_leaves_the_window(
    clock: FakeClock,
) -> None:
    throttle = Throttle(2, 60, clock)
    throttle.take("公安局")
    clock.seconds += 20
    throttle.take("公安局")
    clock.seconds += 10

    refused = throttle.take("公安局")
    clock.seconds += 30  # the first event is 60 s old: out of the window

    assert (refused.taken, refused.wait_seconds) == (False, 30)
    assert throttle.take("公安局").taken
    assert not throttle.take("公安局").taken


def test_a_unit_still_flooding_after_its_answer_is_told_again_only_a_window_later(
    clock: FakeClock,
) -> None:
    throttle = Throttle(1, 60, clock)
    throttle.take("公安局")
    assert throttle.take("公安局").tell
    clock.seconds += 59
    assert not throttle.take("公安局").tell  # still the same window: silent

    clock.seconds += 1
    assert throttle.take("公安局").taken  # the first event left the window
    refused = throttle.take("公安局")

    assert (refused.taken, refused.tell) == (False, True)


@pytest.mark.parametrize(("burst_size", "window"), [(0, 60), (30, 0)])
def test_a_throttle_set_to_zero_takes_everything(burst_size: int, window: float) -> None:
    throttle = Throttle(burst_size, window)
    assert all(throttle.take("公安局").taken for _ in range(1000))


def test_the_settings_default_to_thirty_files_a_minute_and_a_five_gigabyte_quota() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.upload_burst, settings.upload_window_seconds) == (30, 60)
    assert settings.campaign_quota_bytes == 5120 * 1024 * 1024
    no_quota = Settings(_env_file=None, campaign_storage_quota_mb=0)  # type: ignore[call-arg]
    assert no_quota.campaign_quota_bytes is None


# ----- a unit's pace, through admit_upload --------------------------------------------------------


def test_a_burst_from_one_unit_gets_one_answer_and_the_rest_is_turned_away_silently(
    seeded: Database, clock: FakeClock
) -> None:
    throttle = Throttle(30, 60, clock)

    outcomes = burst(seeded, POLICE, throttle, 40)

    assert outcomes[:30] == [Admitted()] * 30
    answer = outcomes[30]
    assert isinstance(answer, TooManyUploads)
    assert outcomes[31:] == [Throttled()] * 9
    sentence = answer.sentence(html_escape)
    assert "请稍后再发" in sentence
    assert "每个单位每 60 秒最多接收 30 个文件" in sentence
    assert "“材料30.xlsx”和之后发来的文件都没有收下" in sentence
    assert "请等 60 秒后再发送" in sentence
    assert rows(seeded, Submission) == rows(seeded, PendingUpload) == 0


def test_the_answer_says_how_long_is_left_of_the_window(seeded: Database, clock: FakeClock) -> None:
    throttle = Throttle(2, 300, clock)
    burst(seeded, POLICE, throttle, 2)
    clock.seconds += 100

    answer = admit(seeded, POLICE, throttle)

    assert isinstance(answer, TooManyUploads)
    assert "每 5 分钟最多接收 2 个文件" in answer.sentence()
    assert "请等 4 分钟后再发送" in answer.sentence()  # 200 s, rounded up


def test_once_the_window_has_passed_the_unit_is_admitted_again(
    seeded: Database, clock: FakeClock
) -> None:
    throttle = Throttle(30, 60, clock)
    burst(seeded, POLICE, throttle, 40)
    clock.seconds += 30
    assert admit(seeded, POLICE, throttle) == Throttled()  # half the window: still quiet

    clock.seconds += 30

    assert burst(seeded, POLICE, throttle, 30) == [Admitted()] * 30
    assert isinstance(admit(seeded, POLICE, throttle), TooManyUploads)  # a new window's answer


def test_two_units_have_their_own_pace(seeded: Database, clock: FakeClock) -> None:
    throttle = Throttle(30, 60, clock)
    burst(seeded, POLICE, throttle, 40)

    assert burst(seeded, TOURISM, throttle, 30) == [Admitted()] * 30
    assert admit(seeded, POLICE, throttle) == Throttled()


def test_a_units_contact_and_its_group_share_one_pace(seeded: Database, clock: FakeClock) -> None:
    throttle = Throttle(4, 60, clock)
    burst(seeded, POLICE, throttle, 3)

    outcomes = burst(seeded, POLICE_GROUP_MEMBER, throttle, 3)

    assert outcomes[0] == Admitted()
    assert isinstance(outcomes[1], TooManyUploads)
    assert outcomes[2] == Throttled()


def test_a_file_shared_in_the_coordinator_group_does_not_count(
    seeded: Database, clock: FakeClock
) -> None:
    throttle = Throttle(1, 60, clock)
    colleague = Actor(5, -300, "coordinator", False, False, None, "协调组成员")

    assert len({str(admit(seeded, colleague, throttle)) for _ in range(5)}) == 1
    assert admit(seeded, POLICE, throttle) == Admitted()


# ----- the campaign's storage quota ---------------------------------------------------------------


def send(
    database: Database,
    store: FileStore,
    matchers: MatcherCache,
    actor: Actor,
    name: str,
    data: bytes,
    campaign: str | None = None,
) -> object:
    # Stored as is: the content check has its own tests; here only sizes matter.
    request = UploadRequest(name, "", "", store.put_bytes(data), campaign_code=campaign)
    return database.run(receive_upload, actor, store, matchers, request, SEED_NOW)


def stored_bytes(database: Database, code: str | None = None) -> int:
    with database.uow() as uow:
        campaign = find_campaign(uow.session, code)
        return campaign_stored_bytes(uow.session, campaign.id)


def test_a_file_that_would_take_the_campaign_over_its_quota_is_refused_before_download(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    assert isinstance(send(seeded, store, matchers, POLICE, CASES, b"a" * 6000), Filed)

    fits = admit(seeded, TOURISM, quota=10_000, size=4000)
    refused = admit(seeded, TOURISM, quota=10_000, size=4001, name="<行政>案件.xlsx")

    assert fits == Admitted()
    assert isinstance(refused, OverQuota)
    assert refused.sentence(html_escape) == (
        "本次活动的材料存储空间不足：上限 9.8 KB，已用 5.9 KB，"
        "文件“&lt;行政&gt;案件.xlsx”（3.9 KB）放不下，没有收下（未登记）。请联系协调人处理。"
    )


def test_the_quota_counts_withdrawn_files_and_open_questions_each_file_once(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = send(seeded, store, matchers, POLICE, CASES, b"a" * 1000)
    assert isinstance(filed, Filed)
    seeded.run(withdraw, POLICE, filed.submission_id, SEED_NOW)
    # The same bytes filed by another unit: one file in the store.
    send(seeded, store, matchers, TOURISM, "行政案件有关信息.xlsx", b"a" * 1000)
    question = send(seeded, store, matchers, POLICE, SCAN, b"b" * 200)
    assert isinstance(question, NeedsChoice)
    assert rows(seeded, Submission) == 2

    assert stored_bytes(seeded) == 1200
    assert isinstance(admit(seeded, POLICE, quota=1200, size=1), OverQuota)

    seeded.run(cancel_pending, POLICE, question.pending_id, SEED_NOW)
    assert stored_bytes(seeded) == 1000  # a cancelled question's file is no longer kept
    assert admit(seeded, POLICE, quota=1200, size=200) == Admitted()


def test_another_campaigns_files_do_not_count_against_this_ones_quota(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    send(seeded, store, matchers, POLICE, CASES, b"a" * 5000, campaign="yongning-ip-2023")
    import_workbook(seeded, SEED_WORKBOOK, code="second")
    send(seeded, store, matchers, POLICE, CASES, b"c" * 700, campaign="second")

    assert stored_bytes(seeded, "yongning-ip-2023") == 5000
    assert stored_bytes(seeded, "second") == 700
    # Admission is for the newest active campaign, "second": 700 of its 1000 bytes used.
    assert admit(seeded, POLICE, quota=1000, size=300) == Admitted()
    assert isinstance(admit(seeded, POLICE, quota=1000, size=301), OverQuota)


def test_without_a_quota_a_campaign_may_hold_any_amount(
    seeded: Database, store: FileStore, matchers: MatcherCache
) -> None:
    send(seeded, store, matchers, POLICE, CASES, b"a" * 5000)

    assert admit(seeded, POLICE, quota=None, size=LIMIT) == Admitted()
    assert isinstance(admit(seeded, POLICE, quota=5000, size=1), OverQuota)
