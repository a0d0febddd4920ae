"""The emulator's state objects and their Bot API JSON shapes."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(eq=False)
class EmuUser:
    """A Telegram user (or the bot itself)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False
    language_code: str | None = "zh-hans"

    def to_api(self) -> JSON:
        """Render as a Bot API User."""
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data

    @property
    def name(self) -> str:
        """Display name as Telegram clients show it."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(eq=False)
class EmuChat:
    """A private chat or a supergroup; `bot_status` is the bot's membership in it."""

    id: int
    type: str
    title: str | None = None
    user: EmuUser | None = None  # the other party of a private chat
    members: dict[int, EmuUser] = field(default_factory=dict)
    admins: set[int] = field(default_factory=set)
    creator_id: int | None = None
    bot_status: str = "member"  # member | administrator | kicked | left
    started: bool = False  # private chats: the user has written to the bot at least once
    next_message_id: int = 1
    migrated_to: int | None = None  # a basic group upgraded to this supergroup

    @property
    def is_private(self) -> bool:
        """True for a one-to-one chat with a user."""
        return self.type == "private"

    @property
    def name(self) -> str:
        """Title of a group, or the user's name for a private chat."""
        if self.title:
            return self.title
        return self.user.name if self.user else str(self.id)

    def to_api(self) -> JSON:
        """Render as a Bot API Chat."""
        data: JSON = {"id": self.id, "type": self.type}
        if self.is_private and self.user:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or ""
        return data

    def to_full_info(self) -> JSON:
        """Render as a Bot API ChatFullInfo (getChat)."""
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


@dataclass(eq=False)
class EmuFile:
    """Bytes uploaded by a user or by the bot, downloadable through getFile."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    file_path: str | None = None  # assigned on the first getFile

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class EmuButton:
    """One inline keyboard button, flattened out of its row."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    row: int = 0
    column: int = 0


@dataclass(eq=False)
class EmuMessage:
    """A message in a chat, sent by a user or by the bot; edits are applied in place."""

    message_id: int
    chat: EmuChat
    sender: EmuUser
    date: int
    seq: int  # global order of creation, used by cursors
    text: str | None = None  # as sent: raw HTML for the bot's messages
    plain_text: str | None = None  # what a person reads: tags stripped, entities unescaped
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    caption: str | None = None
    plain_caption: str | None = None
    document: EmuFile | None = None
    photo: list[EmuFile] = field(default_factory=list)
    reply_markup: JSON | None = None
    reply_to: EmuMessage | None = None
    extra: JSON = field(default_factory=dict)  # sticker, voice, location, service fields...
    edit_date: int | None = None
    history: list[str | None] = field(default_factory=list)  # plain texts before each edit
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        """True when the bot sent this message."""
        return self.sender.is_bot

    @property
    def data(self) -> bytes | None:
        """The attached document's bytes (or the largest photo's)."""
        if self.document:
            return self.document.data
        return self.photo[-1].data if self.photo else None

    @property
    def filename(self) -> str | None:
        """The attached document's file name."""
        return self.document.file_name if self.document else None

    @property
    def shown_text(self) -> str:
        """Plain text or plain caption: what a person sees."""
        return self.plain_text or self.plain_caption or ""

    @property
    def buttons(self) -> list[EmuButton]:
        """Inline keyboard buttons in reading order."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            EmuButton(
                text=button.get("text", ""),
                callback_data=button.get("callback_data"),
                url=button.get("url"),
                row=r,
                column=c,
            )
            for r, row in enumerate(rows)
            for c, button in enumerate(row)
        ]

    def to_api(self, *, with_reply: bool = True) -> JSON:
        """Render as a Bot API Message."""
        data: JSON = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.plain_text is not None:
            data["text"] = self.plain_text
            if self.entities:
                data["entities"] = self.entities
        if self.document:
            data["document"] = document_to_api(self.document)
        if self.photo:
            data["photo"] = [photo_size_to_api(f, i) for i, f in enumerate(self.photo)]
        if self.plain_caption is not None:
            data["caption"] = self.plain_caption
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.reply_to is not None and with_reply:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.edit_date:
            data["edit_date"] = self.edit_date
        data.update(self.extra)
        return data


PHOTO_SIDES = (90, 320, 800, 1280)


def document_to_api(file: EmuFile) -> JSON:
    """Render a file as a Bot API Document."""
    data: JSON = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.size,
    }
    if file.file_name:
        data["file_name"] = file.file_name
    if file.mime_type:
        data["mime_type"] = file.mime_type
    return data


def photo_size_to_api(file: EmuFile, index: int) -> JSON:
    """Render one size of a photo as a Bot API PhotoSize."""
    side = PHOTO_SIDES[min(index, len(PHOTO_SIDES) - 1)]
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "width": side,
        "height": side * 3 // 4,
        "file_size": file.size,
    }


@dataclass(eq=False)
class EmuCallbackQuery:
    """A button press; `answer` holds the bot's answerCallbackQuery parameters."""

    id: str
    user: EmuUser
    message: EmuMessage
    data: str
    answer: JSON | None = None

    @property
    def answered(self) -> bool:
        """True once the bot called answerCallbackQuery."""
        return self.answer is not None


@dataclass(frozen=True)
class Call:
    """One Bot API request as the emulator received it."""

    method: str
    params: JSON
    time: float = field(default_factory=time.monotonic)


@dataclass
class Stats:
    """Counters for benchmarks and tests."""

    requests: Counter[str] = field(default_factory=Counter)
    sent_per_chat: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0  # every 429 answered, injected or enforced
    rate_limited: int = 0  # 429s from enforced flood limits only
    errors: int = 0  # every non-2xx answer
    updates_created: int = 0
    updates_delivered: int = 0
    downloads: int = 0  # files served by the file URL

    @property
    def messages_sent(self) -> int:
        """Messages the bot sent, all chats together."""
        return sum(self.sent_per_chat.values())
