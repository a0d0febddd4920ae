"""A real bot process (`python -m bot run`) against the emulator: killed with SIGKILL and
restarted; and serving a webhook.

The emulator runs in the test process; the bot runs as a subprocess on an SQLite file, with
real time. Faults held by the emulator (a request that never gets its answer) put the process
in a known state before it is killed, so each test is deterministic.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import Contact, InboxUpdate, ReminderDispatch, Submission, Unit
from bot.schedule import QuietDays
from bot.services.onboarding import bind_chat, ensure_coordinator, who_is
from bot.services.reminders import set_deadline, set_rules
from bot.storage import FileStore
from emulator import BotApiEmulator
from tests.conftest import ROOT, SEED_WORKBOOK, import_workbook
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.fixtures.office_files import xlsx_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
CASES_XLSX = xlsx_data("行政案件")
WAIT = 20.0  # seconds: generous bounds for a process start under load
T = TypeVar("T")
JOB_DONE = "executed successfully"  # APScheduler's log line after each pass of the job


class BotProcesses:
    """Bot subprocesses against one emulator and one database; all killed at teardown."""

    def __init__(self, emu: BotApiEmulator, database_url: str, folder: Path) -> None:
        self.emu = emu
        self.folder = folder
        self.storage = folder / "files"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_", "STORAGE_"))
        }
        self.env.update(
            TELEGRAM_BOT_TOKEN=emu.token,
            TELEGRAM_BASE_URL=emu.base_url,
            TELEGRAM_BASE_FILE_URL=emu.base_file_url,
            BOT_USERNAME=BOT_USERNAME,
            DATABASE_URL=database_url,
            STORAGE_DIR=str(self.storage),
            REMINDER_CHECK_SECONDS="1",
            PTB_TIMEDELTA="1",
            PYTHONPATH=str(ROOT),
            TZ="Asia/Shanghai",
        )
        self.running: list[Process] = []
        self.logs: list[Path] = []

    async def start(self, **env: str) -> Process:
        """Start `python -m bot run` (more settings in `env`) and wait until it polls the
        emulator, or, with WEBHOOK_URL, until it has set its webhook."""
        polls = len(self.emu.calls_to("getUpdates"))
        webhooks = len(self.emu.calls_to("setWebhook"))
        log = self.folder / f"bot-{len(self.logs) + 1}.log"
        self.logs.append(log)
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.folder,  # no .env here: the environment above is the whole config
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.running.append(process)
        if "WEBHOOK_URL" in env:
            await self.until(lambda: len(self.emu.calls_to("setWebhook")) > webhooks, "setWebhook")
        else:
            await self.until(lambda: len(self.emu.calls_to("getUpdates")) > polls, "the first poll")
        return process

    async def kill(self, process: Process) -> None:
        """SIGKILL: no shutdown, no flush, nothing after the current instruction."""
        process.kill()
        await asyncio.wait_for(process.wait(), 10)
        assert process.returncode == -signal.SIGKILL, self.output()

    async def kill_all(self) -> None:
        for process in self.running:
            if process.returncode is None:
                process.kill()
                await asyncio.wait_for(process.wait(), 10)

    async def until(self, predicate: Callable[[], T | None], what: str) -> T:
        """Wait (bounded) for a condition on the emulator or the database."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            found = predicate()
            if found:
                return found
            for process in self.running[-1:]:
                if process.returncode not in (None, -signal.SIGKILL):
                    raise AssertionError(
                        f"the bot exited while waiting for {what}\n{self.output()}"
                    )
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.output()}")
            await asyncio.sleep(0.02)

    def log_count(self, text: str) -> int:
        """How often the latest process has logged `text`."""
        return self.logs[-1].read_text(errors="replace").count(text)

    def output(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in self.logs
        )


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """The seed campaign in an SQLite file the test and the bot process share."""
    path = tmp_path / "bot.db"
    shutil.copy(sqlite_template, path)
    found = Database(f"sqlite:///{path}")
    import_workbook(found, SEED_WORKBOOK)
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


def last_working_morning(now: datetime) -> datetime:
    """09:00 Shanghai on the latest working day whose 09:00 has passed (quiet days move
    rounds, and the test runs on any day of the year)."""
    quiet = QuietDays.from_iso([])
    local = now.astimezone(SHANGHAI)
    day = local.date()
    while not (quiet.is_working_day(day) and datetime.combine(day, time(9), SHANGHAI) <= local):
        day -= timedelta(days=1)
    return datetime.combine(day, time(9), SHANGHAI)


