"""Webhook mode for real (`python -m bot run` with WEBHOOK_URL): the secret is required and
checked, and an update answered 200 is in the durable inbox, so a SIGKILL loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.models import AuditEvent, Contact, InboxUpdate, Submission, Unit
from bot.services.access import Actor
from bot.services.reminders import set_rules
from bot.storage import FileStore
from emulator import BotApiEmulator, EmuUser
from tests.conftest import ROOT
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.processes import (
    CASES_XLSX,
    WAIT,
    BotProcesses,
    free_port,
    handled,
    seeded_sqlite,
)

SECRET = "Qx3v_k9Lz-2mWp8RtY4nB6cD1fGh0JsAeUoI7lKqZwX"  # 43 characters, as token_urlsafe(32)
HOOK_PATH = "/telegram/yingjian"


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    found = seeded_sqlite(tmp_path, sqlite_template)
    yield found
    found.dispose()


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bots(
    emu: BotApiEmulator, database: Database, tmp_path: Path
) -> AsyncIterator[BotProcesses]:
    processes = BotProcesses(emu, str(database.engine.url), tmp_path)
    try:
        yield processes
    finally:
        await processes.kill_all()


def police_officer(emu: BotApiEmulator, database: Database) -> EmuUser:
    """A registered contact of 公安局; the seed's 2023 reminder rounds are switched off."""
    officer = emu.add_user("李警官")
    with database.uow() as uow:
        set_rules(uow, Actor.operator(), ["-1d"])
        unit = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert unit is not None
        uow.session.add(
            Contact(telegram_user_id=officer.id, unit_id=unit.id, display_name="李警官")
        )
        uow.commit()
    return officer


def webhook_env(port: int) -> dict[str, str]:
    return {
        "WEBHOOK_URL": f"http://127.0.0.1:{port}{HOOK_PATH}",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
    }


def row_counts(database: Database) -> tuple[int, int, int]:
    """Inbox rows, submissions and audit events: what a forged update could change."""
    with database.uow() as uow:
        return tuple(  # type: ignore[return-value]
            uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (InboxUpdate, Submission, AuditEvent)
        )


async def test_in_webhook_mode_telegram_posts_updates_with_the_secret_and_the_bot_answers(
    emu: BotApiEmulator, database: Database, bots: BotProcesses
) -> None:
    officer = police_officer(emu, database)
    port = free_port()
    bot = await bots.start(**webhook_env(port))
    hook = f"http://127.0.0.1:{port}{HOOK_PATH}"
    assert emu.api.webhook["url"] == hook
    assert emu.api.webhook["secret_token"] == SECRET

    emu.send_text(officer, officer, "还差什么")
    [owed] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert "还需报送 3 项" in owed.shown_text
    emu.send_document(officer, officer, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    [receipt] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert receipt.shown_text.startswith("✅ 已登记到 指标4")
    assert emu.calls_to("getUpdates") == []
    await bots.until(lambda: all(handled(database).values()), "both updates marked handled")
    assert len(handled(database)) == 2  # each post went through the durable inbox

    bot.send_signal(signal.SIGTERM)  # as systemd stops it: a clean exit
    assert await asyncio.wait_for(bot.wait(), WAIT) == 0


async def test_a_forged_post_without_the_secret_or_with_a_wrong_one_gets_403_and_changes_nothing(
    emu: BotApiEmulator, database: Database, bots: BotProcesses
) -> None:
    officer = police_officer(emu, database)
    port = free_port()
    await bots.start(**webhook_env(port))
    hook = f"http://127.0.0.1:{port}{HOOK_PATH}"
    before = row_counts(database)
    forged = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/owe",
            "from": {"id": officer.id, "is_bot": False, "first_name": "李警官"},
            "chat": {"id": officer.id, "type": "private"},
        },
    }
    wrong = {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1] + "Y"}
    prefix = {"X-Telegram-Bot-Api-Secret-Token": SECRET[:32]}
    async with aiohttp.ClientSession() as session:
        for headers in ({}, wrong, prefix, {"X-Telegram-Bot-Api-Secret-Token": ""}):
            async with session.post(hook, json=forged, headers=headers) as response:
                assert response.status == 403
    # The real one still gets in, and is the only thing that happened.
    emu.send_text(officer, officer, "还差什么")
    [owed] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert "还需报送 3 项" in owed.shown_text
    await bots.until(lambda: all(handled(database).values()), "the real update handled")
    assert 999 not in handled(database)
    assert row_counts(database)[0] == before[0] + 1
    assert row_counts(database)[1:] == before[1:]
    assert len(emu.messages_in(officer)) == 1
    assert SECRET not in bots.output()


async def test_a_bot_killed_right_after_answering_200_to_an_upload_files_it_after_restart(
    emu: BotApiEmulator, database: Database, bots: BotProcesses
) -> None:
    officer = police_officer(emu, database)
    port = free_port()
    first = await bots.start(**webhook_env(port))
    # Telegram got its 200 (the update is confirmed), then getFile hangs: the bot is killed.
    emu.fail_next("getFile", timeout=True, hold=60)
    emu.send_document(officer, officer, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    await bots.until(
        lambda: emu.calls_to("getFile") and emu.pending_updates() == 0,
        "the post answered 200 and getFile asked",
    )
    await bots.kill(first)
    assert list(handled(database).values()) == [False]  # recorded before the answer
    assert emu.messages_in(officer) == []
    assert emu.pending_updates() == 0  # Telegram will not post it again

    await bots.start(**webhook_env(port))
    [receipt] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert receipt.shown_text.startswith("✅ 已登记到 指标4")
    assert bots.log_count("left unhandled by the last run") == 1
    with database.uow() as uow:
        [submission] = uow.session.scalars(select(Submission))
        uow.session.expunge(submission)
    assert submission.filename == "侵犯知识产权行政案件信息表.xlsx"
    assert FileStore(bots.storage).path_for(submission.storage_key).read_bytes() == CASES_XLSX
    await bots.until(lambda: all(handled(database).values()), "the replayed upload handled")


@pytest.mark.parametrize("secret", ["", "hunter2-too-short", "x" * 31, "有" * 40])
def test_webhook_mode_refuses_to_start_without_a_long_enough_secret(
    secret: str, database: Database, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL="http://127.0.0.1:9/bot",  # never reached: it refuses first
        DATABASE_URL=str(database.engine.url),
        STORAGE_DIR=str(tmp_path / "files"),
        WEBHOOK_URL=f"https://bot.example.gov.cn{HOOK_PATH}",
        WEBHOOK_SECRET=secret,
        PYTHONPATH=str(ROOT),
    )
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 1
    assert "WEBHOOK_SECRET" in finished.stderr
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in finished.stderr
    if secret:
        assert secret not in finished.stdout + finished.stderr
