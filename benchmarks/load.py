"""Load: 200 registered contacts asking /owe and uploading small files, next to a bare PTB echo
bot, all through the Bot API emulator on 127.0.0.1; and /summary for 200 units × 50 indicators.

Run: .venv/bin/python benchmarks/load.py   (not part of the test suite; SQLite in a temp dir)

(a) saturated: every user sends its next update as soon as the previous one was answered;
    figure: updates per second.
(b) a fixed offered load of 50 updates/s, spread over the users: p50 and p95 reply latency.

Both bots run with their rate limiter off: Telegram's own cap of ~30 messages/s (which
AIORateLimiter enforces in production) would otherwise be all either of them measures. Our bot
is otherwise exactly what build_application builds (same handlers, runtime and Defaults).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from sqlalchemy import delete  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.importer import Overrides, read_workbook  # noqa: E402
from bot.models import AuditEvent, PendingUpload, Submission  # noqa: E402
from bot.services.access import Actor  # noqa: E402
from bot.services.campaigns import import_campaign  # noqa: E402
from bot.services.onboarding import create_invite, ensure_coordinator, redeem_invite  # noqa: E402
from bot.services.summary import summary  # noqa: E402
from bot.services.uploads import MatcherCache  # noqa: E402
from bot.storage import FileStore  # noqa: E402
from bot.workbooks import summary_workbook  # noqa: E402
from emulator import BotApiEmulator, EmuMessage, EmuUser  # noqa: E402
from emulator.echo import build_echo_application  # noqa: E402
from emulator.running import start_application  # noqa: E402
from handlers.app import build_application  # noqa: E402
from handlers.context import Runtime  # noqa: E402
from handlers.transport import AiohttpRequest  # noqa: E402
from tests.e2e.workbooks import generated_workbook  # noqa: E402
from tests.fixtures.office_files import xlsx_data  # noqa: E402

USERS = 200
SATURATED_ROUNDS = 3  # updates per user in each trial of (a)
TRIALS = 5
OFFERED_RATE = 50.0  # updates/s in (b)
OFFERED_SECONDS = 8.0
SEED_WORKBOOK = ROOT / "data" / "campaigns" / "yongning-ip-2023.xlsx"
UNITS_FILE = ROOT / "data" / "units.toml"
NOW = datetime(2023, 10, 15, 2, 0, tzinfo=UTC)
# A file name each seed unit can file without being asked (its own indicator's material).
UPLOAD_NAMES = {
    "县人民政府": "督查考核情况材料.docx",
    "县委宣传部": "知识产权保护专项行动成效材料.docx",
    "县人民法院": "移送案件信息和处理情况.xlsx",
    "公安局": "侵犯知识产权行政案件信息表.xlsx",
    "财政局": "经费保障情况.xlsx",
    "文旅局": "行政案件有关信息.xlsx",
    "市场监管局": "舆情信息表.xlsx",
}

Action = Callable[[EmuUser, int], None]
T = TypeVar("T")


class Replies:
    """Send times per chat, matched to the bot's replies in order: latencies."""

    def __init__(self, emu: BotApiEmulator) -> None:
        self.sent: dict[int, deque[float]] = defaultdict(deque)
        self.events: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.latencies: list[float] = []
        self.any_reply = asyncio.Event()
        emu.subscribe(self._on_bot_message)

    def expect(self, chat_id: int) -> None:
        self.sent[chat_id].append(time.perf_counter())

    def _on_bot_message(self, event: str, message: EmuMessage) -> None:
        if event != "sent":
            return
        pending = self.sent.get(message.chat.id)
        if pending:
            self.latencies.append(time.perf_counter() - pending.popleft())
            self.events[message.chat.id].set()
            self.any_reply.set()

    def reset(self) -> None:
        self.sent.clear()
        self.latencies.clear()


async def saturated(replies: Replies, users: list[EmuUser], act: Action, rounds: int) -> float:
    """Each user sends, waits for the answer, sends again: updates per second."""

    async def one_user(user: EmuUser) -> None:
        for index in range(rounds):
            event = replies.events[user.id]
            event.clear()
            replies.expect(user.id)
            act(user, index)
            await asyncio.wait_for(event.wait(), 60)

    replies.reset()
    start = time.perf_counter()
    await asyncio.gather(*(one_user(u) for u in users))
    return len(users) * rounds / (time.perf_counter() - start)


async def offered(
    replies: Replies, users: list[EmuUser], act: Action, rate: float, seconds: float
) -> tuple[float, float, int]:
    """Send at a fixed rate (round robin over users); p50 and p95 latency in ms."""
    replies.reset()
    total = int(rate * seconds)
    start = time.perf_counter()
    for index in range(total):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        user = users[index % len(users)]
        replies.expect(user.id)
        act(user, 1000 + index)
    while len(replies.latencies) < total:
        replies.any_reply.clear()
        await asyncio.wait_for(replies.any_reply.wait(), 60)
    ordered = sorted(replies.latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(0.95 * (len(ordered) - 1))] * 1000
    return p50, p95, len(ordered)


