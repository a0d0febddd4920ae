"""What people do in the emulated Telegram: join, create groups, type, upload, press buttons.

Each action stores the person's message and, when the bot can see it, queues the update.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from emulator.models import JSON, EmuButton, EmuCallbackQuery, EmuChat, EmuFile, EmuMessage, EmuUser
from emulator.state import ChatLike, WorldState, command_entities


class People(WorldState):
    """People and chats, and the user-side actions on them."""

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
