"""The sweep of stored files nothing refers to: on a real store and a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.db import Database
from bot.models import Campaign, Obligation, PendingUpload, Submission, Unit
from bot.services.housekeeping import SweepReport, sweep_orphan_blobs
from bot.storage import FileStore, StoredFile
from handlers import jobs
from handlers.app import build_application
from tests.conftest import ROOT

NOW = datetime.now(UTC).replace(microsecond=0)
GRACE = timedelta(hours=24)
LONG_AGO = NOW - timedelta(days=30)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def stored(store: FileStore, data: bytes, written_at: datetime = LONG_AGO) -> StoredFile:
    """Bytes in the store, last written at `written_at`."""
    found = store.put_bytes(data)
    stamp = written_at.timestamp()
    os.utime(store.path_for(found.key), (stamp, stamp))
    return found


def add_submission(database: Database, file: StoredFile, *, withdrawn: bool = False) -> None:
    with database.uow() as uow:
        obligation = uow.session.scalars(select(Obligation)).first()
        assert obligation is not None
        version = len(obligation.submissions) + 1
        uow.session.add(
            Submission(
                obligation_id=obligation.id,
                version=version,
                filename=f"材料{version}.pdf",
                sha256=file.sha256,
                storage_key=file.key,
                size=file.size,
                uploaded_at=LONG_AGO,
                withdrawn_at=LONG_AGO if withdrawn else None,
            )
        )
        uow.commit()


def add_pending(
    database: Database, file: StoredFile, *, resolved_at: datetime | None = None
) -> None:
    with database.uow() as uow:
        campaign = uow.session.scalars(select(Campaign)).one()
        unit = uow.session.scalars(select(Unit)).first()
        assert unit is not None
        uow.session.add(
            PendingUpload(
                campaign_id=campaign.id,
                unit_id=unit.id,
                filename="扫描件.pdf",
                sha256=file.sha256,
                storage_key=file.key,
                size=file.size,
                created_at=LONG_AGO,
                resolved_at=resolved_at,
                resolution="cancelled" if resolved_at else "",
            )
        )
        uow.commit()


def sweep(database: Database, store: FileStore, now: datetime = NOW) -> SweepReport:
    return database.run(sweep_orphan_blobs, store, now, GRACE)


def test_a_file_nothing_refers_to_is_removed_after_the_grace_period_and_not_before(
    seeded: Database, store: FileStore
) -> None:
    refused = stored(store, b"refused after download", NOW - GRACE - timedelta(minutes=1))
    recent = stored(store, b"stored an hour ago, its row not written yet", NOW - timedelta(hours=1))

    report = sweep(seeded, store)

    assert not store.exists(refused.key)
    assert store.exists(recent.key)
    assert (report.removed, report.removed_bytes, report.kept_young) == (1, refused.size, 1)
    assert list(store.root.glob(".tmp-*")) == []


def test_files_of_submissions_withdrawn_or_not_and_of_open_questions_are_kept_however_old(
    seeded: Database, store: FileStore
) -> None:
    live = stored(store, b"a delivered file")
    withdrawn = stored(store, b"a withdrawn file")
    waiting = stored(store, b"a file whose indicator is being asked")
    add_submission(seeded, live)
    add_submission(seeded, withdrawn, withdrawn=True)
    add_pending(seeded, waiting)

    report = sweep(seeded, store, NOW + timedelta(days=365))

    assert all(store.verify(f.key) for f in (live, withdrawn, waiting))
    assert (report.removed, report.kept_in_use) == (0, 3)


def test_a_cancelled_questions_file_goes_a_grace_period_after_the_cancellation(
    seeded: Database, store: FileStore
) -> None:
    file = stored(store, b"a file whose question was cancelled")
    cancelled_at = NOW - timedelta(hours=2)
    add_pending(seeded, file, resolved_at=cancelled_at)

    assert sweep(seeded, store).kept_young == 1
    assert store.exists(file.key)

    assert sweep(seeded, store, cancelled_at + GRACE + timedelta(minutes=1)).removed == 1
    assert not store.exists(file.key)


def test_a_file_chosen_after_its_question_stays_with_its_submission(
    seeded: Database, store: FileStore
) -> None:
    file = stored(store, b"asked, then filed under the chosen indicator")
    add_pending(seeded, file, resolved_at=LONG_AGO)
    add_submission(seeded, file)

    assert sweep(seeded, store).kept_in_use == 1
    assert store.verify(file.key)


def test_the_same_bytes_stored_again_make_an_unreferenced_file_young_again(
    seeded: Database, store: FileStore
) -> None:
    old = stored(store, b"uploaded again today")
    store.put_bytes(b"uploaded again today")  # a new upload, its row about to be written

    report = sweep(seeded, store)

    assert store.verify(old.key)
    assert report.kept_young == 1


def test_a_file_referenced_while_the_sweep_sets_it_aside_is_put_back(store: FileStore) -> None:
    file = stored(store, b"referenced at the last moment")

    def a_row_appeared() -> bool:
        return False

    kept = store.remove_unused(file.key, written_before=NOW, still_unused=a_row_appeared)

    assert not kept
    assert store.verify(file.key)
    assert list(store.root.glob(".tmp-*")) == []


def test_a_file_stored_anew_while_set_aside_is_kept_once(store: FileStore) -> None:
    file = stored(store, b"uploaded while being swept")

    def stored_meanwhile() -> bool:
        # The writer found nothing under the final name and wrote the bytes there again.
        store.put_bytes(b"uploaded while being swept")
        return False

    assert not store.remove_unused(file.key, written_before=NOW, still_unused=stored_meanwhile)
    assert store.verify(file.key)
    assert list(store.root.glob(".tmp-*")) == []


def test_the_bot_sweeps_once_a_day(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", telegram_bot_token="1:x")
    application = build_application(settings)
    assert application.job_queue is not None
    [job] = application.job_queue.get_jobs_by_name(jobs.SWEEP_JOB_NAME)
    assert job.trigger.interval == timedelta(days=1)  # type: ignore[attr-defined]


def test_python_m_bot_sweep_removes_an_orphan_and_says_what_it_kept(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    orphan = stored(store, b"nobody wants me")
    three_hours_old = stored(store, b"past a two-hour grace", NOW - timedelta(hours=3))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "STORAGE_DIR": str(store.root),
        "TELEGRAM_BOT_TOKEN": "",
        "ORPHAN_BLOB_GRACE_HOURS": "2",
    }
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "sweep"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    removed = orphan.size + three_hours_old.size
    assert f"已删除 2 个无人引用的文件（{removed} 字节）" in finished.stdout
    assert "未满 2 小时的 0 个" in finished.stdout
    assert not store.exists(orphan.key)
    assert not store.exists(three_hours_old.key)

    store.put_bytes(b"fresh")
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "sweep", "--grace-hours", "48"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "已删除 0 个" in finished.stdout
    assert "未满 48 小时的 1 个" in finished.stdout