def ledger(database: Database) -> dict[int, list[str]]:
    """Statuses of the ledger rows per chat."""
    found: dict[int, list[str]] = {}
    with database.uow() as uow:
        for chat_id, status in uow.session.execute(
            select(ReminderDispatch.chat_id, ReminderDispatch.status).order_by(ReminderDispatch.id)
        ):
            found.setdefault(chat_id, []).append(status)
    return found


async def test_a_bot_killed_mid_round_sends_each_owing_group_exactly_one_reminder_after_restart(
    emu: BotApiEmulator, database: Database, bots: BotProcesses
) -> None:
    # Exactly one round is due at start: rule -15d 09:00 on the last working morning, with the
    # campaign's deadline two weeks ahead (a heads-up still worth sending).
    morning = last_working_morning(datetime.now(UTC))
    deadline = datetime.combine(morning.date() + timedelta(days=15), time(18), SHANGHAI)
    coordinator = emu.add_user("协调员")
    officers = {
        name: emu.add_user(f"{name}联络员")
        for name in ("公安局", "文旅局", "市场监管局", "财政局", "县人民政府")
    }
    groups = {
        name: emu.add_group(f"{name}工作群", [coordinator, user]) for name, user in officers.items()
    }
    coordinators = emu.add_group("迎检协调组", [coordinator])
    with database.uow() as uow:
        set_rules(uow, ["-15d 09:00"])
    with database.uow() as uow:
        set_deadline(uow, deadline)
    with database.uow() as uow:
        ensure_coordinator(uow, user_id=coordinator.id, display_name="协调员")
    with database.uow() as uow:
        for chat, target in [*((g, n) for n, g in groups.items()), (coordinators, "协调组")]:
            actor = who_is(uow, user_id=coordinator.id, chat_id=chat.id, private=False)
            bind_chat(uow, actor=actor, title=chat.title or "", target=target)

    # Telegram holds the sends to two groups: they never complete in the first process.
    held = [groups["公安局"], groups["文旅局"]]
    free = [chat for chat in groups.values() if chat not in held]
    for chat in held:
        emu.fail_next("sendMessage", timeout=True, hold=60, chat_id=chat)

    first = await bots.start()

    def mid_round() -> bool:
        asked = {c.params.get("chat_id") for c in emu.calls_to("sendMessage")}
        statuses = ledger(database)
        return all(chat.id in asked for chat in held) and all(
            statuses.get(chat.id) == ["sent"] for chat in free
        )

    await bots.until(mid_round, "the free groups' reminders recorded and the held ones asked")
    await bots.kill(first)
    statuses = ledger(database)
    assert all(statuses[chat.id] == ["sending"] for chat in held)  # killed mid-send
    assert all(emu.messages_in(chat) == [] for chat in held)
    assert emu.messages_in(coordinators) == []  # the digest waits for the round to finish

    await bots.start()
    await bots.until(
        lambda: all(len(emu.messages_in(chat)) == 1 for chat in [*held, coordinators]),
        "the held reminders and the digest after the restart",
    )
    # Two more passes of the job complete (the first may be the one that sent the digest).
    passes = bots.log_count(JOB_DONE)
    await bots.until(lambda: bots.log_count(JOB_DONE) >= passes + 2, "two more reminder checks")
    for name, chat in groups.items():
        [reminder] = emu.messages_in(chat)
        assert f"材料报送提醒【{name}】" in reminder.shown_text
    [digest] = emu.messages_in(coordinators)
    assert "提醒摘要" in digest.shown_text
    assert "已提醒 5 个单位" in digest.shown_text
    statuses = ledger(database)
    assert all(statuses[chat.id] == ["sent"] for chat in [*groups.values(), coordinators])


def handled(database: Database) -> dict[int, bool]:
    with database.uow() as uow:
        rows = uow.session.execute(select(InboxUpdate.update_id, InboxUpdate.handled_at))
        return {update_id: at is not None for update_id, at in rows}


