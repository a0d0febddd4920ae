"""A real bot process (`python -m bot run`) against the emulator, for tests that kill it.

The emulator runs in the test process; the bot runs as a subprocess on an SQLite file, with
real time. The test and the bot share the database (`seeded_sqlite`).
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
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select

from bot.db import Database
from bot.models import InboxUpdate
from emulator import BotApiEmulator
from tests.conftest import ROOT, SEED_WORKBOOK, import_workbook
from tests.fixtures.office_files import xlsx_data

CASES_XLSX = xlsx_data("行政案件")
WAIT = 20.0  # seconds: generous bounds for a process start under load
T = TypeVar("T")


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
            BOT_USERNAME=emu.bot.username or "",
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


def seeded_sqlite(folder: Path, template: Path) -> Database:
    """The seed campaign in an SQLite file the test and the bot process share."""
    path = folder / "bot.db"
    shutil.copy(template, path)
    found = Database(f"sqlite:///{path}")
    import_workbook(found, SEED_WORKBOOK)
    return found


def free_port() -> int:
    """A TCP port nothing listens on now (for the bot's webhook server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def handled(database: Database) -> dict[int, bool]:
    with database.uow() as uow:
        rows = uow.session.execute(select(InboxUpdate.update_id, InboxUpdate.handled_at))
        return {update_id: at is not None for update_id, at in rows}
