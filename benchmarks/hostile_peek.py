"""Nothing a file can do stalls the bot: other users' /owe while one user uploads .xlsx files
crafted to stall the content peek (issue 13: a sharedStrings part holding 65,536 unclosed
`<si>`, which once froze every other user for minutes).

Run: .venv/bin/python benchmarks/hostile_peek.py   (not part of the test suite; SQLite in a
temp dir)

Twenty contacts ask /owe at a fixed offered rate, first on a quiet bot, then while one contact
sends such files, three at a time and three times over (each three waited for, as an attacker
retrying would). The files have names that say nothing, so the bot looks inside each one.
Printed: /owe p50 / p95 / max in both windows, and how long each crafted file took to be
answered and with what. Target (issue 13): /owe p95 under 250 ms while the files are read.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
from pathlib import Path

from heavy import figures, owe_load  # same folder
from load import Replies, build_bot, register_contacts, runtime_for

from bot.db import Database
from bot.importer import Overrides, read_workbook
from bot.services.access import Actor
from bot.services.campaigns import import_campaign
from emulator import BotApiEmulator, EmuUser
from emulator.running import start_application
from tests.e2e.workbooks import generated_workbook, unit_names
from tests.fixtures.hostile_files import unclosed_shared_strings_xlsx
from tests.fixtures.office_files import with_zip_comment, xlsx_data

UNITS, INDICATORS = 200, 50
OWE_USERS = 20
ROUNDS, AT_ONCE = 3, 3
NAME = "扫描件.xlsx"  # says nothing: the bot looks inside


async def hostile_uploads(
    emu: BotApiEmulator, attacker: EmuUser, files: list[bytes]
) -> list[tuple[float, str]]:
    """The crafted files, AT_ONCE at a time, each batch waited for: (seconds, first words)."""
    answers: list[tuple[float, str]] = []
    for batch in range(ROUNDS):
        seen = len(emu.messages_in(attacker))
        start = time.perf_counter()
        for data in files[batch * AT_ONCE : (batch + 1) * AT_ONCE]:
            emu.send_document(attacker, attacker, NAME, data)
        while len(emu.messages_in(attacker)) < seen + AT_ONCE:
            got = len(emu.messages_in(attacker))
            await emu.wait_for(lambda got=got: len(emu.messages_in(attacker)) > got, timeout=300)
            for message in emu.messages_in(attacker)[got:]:
                first_line = (message.plain_text or "").splitlines()[-1][:24]
                answers.append((time.perf_counter() - start, first_line))
    return answers


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="yingjian-hostile-"))
    db = Database(f"sqlite:///{folder / 'hostile.db'}")
    db.migrate()
    workbook = generated_workbook(folder / "big.xlsx", units=UNITS, indicators=INDICATORS)
    with db.uow() as uow:
        import_campaign(uow, Actor.operator(), read_workbook(workbook, Overrides(code="big")))
    crafted = unclosed_shared_strings_xlsx(folder)
    files = [with_zip_comment(crafted, f"copy {n}".encode()) for n in range(ROUNDS * AT_ONCE)]
    emu = BotApiEmulator(rate_limits=None)
    await emu.start()
    replies = Replies(emu)
    users = [emu.add_user(f"联络员{n:02d}") for n in range(OWE_USERS)]
    attacker = emu.add_user("恶意联络员")
    register_contacts(db, [*users, attacker], unit_names(UNITS)[: OWE_USERS + 1])
    for user in [*users, attacker]:
        emu.private_chat(user).started = True
    stop = await start_application(build_bot(runtime_for(emu, db, folder / "files")))
    try:
        # A harmless file first, looked into as well: the matcher is built and the peek's
        # worker processes started before anything is measured.
        emu.send_document(attacker, attacker, NAME, xlsx_data("warm-up"))
        await emu.wait_for(lambda: len(emu.messages_in(attacker)) >= 1, timeout=120)
        quiet_done: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        quiet_done.set_result(None)
        quiet = await owe_load(replies, emu, users, quiet_done)
        attack = asyncio.ensure_future(hostile_uploads(emu, attacker, files))
        busy = await owe_load(replies, emu, users, attack)
        answers = await attack
    finally:
        await stop()
        await emu.stop()
    print(f"{OWE_USERS} contacts asking /owe at 20/s; {UNITS} units × {INDICATORS} indicators;")
    print(
        f"SQLite; {os.cpu_count()} CPUs; rate limiters off; peek limit 2 s (PEEK_TIMEOUT_SECONDS)"
    )
    print(f"crafted file: {len(crafted)} bytes, sharedStrings of 65,536 unclosed <si>")
    print(f"/owe, quiet bot:                                   {figures(quiet)}")
    print(
        f"/owe, while {ROUNDS}×{AT_ONCE} crafted .xlsx are read:          {figures(busy)}"
        "   (target p95 < 250 ms)"
    )
    for seconds, said in answers:
        print(f"   crafted .xlsx answered in {seconds:5.2f} s: {said}")


if __name__ == "__main__":
    asyncio.run(main())
