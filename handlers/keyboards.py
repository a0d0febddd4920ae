"""Inline buttons and the callback-data codec (Telegram allows 64 bytes of callback data)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.services.uploads import Choice

MAX_CALLBACK_BYTES = 64
BUTTON_TITLE_CHARS = 24

# Verbs of callback data: "<verb>:<arg>[:<arg>]".
PICK = "p"  # pending upload → indicator
ALL = "a"  # pending upload → show every indicator
CANCEL = "x"  # drop a pending upload
WITHDRAW = "w"  # submission
RECLASSIFY = "r"  # submission → ask where to
MOVE = "m"  # submission → indicator
LINK_ASK = "l"  # submission → ask which other indicator it also counts for
LINK = "k"  # submission → another indicator, sharing the stored file
OWE_UNIT = "o"  # coordinator's pick-list
BIND = "b"  # ambiguous /bind
ADOPT = "ad"  # a supporting unit's contribution → the lead adopts it
TEMPLATE = "tpl"  # an indicator's templates, sent where the button was pressed


@dataclass(frozen=True)
class Callback:
    verb: str
    args: tuple[str, ...]


def encode(verb: str, *args: object) -> str:
    data = ":".join([verb, *(str(a) for a in args)])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    if not data:
        return None
    verb, *args = data.split(":")
    return Callback(verb, tuple(args))


def _short(title: str) -> str:
    return title if len(title) <= BUTTON_TITLE_CHARS else title[: BUTTON_TITLE_CHARS - 1] + "…"


def _indicator_button(choice: Choice, verb: str, target: int) -> InlineKeyboardButton:
    # An indicator the unit supports says so: the file goes to its lead as a contribution.
    template = texts.BUTTON_SUPPORTED_INDICATOR if choice.lead else texts.BUTTON_INDICATOR
    label = template.format(number=choice.number, title=_short(choice.title))
    return InlineKeyboardButton(label, callback_data=encode(verb, target, choice.number))


def choice_keyboard(
    pending_id: int, choices: Iterable[Choice], *, offer_all: bool
) -> InlineKeyboardMarkup:
    """Top choices (one per row), then [全部指标] [取消]."""
    rows = [[_indicator_button(c, PICK, pending_id)] for c in choices]
    last = [InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=encode(CANCEL, pending_id))]
    if offer_all:
        last.insert(
            0, InlineKeyboardButton(texts.BUTTON_ALL, callback_data=encode(ALL, pending_id))
        )
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def receipt_keyboard(submission_id: int, *, offer_link: bool = False) -> InlineKeyboardMarkup:
    """[改归类] [撤回] under a filing receipt; [也用于…] beneath when the unit owes more."""
    rows = [
        [
            InlineKeyboardButton(
                texts.BUTTON_CHANGE, callback_data=encode(RECLASSIFY, submission_id)
            ),
            InlineKeyboardButton(
                texts.BUTTON_WITHDRAW, callback_data=encode(WITHDRAW, submission_id)
            ),
        ]
    ]
    if offer_link:
        rows.append(
            [InlineKeyboardButton(texts.BUTTON_LINK, callback_data=encode(LINK_ASK, submission_id))]
        )
    return InlineKeyboardMarkup(rows)


def link_keyboard(submission_id: int, choices: Iterable[Choice]) -> InlineKeyboardMarkup:
    """The indicators a filed file may also count for, one per row."""
    return InlineKeyboardMarkup([[_indicator_button(c, LINK, submission_id)] for c in choices])


def adopt_keyboard(submission_id: int) -> InlineKeyboardMarkup:
    """[采用为本单位材料] under the notice a lead gets of a contribution."""
    button = InlineKeyboardButton(texts.BUTTON_ADOPT, callback_data=encode(ADOPT, submission_id))
    return InlineKeyboardMarkup([[button]])


def move_keyboard(submission_id: int, choices: Iterable[Choice]) -> InlineKeyboardMarkup:
    rows = [[_indicator_button(c, MOVE, submission_id)] for c in choices]
    return InlineKeyboardMarkup(rows)


def names_keyboard(verb: str, names: Iterable[str]) -> InlineKeyboardMarkup:
    """One button per unit name (pick-lists)."""
    buttons = [InlineKeyboardButton(name, callback_data=encode(verb, name)) for name in names]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def template_keyboard(numbers: Iterable[str]) -> InlineKeyboardMarkup | None:
    """[📎 模板 2] [📎 模板 3] … under /owe, three to a row; None when there are none."""
    buttons = [
        InlineKeyboardButton(
            texts.TEMPLATE_BUTTON.format(number=number), callback_data=encode(TEMPLATE, number)
        )
        for number in numbers
    ]
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def stacked(*markups: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The rows of several keyboards under one message, in order; None when all are empty."""
    rows = [list(row) for markup in markups if markup for row in markup.inline_keyboard]
    return InlineKeyboardMarkup(rows) if rows else None
