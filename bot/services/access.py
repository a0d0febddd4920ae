"""Who is asking, for which unit, in which chat: the authorisation table of DESIGN.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate, Literal, ParamSpec, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only, run_prepared
from bot.models import Chat, Contact, Unit
from bot.refusals import Refusal

P = ParamSpec("P")
T = TypeVar("T")

ChatKind = Literal["private", "unit", "coordinator", "unbound", "operator"]


class NotAllowed(Refusal):
    """The actor may not do this; the sentence is for them."""


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

    @classmethod
    def operator(cls) -> Actor:
        """The operator at the server's command line: may do what a coordinator may."""
        return cls(0, 0, "operator", True, False, None, "operator")

    @property
    def is_operator(self) -> bool:
        return self.chat_kind == "operator"

    @property
    def audit_name(self) -> str:
        """Who did it, as the audit log records it."""
        return "cli" if self.is_operator else str(self.user_id)

    @property
    def is_known(self) -> bool:
        return self.is_coordinator or self.unit is not None or self.chat_kind == "coordinator"

    @property
    def may_see_summary(self) -> bool:
        return self.is_coordinator or self.chat_kind == "coordinator"


@dataclass(frozen=True)
class Identity:
    """Who sent an update, in which chat: what the Telegram layer knows before the database."""

    user_id: int
    chat_id: int
    private: bool
    name: str = ""


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


def as_actor(
    identity: Identity, service: Callable[Concatenate[UnitOfWork, Actor, P], T]
) -> Callable[Concatenate[UnitOfWork, P], T]:
    """`service` run for the actor `identity` is, looked up in the same unit of work."""

    @wraps(service)  # keeps the read_only mark (bot.db.read_only)
    def acting(uow: UnitOfWork, /, *args: P.args, **kwargs: P.kwargs) -> T:
        actor = identify(
            uow.session,
            identity.user_id,
            identity.chat_id,
            private=identity.private,
            name=identity.name,
        )
        return service(uow, actor, *args, **kwargs)

    return acting


@read_only
def require_known(_uow: UnitOfWork, actor: Actor) -> None:
    """Strangers are refused with how to register."""
    if not actor.is_known:
        raise NotAllowed(texts.NOT_REGISTERED)


def require_coordinator(actor: Actor, message: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowed(message)
