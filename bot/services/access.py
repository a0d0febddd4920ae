"""Who is asking, for which unit, in which chat: the authorisation table of DESIGN.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from bot.models import Chat, Contact

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


def identify(
    session: Session, user_id: int, chat_id: int, *, private: bool, name: str = ""
) -> Actor:
    """The actor for a user in a chat: their contact row, and the chat's binding."""
    contact = session.scalar(
        select(Contact)
        .where(Contact.telegram_user_id == user_id, Contact.active.is_(True))
        .options(joinedload(Contact.unit))
    )
    is_coordinator = contact is not None and contact.role == "coordinator"
    own_unit = contact.unit.name if contact is not None and contact.unit is not None else None
    if private:
        return Actor(
            user_id, chat_id, "private", is_coordinator, contact is not None, own_unit, name
        )
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == chat_id))
    if chat is None:
        return Actor(user_id, chat_id, "unbound", is_coordinator, contact is not None, None, name)
    if chat.kind == "coordinator":
        return Actor(
            user_id, chat_id, "coordinator", is_coordinator, contact is not None, own_unit, name
        )
    unit = chat.unit.name if chat.unit is not None else None
    return Actor(user_id, chat_id, "unit", is_coordinator, contact is not None, unit, name)


def require_coordinator(actor: Actor, message: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowed(message)
