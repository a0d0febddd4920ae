"""Everything the emulated Telegram knows and does, as one `World`.

Its parts: the state and the update queue (`emulator.state`), what people do
(`emulator.people`) and the observation and waiting helpers tests use (`emulator.observing`).
The HTTP side is in `emulator.server`, the bot's methods in `emulator.api`.
"""

from __future__ import annotations

from emulator.observing import Observing
from emulator.people import People
from emulator.state import (
    DEFAULT_ALLOWED_UPDATES,
    ChatLike,
    chat_member,
    command_entities,
    utf16_len,
)

__all__ = [
    "DEFAULT_ALLOWED_UPDATES",
    "ChatLike",
    "World",
    "chat_member",
    "command_entities",
    "utf16_len",
]


class World(People, Observing):
    """State of the emulated Telegram, the user-side actions, and waiting helpers for tests."""
