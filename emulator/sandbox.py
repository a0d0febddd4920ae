"""An offline terminal chat with the bot: type as a person, see what the bot answers.

`make run` without TELEGRAM_BOT_TOKEN lands here. Plain lines are sent as the current user in
the current chat; lines starting with ":" are sandbox commands (see HELP).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shlex
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from emulator.models import EmuChat, EmuMessage, EmuUser
from emulator.server import BotApiEmulator

logger = logging.getLogger(__name__)

StartBot = Callable[[str, str, str], Awaitable[Callable[[], Awaitable[None]]]]

HELP = """\
沙盒命令 / sandbox commands:
  文本 text            以当前用户在当前会话发送 / send as the current user in the current chat
  :user NAME           切换（或新建）用户 / switch to (or create) a user
  :chat NAME           切换到群组（不存在则新建）/ switch to a group (created if new)
  :chat private        当前用户与机器人的私聊 / the current user's private chat
  :file PATH [说明]     发送本地文件 / send a local file as a document, with optional caption
  :photo PATH          发送图片 / send a local image as a photo
  :press N             按下按钮 N / press button N of the last keyboard in this chat
  :start TOKEN         私聊发送 /start TOKEN（邀请链接）/ open an invite link
  :who                 用户与会话 / list users and chats
  :help                本帮助 / this help
  :quit                退出 / quit"""
DEEP_LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]+)")


@dataclass(frozen=True)
class SandboxUser:
    """A person preloaded into the sandbox; fixed ids let the bot's config name them."""

    name: str
    user_id: int | None = None
    username: str | None = None


@dataclass(frozen=True)
class SandboxCast:
    """Who is there when the sandbox starts, and as whom the session begins."""

    users: tuple[SandboxUser, ...] = (
        SandboxUser("协调员", 10001, "coordinator"),
        SandboxUser("公安局联络员", 10002, "police_contact"),
    )
    groups: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "公安局工作群": ("协调员", "公安局联络员"),
            "协调组": ("协调员",),
        }
    )
    start_user: str = "协调员"


class Sandbox:
    """One terminal session: the current user and chat, and how bot messages are shown."""

    def __init__(self, emu: BotApiEmulator, cast: SandboxCast, out: TextIO, downloads: Path):
        self.emu = emu
        self.out = out
        self.downloads = downloads
        self.user = self._load_cast(cast)
        self.chat = emu.private_chat(self.user)
        self.keyboards: dict[int, EmuMessage] = {}
        emu.subscribe(self.show)

    def _load_cast(self, cast: SandboxCast) -> EmuUser:
        for person in cast.users:
            self.emu.add_user(person.name, username=person.username, user_id=person.user_id)
        for title, names in cast.groups.items():
            members = [self._user_named(name) for name in names]
            self.emu.add_group(title, members)
        return self._user_named(cast.start_user)

    def _user_named(self, name: str) -> EmuUser:
        return self.emu.find_user(name) or self.emu.add_user(name)

    # ----- output --------------------------------------------------------------------------

    def print(self, text: str) -> None:
        """Write a line and flush, so piped output keeps its order."""
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, event: str, message: EmuMessage) -> None:
        """Print a bot message as a person would see it."""
        if event == "deleted":
            self.print(f"[{message.chat.name}] 🗑 #{message.message_id}")
            return
        mark = "✏️ " if event == "edited" else ""
        self.print(f"[{message.chat.name}] 🤖 {mark}{message.shown_text}")
        if message.document is not None:
            self._show_document(message)
        if message.buttons:
            self.keyboards[message.chat.id] = message
            self.print(
                "   " + "  ".join(f"[{i}] {b.text}" for i, b in enumerate(message.buttons, 1))
            )
        for _, token in DEEP_LINK.findall(message.shown_text):
            self.print(f"   ↳ :start {token}")

    def _show_document(self, message: EmuMessage) -> None:
        document = message.document
        assert document is not None  # noqa: S101 -- checked by the caller
        name = Path(document.file_name or document.file_unique_id).name
        target = self.downloads / f"{message.chat.id}_{message.message_id}_{name}"
        target.write_bytes(document.data)
        self.print(f"   📎 {name} ({_size(document.size)}) → {target}")

    def prompt(self) -> str:
        """The prompt: who is typing where."""
        return f"{self.user.first_name}@{self.chat.name}> "

    # ----- input ---------------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Act on one input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith(":"):
            self._as_user(lambda: self.emu.send_text(self.user, self.chat, line))
            return True
        try:
            words = shlex.split(line[1:])
        except ValueError as err:
            self.print(f"⚠ {err}")
            return True
        command, args = (words[0].lower(), words[1:]) if words else ("help", [])
        if command in ("quit", "exit", "q"):
            return False
        action = self.commands().get(command)
        if action is None:
            self.print(f"⚠ 未知命令 unknown command :{command} — :help")
        else:
            action(args)
        return True

    def commands(self) -> dict[str, Callable[[list[str]], None]]:
        """Sandbox commands by name."""
        return {
            "user": self._switch_user,
            "chat": self._switch_chat,
            "file": self._send_file,
            "photo": self._send_photo,
            "press": self._press,
            "start": self._start,
            "who": self._who,
            "help": lambda _: self.print(HELP),
        }

    def _as_user(self, action: Callable[[], object]) -> None:
        try:
            action()
        except (ValueError, OSError) as err:
            self.print(f"⚠ {err}")

    def _switch_user(self, args: list[str]) -> None:
        if not args:
            self.print("⚠ :user NAME")
            return
        self.user = self._user_named(" ".join(args))
        if self.chat.is_private:
            self.chat = self.emu.private_chat(self.user)
        elif self.user.id not in self.chat.members:
            self.emu.add_member(self.chat, self.user)
        self.print(f"→ {self.user.first_name} @ {self.chat.name}")

    def _switch_chat(self, args: list[str]) -> None:
        name = " ".join(args)
        if not name:
            self.print("⚠ :chat NAME | :chat private")
            return
        if name.lower() == "private":
            self.chat = self.emu.private_chat(self.user)
        else:
            self.chat = self.emu.find_chat(name) or self._new_group(name)
            if self.user.id not in self.chat.members:
                self.emu.add_member(self.chat, self.user)
        self.print(f"→ {self.user.first_name} @ {self.chat.name}")

    def _new_group(self, title: str) -> EmuChat:
        self.print(f"（新建群组 new group: {title}）")
        return self.emu.add_group(title, [self.user])

    def _send_file(self, args: list[str]) -> None:
        if not args:
            self.print("⚠ :file PATH [caption]")
            return
        path = Path(args[0]).expanduser()
        caption = " ".join(args[1:]) or None
        self._as_user(
            lambda: self.emu.send_document(
                self.user, self.chat, path.name, path.read_bytes(), caption=caption
            )
        )

    def _send_photo(self, args: list[str]) -> None:
        if not args:
            self.print("⚠ :photo PATH [caption]")
            return
        path = Path(args[0]).expanduser()
        caption = " ".join(args[1:]) or None
        self._as_user(
            lambda: self.emu.send_photo(self.user, self.chat, path.read_bytes(), caption=caption)
        )

    def _press(self, args: list[str]) -> None:
        message = self.keyboards.get(self.chat.id)
        if message is None or not message.buttons:
            self.print("⚠ 此会话没有按钮 no buttons in this chat")
            return
        if not args or not args[0].isdigit() or not 1 <= int(args[0]) <= len(message.buttons):
            self.print(f"⚠ :press 1…{len(message.buttons)}")
            return
        self._as_user(lambda: self.emu.press_button(self.user, message, int(args[0]) - 1))

    def _start(self, args: list[str]) -> None:
        self.chat = self.emu.private_chat(self.user)
        text = "/start " + args[0] if args else "/start"
        self._as_user(lambda: self.emu.send_text(self.user, self.chat, text))

    def _who(self, _: list[str]) -> None:
        for user in self.emu.users.values():
            here = " ←" if user is self.user else ""
            handle = f" @{user.username}" if user.username else ""
            self.print(f"  👤 {user.name}{handle} (id {user.id}){here}")
        for chat in self.emu.chats.values():
            if not chat.is_private:
                members = "、".join(u.first_name for u in chat.members.values())
                self.print(f"  👥 {chat.title} (id {chat.id}): {members}")


