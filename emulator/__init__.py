"""The project's own emulator of the Telegram Bot API, for end-to-end tests and the sandbox."""

from emulator.errors import ApiError
from emulator.limits import RateLimits
from emulator.models import (
    Call,
    EmuButton,
    EmuCallbackQuery,
    EmuChat,
    EmuFile,
    EmuMessage,
    EmuUser,
    Stats,
)
from emulator.server import BotApiEmulator, Fault

SentMessage = EmuMessage

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "Call",
    "EmuButton",
    "EmuCallbackQuery",
    "EmuChat",
    "EmuFile",
    "EmuMessage",
    "EmuUser",
    "Fault",
    "RateLimits",
    "SentMessage",
    "Stats",
]
