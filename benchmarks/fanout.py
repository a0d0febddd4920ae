"""Fan-out of one reminder round to 1,000 unit groups through the Bot API emulator.

Telegram's limits are enforced by the emulator (30 messages/s overall, 20/min per group);
the bot sends through the same rate limiter as production (handlers.app). Prints one line:
wall time against the 1,000 / 30 s floor, 429s received, duplicates and losses.

    PTB_TIMEDELTA=1 .venv/bin/python benchmarks/fanout.py [--groups 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram.ext import ApplicationBuilder  # noqa: E402

from bot.db import Database  # noqa: E402
from bot.models import Campaign, Chat, Indicator, Obligation, Unit  # noqa: E402
from bot.services.reminders import CONCURRENCY, run_reminders  # noqa: E402
from emulator import BotApiEmulator, RateLimits  # noqa: E402
from handlers.app import RetryingRateLimiter  # noqa: E402
from handlers.jobs import TelegramSender  # noqa: E402

NOW = datetime(2023, 10, 17, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in Shanghai: the -1d round


def seed(database: Database, group_ids: list[int], coordinator_id: int) -> None:
    """A campaign with one indicator owed by one unit per group, each group bound."""
    with database.uow() as uow:
        session = uow.session
        campaign = Campaign(
            code="bench", title="压力测试", reminder_rules=["-1d 09:00"],
            deadline=datetime(2023, 10, 18, 15, 59, 59, tzinfo=UTC),
        )  # fmt: skip
        session.add(campaign)
        session.flush()
        indicator = Indicator(campaign_id=campaign.id, number="1", title="材料", material="说明")
        session.add(indicator)
        session.flush()
        for n, chat_id in enumerate(group_ids):
            unit = Unit(name=f"单位{n:04d}")
            session.add(unit)
            session.flush()
            session.add(Obligation(indicator_id=indicator.id, unit_id=unit.id))
            session.add(
                Chat(telegram_chat_id=chat_id, kind="unit", unit_id=unit.id, title=unit.name)
            )
        session.add(Chat(telegram_chat_id=coordinator_id, kind="coordinator", title="协调组"))
        uow.commit()


async def main(groups: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        database.migrate()
        async with BotApiEmulator(rate_limits=RateLimits()) as emu:
            person = emu.add_user("联络员")
            chats = [emu.add_group(f"单位{n:04d}群", [person]) for n in range(groups)]
            coordinators = emu.add_group("协调组", [person])
            seed(database, [c.id for c in chats], coordinators.id)
            app = (
                ApplicationBuilder()
                .token(emu.token)
                .base_url(emu.base_url)
                .base_file_url(emu.base_file_url)
                .rate_limiter(RetryingRateLimiter(max_retries=5))
                .build()
            )
            async with app:
                started = time.monotonic()
                report = await run_reminders(
                    database, TelegramSender(app.bot), NOW, concurrency=concurrency
                )
                elapsed = time.monotonic() - started
                # A second check of the same round must send nothing.
                await run_reminders(database, TelegramSender(app.bot), NOW + timedelta(minutes=1))
            counts = [emu.stats.sent_per_chat[c.id] for c in chats]
            floor = groups / 30
            print(
                f"fan-out {groups} groups: {elapsed:.1f} s vs floor {floor:.1f} s "
                f"({elapsed / floor:.2f}x, target <= 1.15x); "
                f"429s={emu.stats.too_many_requests}; "
                f"duplicates={sum(c - 1 for c in counts if c > 1)}; "
                f"losses={sum(1 for c in counts if c == 0)}; "
                f"digest={emu.stats.sent_per_chat[coordinators.id]}; "
                f"sent={report.sent} failed={report.failed} retrying={report.retrying}"
            )
        database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.groups, arguments.concurrency))
