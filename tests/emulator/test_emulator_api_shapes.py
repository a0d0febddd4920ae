"""The emulator answers in the Bot API's shapes: PTB parses every object it returns."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    CallbackQuery,
    ChatFullInfo,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberOwner,
    File,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import InvalidToken
from telegram.request import HTTPXRequest

from emulator import BotApiEmulator
from emulator.world import chat_member

AppFactory = Callable[..., Any]


async def test_get_me_returns_the_bot_user(emu: BotApiEmulator, make_app: AppFactory) -> None:
    async with make_app() as app:
        me = await app.bot.get_me()
    assert me.is_bot
    assert me.username == "yingjian_bot"
    assert me.id == 123456789


async def test_a_wrong_token_is_unauthorized(emu: BotApiEmulator) -> None:
    request = HTTPXRequest()
    bot = Bot("123456789:another-token", base_url=emu.base_url, request=request)
    try:
        with pytest.raises(InvalidToken, match="Unauthorized"):
            await bot.get_me()
    finally:
        await request.shutdown()


async def test_an_unknown_method_answers_not_found_like_telegram(emu: BotApiEmulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.base_url}{emu.token}/sendTelepathy", json={}) as response,
    ):
        body = await response.json()
    assert response.status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_bodies_and_query_strings_are_accepted(emu: BotApiEmulator) -> None:
    user = emu.add_user("李四")
    emu.send_text(user, user, "hi")
    async with aiohttp.ClientSession() as session:
        url = f"{emu.base_url}{emu.token}/sendMessage"
        async with session.post(url, json={"chat_id": user.id, "text": "123"}) as response:
            sent = await response.json()
        async with session.get(f"{emu.base_url}{emu.token}/getWebhookInfo") as response:
            info = await response.json()
    assert sent["result"]["text"] == "123"
    assert info["result"]["pending_update_count"] == 1


def test_user_messages_of_every_kind_parse_as_ptb_messages() -> None:
    emu = BotApiEmulator()
    alice, bob = emu.add_user("Alice", "alice"), emu.add_user("Bob")
    group = emu.add_group("公安局工作群", [alice, bob])
    messages = [
        emu.send_text(alice, group, "/owe@yingjian_bot 公安局"),
        emu.send_document(
            alice, group, "a.pdf", b"%PDF", caption="材料", mime_type="application/pdf",
            media_group_id="77", forward_from=bob,
        ),
        emu.send_photo(alice, group, b"\xff\xd8jpeg", caption="照片"),
        emu.send_sticker(alice, group),
        emu.send_voice(alice, group),
        emu.send_location(alice, group),
        emu.send_contact(alice, group, contact_user=bob),
        emu.add_member(group, emu.add_user("Carol")),
    ]  # fmt: skip
    parsed = [Message.de_json(m.to_api(), None) for m in messages]
    assert parsed[0].text.startswith("/owe@yingjian_bot")
    assert parsed[0].entities[0].type == "bot_command"
    assert parsed[1].document.file_name == "a.pdf"
    assert parsed[1].forward_origin.sender_user.first_name == "Bob"
    assert parsed[1].media_group_id == "77"
    assert len(parsed[2].photo) == 3
    assert parsed[3].sticker.emoji == "👍"
    assert parsed[4].voice.mime_type == "audio/ogg"
    assert parsed[5].location.latitude == pytest.approx(25.04)
    assert parsed[6].contact.user_id == bob.id
    assert parsed[7].new_chat_members[0].first_name == "Carol"
    assert parsed[0].chat.type == "supergroup"


def test_updates_callback_queries_and_chat_objects_parse_with_ptb() -> None:
    emu = BotApiEmulator(strict_private=False)
    user = emu.add_user("Alice")
    chat = emu.private_chat(user)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("通过", callback_data="ok")]])
    sent = emu.new_message(chat, emu.bot, text="x", plain_text="x", reply_markup=keyboard.to_dict())
    emu.store_message(sent)
    emu.press_button(user, sent, "通过")
    update = Update.de_json(emu.peek_updates(1)[0], None)
    assert isinstance(update.callback_query, CallbackQuery)
    assert update.callback_query.message.reply_markup == keyboard
    group = emu.add_group("g", [user], bot_admin=True)
    assert isinstance(ChatMember.de_json(chat_member(user, "creator"), None), ChatMemberOwner)
    admin = ChatMember.de_json(chat_member(emu.bot, "administrator"), None)
    assert isinstance(admin, ChatMemberAdministrator)
    assert ChatFullInfo.de_json(group.to_full_info(), None).title == "g"
    assert User.de_json(user.to_api(), None).first_name == "Alice"


async def test_get_file_returns_a_ptb_file(emu: BotApiEmulator, make_app: AppFactory) -> None:
    user = emu.add_user("Alice")
    message = emu.send_document(user, user, "x.txt", b"hello")
    async with make_app() as app:
        file = await app.bot.get_file(message.document.file_id)
    assert isinstance(file, File)
    assert file.file_size == 5
    assert file.file_path.endswith(".txt")


def test_the_emulator_server_does_not_import_telegram() -> None:
    code = (
        "import sys; import emulator, emulator.server, emulator.sandbox, emulator.running; "
        "sys.exit('telegram' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, check=False)
    assert result.returncode == 0
