"""The Bot API methods the emulator implements, acting on a `World`.

Each method takes the decoded request parameters and returns the `result` object, or raises
`ApiError` with Telegram's own wording so PTB raises the exception it would raise in production.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.api_chats import ChatMethods
from emulator.api_params import (
    MAX_TEXT,
    caption_param,
    inline_markup,
    json_param,
    text_param,
)
from emulator.api_updates import UpdateMethods
from emulator.errors import ApiError, bad_request
from emulator.limits import FloodControl, RateLimits
from emulator.models import JSON, EmuChat, EmuFile, EmuMessage
from emulator.world import World

MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
NOT_MODIFIED = bad_request(
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)

Method = Callable[[JSON], Awaitable[Any]]


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class BotApi(UpdateMethods, ChatMethods):
    """Bot API methods over a world; `methods` maps lower-cased names to implementations."""

    def __init__(
        self,
        world: World,
        *,
        local_mode: bool = False,
        rate_limits: RateLimits | None = None,
        files_dir: Path | None = None,
    ) -> None:
        self.world = world
        self.local_mode = local_mode
        self.files_dir = files_dir
        self.flood = FloodControl(rate_limits) if rate_limits else None
        self.webhook: JSON = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.closing = False
        self._poll_generation = 0
        self._delivery: asyncio.Task[None] | None = None
        self.methods: dict[str, Method] = {
            name.lower(): getattr(self, f"_{_snake(name)}")
            for name in (
                "getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook",
                "getWebhookInfo", "sendMessage", "sendDocument", "sendPhoto", "sendChatAction",
                "editMessageText", "editMessageCaption", "editMessageReplyMarkup",
                "deleteMessage", "answerCallbackQuery", "getFile", "setMyCommands",
                "getMyCommands", "deleteMyCommands", "getChat", "getChatMember",
                "getChatAdministrators", "getChatMemberCount", "leaveChat",
                "setChatMenuButton", "getChatMenuButton",
            )
        }  # fmt: skip

    async def call(self, method: str, params: JSON) -> Any:
        """Run one method; unknown methods answer 404 like Telegram."""
        implementation = self.methods.get(method.lower())
        if implementation is None:
            raise ApiError(404, "Not Found")
        return await implementation(params)

    # ----- the bot itself ------------------------------------------------------------------

    async def _get_me(self, params: JSON) -> JSON:
        return {
            **self.world.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.world.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _log_out(self, params: JSON) -> bool:
        return True

    async def _close(self, params: JSON) -> bool:
        return True

    # ----- sending -------------------------------------------------------------------------

    async def _send_message(self, params: JSON) -> JSON:
        text, plain, parse_mode = text_param(params, "text", MAX_TEXT, "message is too long")
        chat = self._writable_chat(params)
        markup = inline_markup(params)
        reply_to = self._reply_to(chat, params)
        self._count_flood(chat)
        message = self.world.new_message(
            chat,
            self.world.bot,
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            reply_markup=markup,
            reply_to=reply_to,
        )
        return self.world.store_message(message).to_api()

    async def _send_document(self, params: JSON) -> JSON:
        return await self._send_file(params, "document")

    async def _send_photo(self, params: JSON) -> JSON:
        return await self._send_file(params, "photo")

    async def _send_file(self, params: JSON, field: str) -> JSON:
        caption, plain_caption, parse_mode = caption_param(params)
        chat = self._writable_chat(params)
        file = self._input_file(params.get(field), field)
        markup = inline_markup(params)
        reply_to = self._reply_to(chat, params)
        self._count_flood(chat)
        message = self.world.new_message(
            chat,
            self.world.bot,
            caption=caption,
            plain_caption=plain_caption,
            parse_mode=parse_mode,
            reply_markup=markup,
            reply_to=reply_to,
        )
        if field == "photo":
            message.photo = [file, file, file]
        else:
            message.document = file
        return self.world.store_message(message).to_api()

    async def _send_chat_action(self, params: JSON) -> bool:
        self._writable_chat(params)
        return True

    # ----- editing -------------------------------------------------------------------------

    async def _edit_message_text(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        if message.plain_text is None:
            raise bad_request("there is no text in the message to edit")
        text, plain, parse_mode = text_param(params, "text", MAX_TEXT, "message is too long")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = inline_markup(params)
        if (
            text == message.text
            and parse_mode == message.parse_mode
            and markup == (message.reply_markup)
        ):
            raise NOT_MODIFIED
        message.history.append(message.plain_text)
        message.text, message.plain_text, message.parse_mode = text, plain, parse_mode
        message.reply_markup = markup
        return self._edited(message)

    async def _edit_message_caption(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        if message.document is None and not message.photo:
            raise bad_request("there is no caption in the message to edit")
        caption, plain_caption, _ = caption_param(params)
        markup = inline_markup(params)
        if caption == message.caption and markup == message.reply_markup:
            raise NOT_MODIFIED
        message.history.append(message.plain_caption)
        message.caption, message.plain_caption = caption, plain_caption
        message.reply_markup = markup
        return self._edited(message)

    async def _edit_message_reply_markup(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        markup = inline_markup(params)
        if markup == message.reply_markup:
            raise NOT_MODIFIED
        message.reply_markup = markup
        return self._edited(message)

    async def _delete_message(self, params: JSON) -> bool:
        chat = self._known_chat(params)
        message = self.world.message(chat, int(params.get("message_id") or 0))
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        if message.from_bot:
            self.world.notify("deleted", message)
        self.world.changed()
        return True

    async def _answer_callback_query(self, params: JSON) -> bool:
        query = self.world.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        self.world.changed()
        return True

    # ----- files ---------------------------------------------------------------------------

    async def _get_file(self, params: JSON) -> JSON:
        file = self.world.files.get(str(params.get("file_id")))
        if file is None:
            raise bad_request("invalid file_id")
        if file.size > MAX_DOWNLOAD and not self.local_mode:
            raise bad_request("file is too big")
        path = self._file_path(file)
        return {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": file.size,
            "file_path": path,
        }

    def _file_path(self, file: EmuFile) -> str:
        """Relative path for downloads, or (local mode) an absolute path on this disk."""
        relative = file.file_path or f"documents/{file.file_unique_id}"
        if not self.local_mode or self.files_dir is None:
            self.world.files_by_path[relative] = file
            return relative
        target = self.files_dir / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.data)
        self.world.files_by_path[str(target)] = file
        return str(target)

    # ----- shared checks -------------------------------------------------------------------

    def _count_flood(self, chat: EmuChat) -> None:
        if self.flood is None:
            return
        try:
            self.flood.check(chat.id, not chat.is_private)
        except ApiError:
            self.world.stats.rate_limited += 1
            raise

    def _reply_to(self, chat: EmuChat, params: JSON) -> EmuMessage | None:
        reply = json_param(params.get("reply_parameters"))
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {"message_id": params["reply_to_message_id"]}
        if not reply:
            return None
        message = self.world.message(chat, int(reply.get("message_id") or 0))
        if message is None or message.deleted:
            if reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            ):
                return None
            raise bad_request("message to be replied not found")
        return message

    def _editable(self, params: JSON, missing: str) -> EmuMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        chat = self._member_chat(params)
        message = self.world.message(chat, int(params.get("message_id") or 0))
        if message is None or message.deleted:
            raise bad_request(missing)
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _edited(self, message: EmuMessage) -> JSON:
        message.edit_date = int(time.time())
        self.world.notify("edited", message)
        self.world.changed()
        return message.to_api()

    def _input_file(self, value: object, field: str) -> EmuFile:
        if isinstance(value, Upload):
            if len(value.data) > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            if not value.data:
                raise bad_request("file must be non-empty")
            folder = "photos" if field == "photo" else "documents"
            return self.world.new_file(
                value.data, folder, file_name=value.filename, mime_type=value.content_type
            )
        if isinstance(value, str) and value in self.world.files:
            return self.world.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise bad_request("wrong file identifier/HTTP URL specified (URLs are not fetched)")
        raise bad_request(f"there is no {field} in the request")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
