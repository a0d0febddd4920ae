"""Flood limits, injected faults and load: what benchmarks and resilience tests rely on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from telegram.error import NetworkError
from telegram.ext import MessageHandler, filters

from emulator import BotApiEmulator
from emulator.echo import build_echo_application, echo_text
from emulator.running import running

AppFactory = Callable[..., Any]


async def test_a_rate_limited_bot_fanning_out_to_many_groups_never_sees_a_429(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    coordinator = emu.add_user("协调员")
    groups = [emu.add_group(f"单位{n}工作群", [coordinator]) for n in range(70)]
    async with make_app(rate_limited=True) as app:
        await asyncio.gather(*(app.bot.send_message(g.id, "提醒：材料明日截止") for g in groups))
    assert emu.stats.messages_sent == 70
    assert emu.stats.too_many_requests == 0


async def test_bursting_past_30_messages_a_second_is_refused_without_a_rate_limiter(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    coordinator = emu.add_user("协调员")
    groups = [emu.add_group(f"单位{n}工作群", [coordinator]) for n in range(40)]
    async with make_app() as app:
        results = await asyncio.gather(
            *(app.bot.send_message(g.id, "提醒") for g in groups), return_exceptions=True
        )
    refused = [r for r in results if isinstance(r, Exception)]
    assert 1 <= len(refused) <= 10
    assert emu.stats.rate_limited == len(refused)


async def test_a_dropped_connection_is_a_network_error_and_the_next_call_works(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    user = emu.add_user("张三")
    emu.send_text(user, user, "hi")
    emu.fail_next("sendMessage", drop=True)
    async with make_app() as app:
        with pytest.raises(NetworkError):
            await app.bot.send_message(user.id, "一")
        await app.bot.send_message(user.id, "二")
    assert [m.plain_text for m in emu.messages_in(user)] == ["二"]


async def test_two_hundred_people_writing_at_once_all_get_an_answer_quickly() -> None:
    async with BotApiEmulator(rate_limits=None) as emu:
        users = [emu.add_user(f"用户{n}") for n in range(200)]
        app = build_echo_application(emu.token, emu.base_url, emu.base_file_url, rate_limited=False)
        started = time.monotonic()
        async with running(app):
            for user in users:
                emu.send_text(user, user, f"我是{user.first_name}")
            await emu.wait_for(
                lambda: emu.stats.messages_sent >= 200, timeout=10, description="200 replies"
            )
        elapsed = time.monotonic() - started
    assert all(emu.last_message(u).plain_text == f"我是{u.first_name}" for u in users)
    assert elapsed < 8


async def test_privacy_mode_hides_plain_group_chatter_but_not_commands(
    make_app: AppFactory, app_for: AppFactory
) -> None:
    async with BotApiEmulator(privacy_mode=True) as emu:
        user = emu.add_user("联络员")
        group = emu.add_group("公安局工作群", [user])
        emu.send_text(user, group, "大家好")
        emu.send_document(user, group, "a.pdf", b"%PDF")
        emu.send_text(user, group, "/owe")
        assert emu.pending_updates() == 1
        async with running(app_for(emu, MessageHandler(filters.TEXT, echo_text))):
            [reply] = await emu.wait_for_messages(group)
    assert reply.plain_text == "/owe"


async def test_a_second_poller_ends_the_first_with_a_conflict(
    emu: BotApiEmulator, make_app: AppFactory
) -> None:
    async with make_app() as first, make_app() as second:
        waiting = asyncio.create_task(first.bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        assert await second.bot.get_updates(timeout=0) == ()
        with pytest.raises(Exception, match="terminated by other getUpdates request"):
            await waiting
