"""Who is asking, for which unit, in which chat: the authorisation table of DESIGN.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.db import run_prepared
from bot.models import Chat, Contact, Unit

ChatKind = Literal["private", "unit", "coordinator", "unbound"]


class NotAllowed(Exception):
    """The actor may not do this; the message is for them."""


@dataclass(frozen=True)
class Actor:
    """A Telegram user in one chat, as the bot sees them."""

    user_id: int
    chat_id: int
    chat_kind: ChatKind
    is_coordinator: bool
    is_contact: bool
    unit: str | None  # the unit they act for here (the group's unit in a unit group)
    name: str = ""

    @property
    def is_known(self) -> bool:
        return self.is_coordinator or self.unit is not None or self.chat_kind == "coordinator"

    @property
    def may_see_summary(self) -> bool:
        return self.is_coordinator or self.chat_kind == "coordinator"


# Every update starts here, so both lookups are prepared statements (see run_prepared).
_CONTACT = (
    select(Contact.role, Unit.name.label("unit"))
    .outerjoin(Unit, Contact.unit_id == Unit.id)
    .where(Contact.telegram_user_id == bindparam("user_id"), Contact.active.is_(True))
)
_CHAT = (
    select(Chat.kind, Unit.name.label("unit"))
    .outerjoin(Unit, Chat.unit_id == Unit.id)
    .where(Chat.telegram_chat_id == bindparam("chat_id"))
)


def identify(
    session: Session, user_id: int, chat_id: int, *, private: bool, name: str = ""
) -> Actor:
    """The actor for a user in a chat: their contact row, and the chat's binding."""
    contact = run_prepared(session, _CONTACT, user_id=user_id).first()
    is_contact = contact is not None
    is_coordinator = contact is not None and contact.role == "coordinator"
    own_unit: str | None = contact.unit if contact is not None else None
    if private:
        return Actor(user_id, chat_id, "private", is_coordinator, is_contact, own_unit, name)
    chat = run_prepared(session, _CHAT, chat_id=chat_id).first()
    if chat is None:
        return Actor(user_id, chat_id, "unbound", is_coordinator, is_contact, None, name)
    if chat.kind == "coordinator":
        return Actor(user_id, chat_id, "coordinator", is_coordinator, is_contact, own_unit, name)
    return Actor(user_id, chat_id, "unit", is_coordinator, is_contact, chat.unit, name)


def require_coordinator(actor: Actor, message: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowed(message)