async def run_sandbox(
    start_bot: StartBot,
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    token: str = "7000000001:SANDBOX-TOKEN",  # noqa: S107 -- the emulator's own, not a secret
    cast: SandboxCast | None = None,
    bot_username: str = "yingjian_bot",
) -> None:
    """Start the emulator and the bot, then chat from the terminal until :quit or EOF."""
    # Kept after the session so the files the bot sent can still be opened.
    downloads = Path(tempfile.mkdtemp(prefix="yingjian-sandbox-"))
    log_file = downloads.with_name(downloads.name + ".log")
    with logs_to_file(log_file, terminal=(stdout,)):
        async with BotApiEmulator(token=token, bot_username=bot_username) as emu:
            sandbox = Sandbox(emu, cast or SandboxCast(), stdout, downloads)
            stop_bot = await start_bot(emu.base_url, emu.base_file_url, token)
            try:
                sandbox.print(
                    f"迎检助手沙盒 offline sandbox — :help 查看命令; 文件保存在 {downloads}"
                )
                sandbox.print(f"日志 logs → {log_file}")
                await _read_loop(sandbox, stdin)
                await emu.settle()
            finally:
                await stop_bot()
        sandbox.print("再见 bye")


@contextlib.contextmanager
def logs_to_file(path: Path, terminal: tuple[TextIO, ...] = ()) -> Iterator[None]:
    """Write log records to `path` instead of the terminal while the sandbox runs.

    The terminal is the chat: APScheduler's "Running job …" every minute, PTB's and aiohttp's
    records would otherwise land between the prompt and what the person is typing.
    """
    root = logging.getLogger()
    streams = {sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__, *terminal}
    on_terminal = [
        handler
        for handler in root.handlers
        if isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
        and handler.stream in streams
    ]
    to_file = logging.FileHandler(path, encoding="utf-8", delay=True)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for handler in on_terminal:
        root.removeHandler(handler)
        for kept in handler.filters:  # e.g. the bot's redaction of credentials
            if kept not in to_file.filters:
                to_file.addFilter(kept)
    # With no handler left, logging's last resort would print warnings to stderr.
    root.addHandler(to_file)
    try:
        yield
    finally:
        root.removeHandler(to_file)
        to_file.close()
        for handler in on_terminal:
            root.addHandler(handler)


async def _read_loop(sandbox: Sandbox, stdin: TextIO) -> None:
    interactive = stdin.isatty()
    while True:
        if interactive:
            sandbox.out.write(sandbox.prompt())
            sandbox.out.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:  # EOF
            return
        if not interactive:
            sandbox.print(f"{sandbox.prompt()}{line.rstrip()}")
        if not sandbox.handle(line):
            return
        # Let the bot answer before the next line, so piped scripts can press what it sent.
        await sandbox.emu.settle()


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