def runtime_for(emu: BotApiEmulator, db: Database, storage: Path, **settings: Any) -> Runtime:
    """Our bot's runtime against the emulator, on `db`, with the benchmark's fixed clock."""
    # No upload throttle unless asked for: the benchmarks measure the upload path, and their
    # users share a few units (200 contacts over the seed's 7), far beyond any unit's pace.
    settings.setdefault("upload_burst", 0)
    config = Settings(
        telegram_bot_token=emu.token,
        telegram_base_url=emu.base_url,
        telegram_base_file_url=emu.base_file_url,
        storage_dir=storage,
        database_url=str(db.engine.url),
        **settings,
    )
    return Runtime(
        settings=config,
        db=db,
        store=FileStore(config.storage_dir),
        matchers=MatcherCache(config.glossary_file),
        clock=lambda: NOW,
    )


def build_bot(runtime: Runtime) -> Application:  # type: ignore[type-arg]
    """build_application's bot without the rate limiter (see the module docstring)."""
    return build_application(runtime.settings, runtime, rate_limited=False)


@dataclass
class Row:
    what: str
    figure: str
    echo: str
    ratio: str


def forget_submissions(db: Database) -> None:
    with db.uow() as uow:
        for model in (AuditEvent, PendingUpload, Submission):
            uow.session.execute(delete(model))
        uow.commit()


def register_contacts(db: Database, users: list[EmuUser], units: list[str]) -> dict[int, str]:
    """Each user gets an invite for a unit (round robin) and redeems it, as the CLI would."""
    unit_of: dict[int, str] = {}
    with db.uow() as uow:
        for index, user in enumerate(users):
            unit = units[index % len(units)]
            invite = create_invite(uow, Actor.operator(), unit, now=NOW, ttl=timedelta(days=3))
            redeem_invite(
                uow, invite.token, user_id=user.id, display_name=user.name, username="", now=NOW
            )
            unit_of[user.id] = unit
    return unit_of


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="yingjian-load-"))
    db = Database(f"sqlite:///{folder / 'load.db'}")
    db.migrate()
    with db.uow() as uow:
        import_campaign(uow, Actor.operator(), read_workbook(SEED_WORKBOOK), units_file=UNITS_FILE)
    emu = BotApiEmulator(rate_limits=None)
    await emu.start()
    replies = Replies(emu)
    users = [emu.add_user(f"联络员{n:03d}") for n in range(USERS)]
    unit_of = register_contacts(db, users, list(UPLOAD_NAMES))
    for user in users:
        emu.private_chat(user).started = True

    # BENCH_CONCURRENCY tries other CONCURRENT_UPDATES values (16 is the default).
    runtime = runtime_for(
        emu,
        db,
        folder / "files",
        concurrent_updates=int(os.environ.get("BENCH_CONCURRENCY", "16")),
    )
    uploads_sent = itertools.count()

    def say_hello(user: EmuUser, index: int) -> None:
        emu.send_text(user, user, f"你好 {index}")

    def ask_owe(user: EmuUser, index: int) -> None:
        emu.send_text(user, user, "/owe")

    def upload(user: EmuUser, index: int) -> None:
        # a real ~5 KB workbook (the content check refuses bytes that only look like one),
        # never a duplicate
        data = xlsx_data(f"{user.id}-{next(uploads_sent)}")
        emu.send_document(user, user, UPLOAD_NAMES[unit_of[user.id]], data)

    async def run_echo(phases: Callable[[], Awaitable[T]], *, our_transport: bool = False) -> T:
        echo = build_echo_application(
            emu.token,
            emu.base_url,
            emu.base_file_url,
            rate_limited=False,
            requests=(AiohttpRequest(256), AiohttpRequest(1)) if our_transport else None,
        )
        stop = await start_application(echo)
        await saturated(replies, users[:20], say_hello, 1)  # warm-up
        try:
            return await phases()
        finally:
            await stop()

    async def run_ours(phases: Callable[[], Awaitable[T]]) -> T:
        # Each run starts from no submissions: /owe lists every file a unit sent, and after
        # a few trials of uploads it would list hundreds.
        forget_submissions(db)
        stop = await start_application(build_bot(runtime))
        await saturated(replies, users[:20], ask_owe, 1)  # warm-up: caches, matcher
        await saturated(replies, users[:20], upload, 1)
        try:
            return await phases()
        finally:
            await stop()

    # (a) Trials alternate between the two bots, and each ratio compares neighbouring runs:
    # on a shared machine the speed drifts by ±15 % over a minute, which a single echo run
    # followed by a single run of ours would report as a difference between the bots.
    trials: list[Trial] = []
    for _ in range(TRIALS):
        echo_rate = await run_echo(lambda: saturated(replies, users, say_hello, SATURATED_ROUNDS))
        echo_aiohttp_rate = await run_echo(
            lambda: saturated(replies, users, say_hello, SATURATED_ROUNDS), our_transport=True
        )

        async def ours() -> tuple[float, float]:
            owe = await saturated(replies, users, ask_owe, SATURATED_ROUNDS)
            return owe, await saturated(replies, users, upload, SATURATED_ROUNDS)

        owe_rate, upload_rate = await run_ours(ours)
        trials.append(Trial(echo_rate, echo_aiohttp_rate, owe_rate, upload_rate))

    # (b) a fixed offered load.
    echo_p50, echo_p95, _ = await run_echo(
        lambda: offered(replies, users, say_hello, OFFERED_RATE, OFFERED_SECONDS)
    )

    async def ours_offered() -> tuple[tuple[float, float, int], tuple[float, float, int]]:
        owe = await offered(replies, users, ask_owe, OFFERED_RATE, OFFERED_SECONDS)
        return owe, await offered(replies, users, upload, OFFERED_RATE, OFFERED_SECONDS)

    (owe_p50, owe_p95, _), (up_p50, up_p95, _) = await run_ours(ours_offered)
    await emu.stop()

    rows = [*saturated_rows(trials)]
    for name, p50, p95 in (("/owe", owe_p50, owe_p95), ("upload", up_p50, up_p95)):
        rows.append(
            Row(
                f"(b) {name} @ {OFFERED_RATE:.0f}/s, p50 / p95 ms",
                f"{p50:.0f} / {p95:.0f}",
                f"{echo_p50:.0f} / {echo_p95:.0f}",
                "p95 target < 250 ms",
            )
        )

    # --- /summary for 200 units × 50 indicators ------------------------------------------------
    rows.extend(await summary_rows(folder))
    print_table(rows)


