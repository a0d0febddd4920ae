"""The Bot API methods the emulator implements, acting on a `World`.

Each method takes the decoded request parameters and returns the `result` object, or raises
`ApiError` with Telegram's own wording so PTB raises the exception it would raise in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from emulator.errors import ApiError, bad_request, forbidden
from emulator.html_text import to_plain
from emulator.limits import FloodControl, RateLimits
from emulator.models import JSON, EmuChat, EmuFile, EmuMessage
from emulator.world import DEFAULT_ALLOWED_UPDATES, World, chat_member

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
INLINE_ACTIONS = frozenset(
    {
        "callback_data", "url", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
        "callback_game", "pay",
    }
)  # fmt: skip
CONFLICT_OTHER_POLL = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)
WEBHOOK_RETRY_SECONDS = 0.5  # after a refused or failed delivery (Telegram backs off longer)

CONFLICT_WEBHOOK = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)
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


class BotApi:
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

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by setMyCommands for a scope and language."""
        return self.commands.get(_scope_key(scope, language_code), [])

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

    # ----- updates -------------------------------------------------------------------------

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise CONFLICT_WEBHOOK
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self.world.changed()
        allowed = params.get("allowed_updates")
        if allowed is not None:
            self.world.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        self.world.confirm(int(params.get("offset") or 0))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if not self.world.pending_updates() and timeout > 0:
            try:
                await self.world.wait_for(
                    lambda: (
                        self.world.pending_updates()
                        or generation != self._poll_generation
                        or self.closing
                    ),
                    timeout=timeout,
                )
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise CONFLICT_OTHER_POLL
        batch = self.world.peek_updates(limit)
        self.world.stats.updates_delivered += len(batch)
        return batch

    async def _set_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self.world.drop_pending_updates()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, str):  # form-encoded: a JSON array in a string
            allowed = json.loads(allowed)
        if allowed is not None:
            self.world.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        self.webhook = {
            "url": params.get("url", ""),
            "secret_token": params.get("secret_token", ""),
            "allowed_updates": allowed,
            "max_connections": params.get("max_connections", 40),
        }
        self._stop_delivery()
        if self.webhook["url"]:
            self._delivery = asyncio.create_task(self._deliver(dict(self.webhook)))
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self.world.drop_pending_updates()
        self.webhook = {}
        self._stop_delivery()
        return True

    async def stop_webhook_delivery(self) -> None:
        """At shutdown: end the delivery task, if any."""
        task, self._delivery = self._delivery, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _stop_delivery(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            self._delivery = None

    async def _deliver(self, webhook: JSON) -> None:
        """POST each update to the webhook, oldest first, as Telegram does; retry until 2xx."""
        headers = {"Content-Type": "application/json"}
        if webhook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        async with aiohttp.ClientSession() as session:
            while not self.closing:
                await self.world.wait_for(
                    lambda: self.world.pending_updates() or self.closing,
                    timeout=3600,
                    description="an update for the webhook",
                )
                if self.closing:
                    return
                [update] = self.world.peek_updates(1)
                try:
                    async with session.post(
                        webhook["url"], data=json.dumps(update), headers=headers
                    ) as response:
                        delivered = response.status < 300
                        self.webhook["last_error"] = "" if delivered else str(response.status)
                except aiohttp.ClientError as error:
                    delivered = False
                    self.webhook["last_error"] = str(error)
                if delivered:
                    self.world.confirm(update["update_id"] + 1)
                    self.world.stats.updates_delivered += 1
                else:
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)

    async def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.world.pending_updates(),
        }
        if info["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
        return info

    # ----- sending -------------------------------------------------------------------------

    async def _send_message(self, params: JSON) -> JSON:
        text, plain, parse_mode = _text(params, "text", MAX_TEXT, "message is too long")
        chat = self._writable_chat(params)
        markup = _inline_markup(params)
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
        caption, plain_caption, parse_mode = _caption(params)
        chat = self._writable_chat(params)
        file = self._input_file(params.get(field), field)
        markup = _inline_markup(params)
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
        text, plain, parse_mode = _text(params, "text", MAX_TEXT, "message is too long")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = _inline_markup(params)
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
        caption, plain_caption, _ = _caption(params)
        markup = _inline_markup(params)
        if caption == message.caption and markup == message.reply_markup:
            raise NOT_MODIFIED
        message.history.append(message.plain_caption)
        message.caption, message.plain_caption = caption, plain_caption
        message.reply_markup = markup
        return self._edited(message)

    async def _edit_message_reply_markup(self, params: JSON) -> JSON:
        message = self._editable(params, "message to edit not found")
        markup = _inline_markup(params)
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

    # ----- commands and menu ---------------------------------------------------------------

    async def _set_my_commands(self, params: JSON) -> bool:
        commands = _json_param(params.get("commands")) or []
        for command in commands:
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not (1 <= len(name) <= 32) or not all(
                c.islower() or c.isdigit() or c == "_" for c in name
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(description) <= 256):
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(_json_param(params.get("scope")), params.get("language_code") or "")
        self.commands[key] = list(commands)
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        return self.my_commands(_json_param(params.get("scope")), params.get("language_code") or "")

    async def _delete_my_commands(self, params: JSON) -> bool:
        key = _scope_key(_json_param(params.get("scope")), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    async def _set_chat_menu_button(self, params: JSON) -> bool:
        chat_id = params.get("chat_id")
        button = _json_param(params.get("menu_button")) or {"type": "default"}
        self.menu_buttons[int(chat_id) if chat_id is not None else None] = button
        return True

    async def _get_chat_menu_button(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        key = int(chat_id) if chat_id is not None else None
        return self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "commands"}

    # ----- chats ---------------------------------------------------------------------------

    async def _get_chat(self, params: JSON) -> JSON:
        return self._member_chat(params).to_full_info()

    async def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._member_chat(params)
        user_id = int(params.get("user_id") or 0)
        if user_id == self.world.bot.id:
            return chat_member(self.world.bot, chat.bot_status)
        user = self.world.users.get(user_id)
        if user is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        return chat_member(user, _status_of(chat, user_id))

    async def _get_chat_administrators(self, params: JSON) -> list[JSON]:
        chat = self._member_chat(params)
        admins = [
            chat_member(user, _status_of(chat, user.id))
            for user in chat.members.values()
            if _status_of(chat, user.id) in ("creator", "administrator")
        ]
        if chat.bot_status == "administrator":
            admins.append(chat_member(self.world.bot, "administrator"))
        return admins

    async def _get_chat_member_count(self, params: JSON) -> int:
        chat = self._member_chat(params)
        return 2 if chat.is_private else len(chat.members) + 1

    async def _leave_chat(self, params: JSON) -> bool:
        chat = self._member_chat(params)
        if chat.is_private:
            raise bad_request("chat member status can't be changed in private chats")
        chat.bot_status = "left"
        return True

    # ----- shared checks -------------------------------------------------------------------

    def _known_chat(self, params: JSON) -> EmuChat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None  # @usernames are not modelled
        chat = self.world.chats.get(chat_id)
        if chat is None and chat_id in self.world.users:
            chat = self.world.private_chat(self.world.users[chat_id])
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _member_chat(self, params: JSON) -> EmuChat:
        chat = self._known_chat(params)
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if not chat.is_private and chat.bot_status == "kicked":
            raise forbidden("bot was kicked from the supergroup chat")
        if not chat.is_private and chat.bot_status == "left":
            raise forbidden("bot is not a member of the supergroup chat")
        return chat

    def _writable_chat(self, params: JSON) -> EmuChat:
        chat = self._member_chat(params)
        if chat.is_private and chat.bot_status == "kicked":
            raise forbidden("bot was blocked by the user")
        if chat.is_private and self.world.strict_private and not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    def _count_flood(self, chat: EmuChat) -> None:
        if self.flood is None:
            return
        try:
            self.flood.check(chat.id, not chat.is_private)
        except ApiError:
            self.world.stats.rate_limited += 1
            raise

    def _reply_to(self, chat: EmuChat, params: JSON) -> EmuMessage | None:
        reply = _json_param(params.get("reply_parameters"))
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


def _text(params: JSON, field: str, limit: int, too_long: str) -> tuple[str, str, str | None]:
    """(raw, plain, parse_mode) of a text parameter, refused as Telegram refuses it."""
    raw = params.get(field)
    parse_mode = params.get("parse_mode") or None
    if raw is None or str(raw) == "":
        raise bad_request("message text is empty")
    text = str(raw)
    plain = to_plain(text, parse_mode)
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > limit:
        raise bad_request(too_long)
    return text, plain, parse_mode


def _caption(params: JSON) -> tuple[str | None, str | None, str | None]:
    """(raw, plain, parse_mode) of an optional caption."""
    raw = params.get("caption")
    parse_mode = params.get("parse_mode") or None
    if raw is None or str(raw) == "":
        return None, None, parse_mode
    caption = str(raw)
    plain = to_plain(caption, parse_mode)
    if len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption, plain, parse_mode


def _inline_markup(params: JSON) -> JSON | None:
    """The reply_markup, with inline keyboards checked like Telegram checks them."""
    markup = _json_param(params.get("reply_markup"))
    if not markup or "inline_keyboard" not in markup:
        return markup or None
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            if not INLINE_ACTIONS & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not (1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA):
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _json_param(value: object) -> Any:
    """A complex parameter that may still be a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
    return value


def _scope_key(scope: JSON | None, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


def _status_of(chat: EmuChat, user_id: int) -> str:
    if chat.is_private:
        return "member"
    if user_id == chat.creator_id:
        return "creator"
    if user_id in chat.admins:
        return "administrator"
    return "member" if user_id in chat.members else "left"


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
