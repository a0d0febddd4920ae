"""Everything the emulated Telegram knows: people, chats, messages, files, pending updates.

The user-side actions (a person types, uploads, presses a button) and the observation helpers
tests use live here; the HTTP side is in `emulator.server`, the bot's methods in `emulator.api`.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import TypeVar

from emulator.models import (
    JSON,
    Call,
    EmuButton,
    EmuCallbackQuery,
    EmuChat,
    EmuFile,
    EmuMessage,
    EmuUser,
    Stats,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
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


class World:
    """State of the emulated Telegram, the user-side actions, and waiting helpers for tests."""

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

    # ----- people and chats -------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        username: str | None = None,
        user_id: int | None = None,
        *,
        last_name: str | None = None,
    ) -> EmuUser:
        """Create a person who can talk to the bot."""
        uid = user_id if user_id is not None else next(self._user_ids)
        if uid in self.users:
            raise ValueError(f"user id {uid} already exists")
        user = EmuUser(uid, first_name, username=username, last_name=last_name)
        self.users[uid] = user
        return user

    def find_user(self, name: str) -> EmuUser | None:
        """A user by first name, full name or @username."""
        wanted = name.lstrip("@")
        for user in self.users.values():
            if wanted in (user.first_name, user.name, user.username):
                return user
        return None

    def private_chat(self, user: EmuUser) -> EmuChat:
        """The one-to-one chat between `user` and the bot (its id is the user's id)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = EmuChat(user.id, "private", user=user)
            self._add_chat(chat)
        return chat

    def add_group(
        self,
        title: str,
        members: Iterable[EmuUser] = (),
        *,
        admins: Iterable[EmuUser] = (),
        bot_admin: bool = False,
        chat_id: int | None = None,
    ) -> EmuChat:
        """Create a supergroup the bot is already a member of; the first member created it."""
        people = list(members)
        cid = chat_id if chat_id is not None else next(self._group_ids)
        chat = EmuChat(
            cid,
            "supergroup",
            title=title,
            members={u.id: u for u in people},
            admins={u.id for u in admins},
            creator_id=people[0].id if people else None,
            bot_status="administrator" if bot_admin else "member",
        )
        self._add_chat(chat)
        return chat

    def add_basic_group(self, title: str, members: Iterable[EmuUser] = ()) -> EmuChat:
        """A basic (not super) group, as new Telegram groups start out."""
        chat = self.add_group(title, members, chat_id=-next(self._basic_group_ids))
        chat.type = "group"
        return chat

    def upgrade_to_supergroup(self, chat: EmuChat, *, by: EmuUser) -> EmuChat:
        """Telegram's migration: a new supergroup, service messages in both, the old id dead."""
        new = self.add_group(chat.title or "", chat.members.values())
        new.admins, new.bot_status = set(chat.admins), chat.bot_status
        chat.migrated_to = new.id
        self._post(by, chat, extra={"migrate_to_chat_id": new.id}, service=True)
        self._post(by, new, extra={"migrate_from_chat_id": chat.id}, service=True)
        return new

    def find_chat(self, title: str) -> EmuChat | None:
        """A group by its title."""
        return next((c for c in self.chats.values() if c.title == title), None)

    def chat_of(self, chat: ChatLike) -> EmuChat:
        """Resolve a chat, a user (meaning their private chat) or a chat id."""
        if isinstance(chat, EmuChat):
            return chat
        if isinstance(chat, EmuUser):
            return self.private_chat(chat)
        return self.chats[chat]

    def add_member(self, chat: EmuChat, user: EmuUser, *, by: EmuUser | None = None) -> EmuMessage:
        """Someone joins a group: the service message the bot receives."""
        chat.members[user.id] = user
        return self._post(
            by or user, chat, extra={"new_chat_members": [user.to_api()]}, service=True
        )

    def add_bot_to(self, chat: EmuChat, *, by: EmuUser, admin: bool = False) -> None:
        """`by` adds the bot to a group: my_chat_member plus the new_chat_members message."""
        old = chat.bot_status
        chat.members.setdefault(by.id, by)
        chat.bot_status = "administrator" if admin else "member"
        self._my_chat_member(chat, by, old, chat.bot_status)
        self._post(by, chat, extra={"new_chat_members": [self.bot.to_api()]}, service=True)

    def remove_bot_from(self, chat: EmuChat, *, by: EmuUser | None = None) -> None:
        """The bot is kicked: sends to this chat now answer 403."""
        old = chat.bot_status
        chat.bot_status = "kicked"
        actor = by or self._someone_in(chat)
        if actor is not None:
            self._my_chat_member(chat, actor, old, "kicked")

    def block_bot(self, user: EmuUser) -> None:
        """The user blocks the bot: sends to their private chat now answer 403."""
        chat = self.private_chat(user)
        old = chat.bot_status
        chat.bot_status = "kicked"
        self._my_chat_member(chat, user, old, "kicked")

    def unblock_bot(self, user: EmuUser) -> None:
        """The user unblocks the bot (Telegram's "Restart" button)."""
        chat = self.private_chat(user)
        if chat.bot_status == "kicked":
            chat.bot_status = "member"
            self._my_chat_member(chat, user, "kicked", "member")

    # ----- what people do ----------------------------------------------------------------

    def send_text(
        self, user: EmuUser, chat: ChatLike, text: str, *, reply_to: EmuMessage | None = None
    ) -> EmuMessage:
        """A person types `text`; a leading /command gets its bot_command entity."""
        return self._post(
            user,
            self.chat_of(chat),
            text=text,
            entities=command_entities(text),
            reply_to=reply_to,
        )

    def send_document(
        self,
        user: EmuUser,
        chat: ChatLike,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
        media_group_id: str | None = None,
        forward_from: EmuUser | None = None,
    ) -> EmuMessage:
        """A person uploads a file as a document (optionally forwarded or in an album)."""
        file = self.new_file(data, "documents", file_name=filename, mime_type=mime_type)
        extra: JSON = {}
        if media_group_id:
            extra["media_group_id"] = media_group_id
        if forward_from is not None:
            extra["forward_origin"] = {
                "type": "user",
                "date": int(time.time()) - 60,
                "sender_user": forward_from.to_api(),
            }
        return self._post(user, self.chat_of(chat), document=file, caption=caption, extra=extra)

    def send_photo(
        self,
        user: EmuUser,
        chat: ChatLike,
        data: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
    ) -> EmuMessage:
        """A person sends a photo: several PhotoSizes, all downloading the same bytes."""
        sizes = [self.new_file(data, "photos", mime_type="image/jpeg") for _ in range(3)]
        extra: JSON = {"media_group_id": media_group_id} if media_group_id else {}
        return self._post(user, self.chat_of(chat), photo=sizes, caption=caption, extra=extra)

    def send_sticker(self, user: EmuUser, chat: ChatLike, emoji: str = "👍") -> EmuMessage:
        """A person sends a sticker."""
        file = self.new_file(b"RIFF\x00\x00\x00\x00WEBP", "stickers", mime_type="image/webp")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": file.size,
        }
        return self._post(user, self.chat_of(chat), extra={"sticker": sticker})

    def send_voice(
        self, user: EmuUser, chat: ChatLike, data: bytes = b"OggS\x00voice", duration: int = 3
    ) -> EmuMessage:
        """A person sends a voice note."""
        file = self.new_file(data, "voice", mime_type="audio/ogg")
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": file.size,
        }
        return self._post(user, self.chat_of(chat), extra={"voice": voice})

    def send_location(
        self, user: EmuUser, chat: ChatLike, latitude: float = 25.04, longitude: float = 102.71
    ) -> EmuMessage:
        """A person shares a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._post(user, self.chat_of(chat), extra={"location": location})

    def send_contact(
        self,
        user: EmuUser,
        chat: ChatLike,
        phone_number: str = "+8613800000000",
        first_name: str = "联系人",
        contact_user: EmuUser | None = None,
    ) -> EmuMessage:
        """A person shares a contact card."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if contact_user is not None:
            contact["user_id"] = contact_user.id
        return self._post(user, self.chat_of(chat), extra={"contact": contact})

    def edit_text(self, user: EmuUser, message: EmuMessage, new_text: str) -> EmuMessage:
        """A person edits their own message: the bot gets an edited_message update."""
        if message.sender is not user:
            raise ValueError("people can only edit their own messages")
        message.history.append(message.plain_text)
        message.text = message.plain_text = new_text
        message.entities = command_entities(new_text)
        message.edit_date = int(time.time())
        if self._bot_sees(message):
            self.push_update("edited_message", message.to_api())
        return message

    def press_button(
        self, user: EmuUser, message: EmuMessage, text_or_index: str | int
    ) -> EmuCallbackQuery:
        """A person presses an inline button (by its text, or its 0-based index)."""
        if message.deleted:
            raise ValueError("the message was deleted")
        button = self._find_button(message, text_or_index)
        if button.callback_data is None:
            raise ValueError(f"button {button.text!r} opens a link; it cannot be pressed")
        query = EmuCallbackQuery(str(next(self._query_ids)), user, message, button.callback_data)
        self.callback_queries[query.id] = query
        self.push_update(
            "callback_query",
            {
                "id": query.id,
                "from": user.to_api(),
                "message": message.to_api(),
                "chat_instance": str(abs(message.chat.id) * 7919 % 10**12),
                "data": query.data,
            },
        )
        return query

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

    # ----- observing what the bot did ----------------------------------------------------

    def mark(self) -> int:
        """A cursor: pass it as `after=` to see only what happens from now on."""
        return self._seq

    def messages_in(
        self, chat: ChatLike, *, after: int | None = None, include_deleted: bool = False
    ) -> list[EmuMessage]:
        """Messages the bot sent into a chat, oldest first (edits applied)."""
        sent = self._bot_messages.get(self.chat_of(chat).id, [])
        start = 0 if after is None else bisect.bisect_right(sent, after, key=lambda m: m.seq)
        return [m for m in sent[start:] if include_deleted or not m.deleted]

    def history(self, chat: ChatLike) -> list[EmuMessage]:
        """Every message in a chat, people's and the bot's, oldest first."""
        return list(self._messages.get(self.chat_of(chat).id, {}).values())

    def last_message(self, chat: ChatLike) -> EmuMessage | None:
        """The bot's latest message in a chat that is still there."""
        sent = self._bot_messages.get(self.chat_of(chat).id, [])
        return next((m for m in reversed(sent) if not m.deleted), None)

    def message(self, chat: ChatLike, message_id: int) -> EmuMessage | None:
        """A message by id."""
        return self._messages.get(self.chat_of(chat).id, {}).get(message_id)

    def calls_to(self, method: str) -> list[Call]:
        """The requests made to one Bot API method."""
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    async def wait_for_messages(
        self,
        chat: ChatLike,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
        after: int | None = None,
    ) -> list[EmuMessage]:
        """Wait for ≥count new bot messages in a chat; without `after`, new = not yet returned."""
        resolved = self.chat_of(chat)
        since = self._cursors.get(resolved.id, 0) if after is None else after

        def ready() -> list[EmuMessage] | None:
            found = self.messages_in(resolved, after=since, include_deleted=True)
            return found if len(found) >= count else None

        description = f"{count} message(s) from the bot in {resolved.name}"
        found = await self.wait_for(ready, timeout=timeout, description=description)
        if after is None:
            self._cursors[resolved.id] = found[-1].seq
        return found

    async def wait_for_answer(
        self,
        query: EmuCallbackQuery,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
    ) -> JSON:
        """Wait until the bot answered a button press; returns the answer's parameters."""
        # An answer without text is {}: wait on `answered`, not on the answer's truthiness.
        answered = await self.wait_for(
            lambda: (query.answer,) if query.answered else None,
            timeout=timeout,
            description="answerCallbackQuery",
        )
        return answered[0] or {}

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
        description: str = "",
    ) -> T:
        """Wait until `predicate()` returns something truthy, re-checked on every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {description}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._watchers.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                continue

    async def settle(
        self,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
    ) -> None:
        """Wait until the bot has fetched every update and made no request for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            idle = time.monotonic() - self.last_activity
            if not self._updates and idle >= quiet:
                return
            await asyncio.sleep(max(0.01, quiet - idle))

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event, message)` on "sent", "edited" and "deleted" bot messages."""
        self._listeners.append(listener)

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

    def _someone_in(self, chat: EmuChat) -> EmuUser | None:
        if chat.user is not None:
            return chat.user
        return next(iter(chat.members.values()), None)

    def _post(
        self,
        user: EmuUser,
        chat: EmuChat,
        *,
        text: str | None = None,
        entities: list[JSON] | None = None,
        document: EmuFile | None = None,
        photo: list[EmuFile] | None = None,
        caption: str | None = None,
        reply_to: EmuMessage | None = None,
        extra: JSON | None = None,
        service: bool = False,
    ) -> EmuMessage:
        """Store a person's message and deliver it as an update when the bot can see it."""
        self._check_can_post(user, chat)
        if chat.is_private:
            chat.started = True
            if chat.bot_status == "kicked":
                self.unblock_bot(user)
        message = self.new_message(
            chat,
            user,
            text=text,
            plain_text=text,
            entities=entities or [],
            document=document,
            photo=photo or [],
            caption=caption,
            plain_caption=caption,
            reply_to=reply_to,
            extra=extra or {},
        )
        self.store_message(message)
        if self._bot_sees(message, service=service):
            self.push_update("message", message.to_api())
        return message

    def _check_can_post(self, user: EmuUser, chat: EmuChat) -> None:
        if chat.is_private and chat.user is not user:
            raise ValueError(f"{user.name} cannot write in {chat.name}'s private chat")
        if not chat.is_private and user.id not in chat.members:
            raise ValueError(f"{user.name} is not a member of {chat.name}")

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

    def _find_button(self, message: EmuMessage, text_or_index: str | int) -> EmuButton:
        buttons = message.buttons
        if not buttons:
            raise ValueError("the message has no inline keyboard")
        if isinstance(text_or_index, int):
            return buttons[text_or_index]
        for button in buttons:
            if button.text == text_or_index:
                return button
        names = ", ".join(b.text for b in buttons)
        raise ValueError(f"no button {text_or_index!r}; the keyboard has: {names}")


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