@dataclass(frozen=True)
class Trial:
    """One round of (a): the echo bot, then ours, back to back."""

    echo: float
    echo_aiohttp: float  # the same echo bot over our transport (handlers/transport.py)
    owe: float
    upload: float


def saturated_rows(trials: list[Trial]) -> list[Row]:
    """Median rates, and the median of the per-trial ratios with their range."""
    echo = statistics.median(t.echo for t in trials)
    rows = []
    for name, rate_of, target in (
        ("/owe", lambda t: t.owe, "target ≥ 0.5×"),
        ("upload", lambda t: t.upload, "target ≥ 0.3×"),
        ("echo bot over our aiohttp transport", lambda t: t.echo_aiohttp, "for reference"),
    ):
        ratios = sorted(rate_of(t) / t.echo for t in trials)
        rows.append(
            Row(
                f"(a) {name}, updates/s (median of {len(trials)})",
                f"{statistics.median(rate_of(t) for t in trials):.0f}",
                f"{echo:.0f}",
                f"{statistics.median(ratios):.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f}; {target})",
            )
        )
    return rows


async def summary_rows(folder: Path) -> list[Row]:
    """The service plus workbook, and the whole /summary through the emulator."""
    db = Database(f"sqlite:///{folder / 'big.db'}")
    db.migrate()
    workbook = generated_workbook(folder / "big.xlsx", units=200, indicators=50)
    with db.uow() as uow:
        import_campaign(uow, Actor.operator(), read_workbook(workbook, Overrides(code="big")))
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        with db.uow() as uow:
            result = summary(uow, NOW)
        summary_workbook(result)
        timings.append(time.perf_counter() - start)
    service = min(timings)

    emu = BotApiEmulator(rate_limits=None)
    await emu.start()
    coordinator = emu.add_user("协调员")
    with db.uow() as uow:
        ensure_coordinator(uow, user_id=coordinator.id, display_name="协调员")
    stop = await start_application(build_bot(runtime_for(emu, db, folder / "files-big")))
    start = time.perf_counter()
    emu.send_text(coordinator, coordinator, "/summary")
    messages = await emu.wait_for(
        lambda: (sent := emu.messages_in(coordinator)) and sent[-1].document and sent,
        timeout=60,
    )
    end_to_end = time.perf_counter() - start
    await stop()
    await emu.stop()
    parts = len(messages) - 1
    longest = max(len(m.shown_text) for m in messages)
    return [
        Row("/summary 200×50: summary + workbook, s", f"{service:.2f}", "", "target < 1 s"),
        Row(
            "/summary 200×50: through Telegram, s",
            f"{end_to_end:.2f}",
            "",
            f"{parts} messages (longest {longest} chars) + .xlsx",
        ),
    ]


def print_table(rows: list[Row]) -> None:
    print(f"{USERS} contacts, SQLite, {os.cpu_count()} CPUs; rate limiters off")
    header = Row("measure", "迎检助手", "echo bot", "ratio / note")
    widths = [max(len(getattr(r, f)) for r in [header, *rows]) for f in ("what", "figure", "echo")]
    for row in [header, *rows]:
        print(
            f"{row.what:<{widths[0]}}  {row.figure:>{widths[1]}}  {row.echo:>{widths[2]}}  "
            f"{row.ratio}"
        )


if __name__ == "__main__":
    asyncio.run(main())
