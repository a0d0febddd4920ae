"""The emulated Telegram's state and the bookkeeping both sides share: people, chats, messages,
files, and the queue of updates waiting for the bot."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Callable

from emulator.models import (
    JSON,
    Call,
    EmuCallbackQuery,
    EmuChat,
    EmuFile,
    EmuMessage,
    EmuUser,
    Stats,
)

logger = logging.getLogger(__name__)

ChatLike = EmuChat | EmuUser | int
Listener = Callable[[str, EmuMessage], None]

# Telegram leaves these out unless getUpdates asks for them explicitly
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost", "business_connection", "business_message",
        "edited_business_message", "deleted_business_messages", "purchased_paid_media",
    }
)  # fmt: skip
COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram attaches to a message starting with a command."""
    match = COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


class WorldState:
    """What the emulated Telegram knows, and the update queue the bot reads from."""

    def __init__(
        self,
        *,
        bot_id: int = 7_000_000_001,
        bot_username: str = "yingjian_bot",
        bot_name: str = "迎检助手",
        privacy_mode: bool = False,
        strict_private: bool = True,
    ) -> None:
        self.bot = EmuUser(bot_id, bot_name, username=bot_username, is_bot=True)
        # Privacy mode on: in groups the bot only sees commands, replies to it and service
        # messages, unless it is an admin (BotFather's default for new bots).
        self.privacy_mode = privacy_mode
        # Telegram refuses to let a bot write first to someone who never wrote to it.
        self.strict_private = strict_private
        self.users: dict[int, EmuUser] = {}
        self.chats: dict[int, EmuChat] = {}
        self.files: dict[str, EmuFile] = {}
        self.files_by_path: dict[str, EmuFile] = {}
        self.callback_queries: dict[str, EmuCallbackQuery] = {}
        self.calls: list[Call] = []
        self.stats = Stats()
        self.confirmed_offset = 0
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._messages: dict[int, dict[int, EmuMessage]] = {}
        self._bot_messages: dict[int, list[EmuMessage]] = {}
        self._cursors: dict[int, int] = {}
        self._updates: deque[JSON] = deque()
        # Like Telegram, update ids of one bot never repeat: a bot restarted against a new
        # emulator (the sandbox, on the same database) must not see ids it already handled.
        self._update_ids = itertools.count(int(time.time() * 1000) % 10**12)
        self._basic_group_ids = itertools.count(4_000_001)
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(-1_001_000_000_001, -1)
        self._query_ids = itertools.count(4_000_000_000_000_001)
        self._file_counter = itertools.count(1)
        self._seq = 0
        self._watchers: list[asyncio.Future[None]] = []
        self._listeners: list[Listener] = []
        self.last_activity = time.monotonic()

    def private_chat(self, user: EmuUser) -> EmuChat:
        """The one-to-one chat between `user` and the bot (its id is the user's id)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = EmuChat(user.id, "private", user=user)
            self._add_chat(chat)
        return chat

    def chat_of(self, chat: ChatLike) -> EmuChat:
        """Resolve a chat, a user (meaning their private chat) or a chat id."""
        if isinstance(chat, EmuChat):
            return chat
        if isinstance(chat, EmuUser):
            return self.private_chat(chat)
        return self.chats[chat]

    # ----- what the bot sees -------------------------------------------------------------

    def push_update(self, kind: str, payload: JSON) -> JSON | None:
        """Queue an update for getUpdates, unless the bot did not ask for that kind."""
        self.touch()
        if kind not in self.allowed_updates:
            return None
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self.stats.updates_created += 1
        self.changed()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates the bot has confirmed, as getUpdates' offset does."""
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
            self.confirmed_offset = max(self.confirmed_offset, offset)
        elif offset < 0:
            while len(self._updates) > -offset:
                self.confirmed_offset = self._updates.popleft()["update_id"] + 1

    def peek_updates(self, limit: int) -> list[JSON]:
        """The oldest unconfirmed updates."""
        return list(itertools.islice(self._updates, limit))

    def pending_updates(self) -> int:
        """How many updates wait for the bot to confirm them."""
        return len(self._updates)

    def drop_pending_updates(self) -> None:
        """Forget every pending update (deleteWebhook/setWebhook drop_pending_updates)."""
        if self._updates:
            self.confirmed_offset = self._updates[-1]["update_id"] + 1
        self._updates.clear()

    # ----- bookkeeping shared with the Bot API side --------------------------------------

    def new_file(
        self,
        data: bytes,
        folder: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> EmuFile:
        """Store bytes under fresh file_id / file_unique_id."""
        number = next(self._file_counter)
        file = EmuFile(
            file_id=f"BQACAgUAAx{number:06d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{number:06d}{secrets.token_urlsafe(6)}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        file.file_path = f"{folder}/file_{number}{_extension(file_name, mime_type)}"
        self.files[file.file_id] = file
        return file

    def store_message(self, message: EmuMessage) -> EmuMessage:
        """Record a message; bot messages also go to the per-chat sent list and listeners."""
        self._messages.setdefault(message.chat.id, {})[message.message_id] = message
        if message.from_bot:
            self._bot_messages.setdefault(message.chat.id, []).append(message)
            self.stats.sent_per_chat[message.chat.id] += 1
            self.notify("sent", message)
        self.changed()
        return message

    def new_message(self, chat: EmuChat, sender: EmuUser, **fields: object) -> EmuMessage:
        """A message with the chat's next id and the next global sequence number."""
        self._seq += 1
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return EmuMessage(
            message_id=message_id,
            chat=chat,
            sender=sender,
            date=int(time.time()),
            seq=self._seq,
            **fields,  # type: ignore[arg-type]
        )

    def notify(self, event: str, message: EmuMessage) -> None:
        """Tell listeners (the sandbox) about a bot message."""
        for listener in self._listeners:
            try:
                listener(event, message)
            except Exception:
                logger.exception("listener failed on %s", event)

    def changed(self) -> None:
        """Wake everything waiting in `wait_for`."""
        watchers, self._watchers = self._watchers, []
        for waiter in watchers:
            if not waiter.done():
                waiter.set_result(None)

    def touch(self) -> None:
        """Note activity, for `settle`."""
        self.last_activity = time.monotonic()

    # ----- internals ---------------------------------------------------------------------

    def _add_chat(self, chat: EmuChat) -> None:
        if chat.id in self.chats:
            raise ValueError(f"chat id {chat.id} already exists")
        self.chats[chat.id] = chat

    def _bot_sees(self, message: EmuMessage, *, service: bool = False) -> bool:
        chat = message.chat
        if chat.bot_status not in ("member", "administrator"):
            return False
        if chat.is_private or service or not self.privacy_mode:
            return True
        if chat.bot_status == "administrator":
            return True
        replies_to_bot = message.reply_to is not None and message.reply_to.from_bot
        return bool(message.entities) or replies_to_bot

    def _my_chat_member(self, chat: EmuChat, actor: EmuUser, old: str, new: str) -> None:
        self.push_update(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": actor.to_api(),
                "date": int(time.time()),
                "old_chat_member": chat_member(self.bot, old),
                "new_chat_member": chat_member(self.bot, new),
            },
        )


ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip


def chat_member(user: EmuUser, status: str) -> JSON:
    """A Bot API ChatMember of the given status."""
    data: JSON = {"status": status, "user": user.to_api()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(dict.fromkeys(ADMIN_RIGHTS, False))
        data.update(can_manage_chat=True, can_delete_messages=True, can_invite_users=True)
    elif status == "kicked":
        data["until_date"] = 0
    return data


MIME_EXTENSIONS = {"image/jpeg": ".jpg", "image/webp": ".webp", "audio/ogg": ".oga"}


def _extension(file_name: str | None, mime_type: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    return MIME_EXTENSIONS.get(mime_type or "", "")
