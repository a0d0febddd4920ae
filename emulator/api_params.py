"""Request parameters checked as Telegram checks them: texts, captions, inline keyboards."""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import bad_request
from emulator.html_text import to_plain
from emulator.models import JSON

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
INLINE_ACTIONS = frozenset(
    {
        "callback_data", "url", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
        "callback_game", "pay",
    }
)  # fmt: skip


def text_param(params: JSON, field: str, limit: int, too_long: str) -> tuple[str, str, str | None]:
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


def caption_param(params: JSON) -> tuple[str | None, str | None, str | None]:
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


def inline_markup(params: JSON) -> JSON | None:
    """The reply_markup, with inline keyboards checked like Telegram checks them."""
    markup = json_param(params.get("reply_markup"))
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


def json_param(value: object) -> Any:
    """A complex parameter that may still be a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
    return value


def scope_key(scope: JSON | None, language_code: str) -> tuple[str, str]:
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