async def test_an_upload_fetched_but_not_handled_when_killed_is_replayed_once_and_handled_updates_are_not(  # noqa: E501
    emu: BotApiEmulator, database: Database, bots: BotProcesses
) -> None:
    officer = emu.add_user("李警官")
    with database.uow() as uow:
        set_rules(uow, ["-1d"])  # the seed's 2023 rounds are long gone: no reminders here
        unit = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert unit is not None
        uow.session.add(
            Contact(telegram_user_id=officer.id, unit_id=unit.id, display_name="李警官")
        )
        uow.commit()

    # The bot fetches the upload, Telegram considers it delivered, and getFile hangs: killed.
    first = await bots.start()
    emu.fail_next("getFile", timeout=True, hold=60)
    emu.send_document(officer, officer, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    await bots.until(
        lambda: emu.calls_to("getFile") and emu.pending_updates() == 0,
        "getFile asked and the update confirmed to Telegram",
    )
    await bots.kill(first)
    assert list(handled(database).values()) == [False]
    assert emu.messages_in(officer) == []
    assert emu.pending_updates() == 0  # Telegram will not deliver it again

    # Restarted: the update comes back from the durable inbox; one receipt, file stored.
    second = await bots.start()
    [receipt] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert receipt.shown_text.startswith("✅ 已登记到 指标4")
    assert "侵犯知识产权行政案件信息表.xlsx" in receipt.shown_text
    assert bots.log_count("left unhandled by the last run") == 1  # replayed from the inbox
    with database.uow() as uow:
        [submission] = uow.session.scalars(select(Submission))
        uow.session.expunge(submission)
    assert submission.filename == "侵犯知识产权行政案件信息表.xlsx"
    assert FileStore(bots.storage).path_for(submission.storage_key).read_bytes() == CASES_XLSX

    # /owe is handled and answered, but Telegram never hears it was: killed, it redelivers.
    emu.fail_next("getUpdates", timeout=True, hold=60, count=10_000)
    emu.send_text(officer, officer, "/owe")
    [owed] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert "还需报送 2 项" in owed.shown_text
    await bots.until(
        lambda: all(handled(database).values()) and len(handled(database)) == 2, "/owe handled"
    )
    await bots.kill(second)
    emu.faults.clear()
    assert emu.pending_updates() == 1  # unconfirmed: the next process gets it again

    delivered = emu.stats.updates_delivered
    await bots.start()
    await bots.until(
        lambda: bots.log_count("was already handled; skipped"), "the redelivered /owe skipped"
    )
    emu.send_text(officer, officer, "还差什么")  # a new question is still answered
    [answer] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert "还需报送 2 项" in answer.shown_text
    assert emu.stats.updates_delivered >= delivered + 2  # /owe again, and the question
    assert len(emu.messages_in(officer)) == 3  # receipt, /owe, 还差什么: nothing twice
    assert bots.log_count("was already handled; skipped") == 1
    with database.uow() as uow:
        assert len(list(uow.session.scalars(select(Submission)))) == 1


async def test_in_webhook_mode_telegram_posts_updates_with_the_secret_and_the_bot_answers(
    emu: BotApiEmulator, database: Database, bots: BotProcesses
) -> None:
    officer = emu.add_user("李警官")
    with database.uow() as uow:
        set_rules(uow, ["-1d"])  # no reminders here
        unit = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert unit is not None
        uow.session.add(
            Contact(telegram_user_id=officer.id, unit_id=unit.id, display_name="李警官")
        )
        uow.commit()
    with socket.socket() as probe:  # a free port for the bot's webhook server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = f"http://127.0.0.1:{port}/telegram/yingjian"
    await bots.start(
        WEBHOOK_URL=hook,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret-Token_1",
    )
    assert emu.api.webhook["url"] == hook
    assert emu.api.webhook["secret_token"] == "s3cret-Token_1"

    emu.send_text(officer, officer, "还差什么")
    [owed] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert "还需报送 3 项" in owed.shown_text
    emu.send_document(officer, officer, "侵犯知识产权行政案件信息表.xlsx", CASES_XLSX)
    [receipt] = await emu.wait_for_messages(officer, timeout=WAIT)
    assert receipt.shown_text.startswith("✅ 已登记到 指标4")
    assert emu.calls_to("getUpdates") == []

    # Anyone else posting to the webhook without the secret is turned away.
    forged = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/owe",
            "chat": {"id": officer.id, "type": "private"},
        },
    }
    async with aiohttp.ClientSession() as session, session.post(hook, json=forged) as response:
        assert response.status == 403
    assert len(emu.messages_in(officer)) == 2
