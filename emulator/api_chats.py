"""The Bot API's chat methods: commands and menu buttons, chats and their members, and the
checks every method makes on the chat it is asked about."""

from __future__ import annotations

import json

from emulator.api_params import json_param
from emulator.errors import ApiError, bad_request, forbidden
from emulator.models import JSON, EmuChat
from emulator.world import World, chat_member


class ChatMethods:
    """Commands, menu buttons and chats; `_known_chat` and friends for every method."""

    world: World
    commands: dict[tuple[str, str], list[JSON]]
    menu_buttons: dict[int | None, JSON]

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands stored by setMyCommands for a scope and language."""
        return self.commands.get(scope_key(scope, language_code), [])

    # ----- commands and menu ---------------------------------------------------------------

    async def _set_my_commands(self, params: JSON) -> bool:
        commands = json_param(params.get("commands")) or []
        for command in commands:
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not (1 <= len(name) <= 32) or not all(
                c.islower() or c.isdigit() or c == "_" for c in name
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(description) <= 256):
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = scope_key(json_param(params.get("scope")), params.get("language_code") or "")
        self.commands[key] = list(commands)
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        return self.my_commands(json_param(params.get("scope")), params.get("language_code") or "")

    async def _delete_my_commands(self, params: JSON) -> bool:
        key = scope_key(json_param(params.get("scope")), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    async def _set_chat_menu_button(self, params: JSON) -> bool:
        chat_id = params.get("chat_id")
        button = json_param(params.get("menu_button")) or {"type": "default"}
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


def scope_key(scope: JSON | None, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


def _status_of(chat: EmuChat, user_id: int) -> str:
    if chat.is_private:
        return "member"
    if user_id == chat.creator_id:
        return "creator"
    if user_id in chat.admins:
        return "administrator"
    return "member" if user_id in chat.members else "left"
