"""handlers.transport.AiohttpRequest: PTB's Bot over aiohttp, against the emulator."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import NetworkError, RetryAfter, TimedOut

from emulator import BotApiEmulator
from handlers.transport import AiohttpRequest
from tests.forward_proxy import forward_proxy


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(rate_limits=None) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emu.token,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        request=AiohttpRequest(),
    ) as telegram_bot:
        yield telegram_bot


async def test_messages_files_and_downloads_round_trip(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.add_user("联络员")
    emu.private_chat(user).started = True
    sent = await bot.send_message(user.id, "<b>还差</b> 2 项", parse_mode="HTML")
    assert sent.text == "还差 2 项"
    data = b"PK\x03\x04" + bytes(range(256)) * 40
    document = await bot.send_document(user.id, InputFile(data, filename="汇总 表.xlsx"))
    assert document.document is not None
    assert document.document.file_name == "汇总 表.xlsx"
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == data


async def test_telegram_errors_keep_their_meaning(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.add_user("联络员")
    emu.private_chat(user).started = True
    emu.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(user.id, "你好")
    assert flood.value.retry_after.total_seconds() == 7


async def test_an_answer_that_never_comes_is_a_timeout(emu: BotApiEmulator, bot: Bot) -> None:
    user = emu.add_user("联络员")
    emu.private_chat(user).started = True
    emu.fail_next("sendMessage", timeout=True, hold=5)
    with pytest.raises(TimedOut):
        await bot.send_message(user.id, "你好", read_timeout=0.2)


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as error:
            await request.post(f"http://127.0.0.1:{port}/botTOKEN/getMe")
        assert not isinstance(error.value, TimedOut)
    finally:
        await request.shutdown()


async def test_with_a_proxy_every_call_and_download_goes_through_it(emu: BotApiEmulator) -> None:
    user = emu.add_user("联络员")
    emu.private_chat(user).started = True
    message = emu.send_document(user, user, "案件信息表.xlsx", b"PK\x03\x04 cases")
    assert message.document is not None
    async with (
        forward_proxy() as proxy,
        Bot(
            emu.token,
            base_url=emu.base_url,
            base_file_url=emu.base_file_url,
            request=AiohttpRequest(proxy=proxy.url),
        ) as bot,
    ):
        await bot.send_message(user.id, "你好")
        file = await bot.get_file(message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"PK\x03\x04 cases"
    assert [url.rsplit("/", 1)[-1] for url in proxy.relayed[-3:-1]] == ["sendMessage", "getFile"]
    assert proxy.relayed[-1].startswith(f"{emu.base_file_url}{emu.token}/")
    assert emu.last_message(user).shown_text == "你好"
