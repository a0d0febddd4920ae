"""Invites, registration of contacts, and binding group chats to units."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import texts
from bot.config import DEFAULT_TIMEZONE
from bot.db import UnitOfWork
from bot.models import Chat, Contact, Invite
from bot.progress import OweReport
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed, identify, require_coordinator
from bot.services.audit import audit
from bot.services.campaigns import UnitNotFound, find_unit, unit_registry
from bot.services.handouts import owed_with_templates
from bot.services.obligations import owed_items

INVITE_TOKEN_BYTES = 12  # 16 URL-safe characters: well within /start's 64-character payload


class InviteInvalid(Refusal):
    """An invite that cannot be redeemed; the sentence is for the person who tapped it."""


@dataclass(frozen=True)
class InviteCreated:
    token: str
    unit: str | None
    role: str
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username}?start={self.token}"


@dataclass(frozen=True)
class Registered:
    unit: str | None
    role: str
    already: bool = False


@dataclass(frozen=True)
class Welcome:
    """What /start answers: who the person now is, and what their unit owes."""

    name: str
    unit: str | None  # None for a coordinator
    report: OweReport | None  # a new contact sees at once what the unit owes
    already: bool = False  # /start without an invite by someone registered
    templates: tuple[str, ...] = ()  # owed indicators that have templates to fill in


@dataclass(frozen=True)
class Bound:
    kind: str  # "unit" | "coordinator"
    unit: str | None


@dataclass(frozen=True)
class BindAmbiguous:
    written: str
    candidates: tuple[str, ...]


def create_invite(
    uow: UnitOfWork, actor: Actor, target: str, *, now: datetime, ttl: timedelta
) -> InviteCreated:
    """A single-use, expiring invite for a unit's contact, or for a coordinator when `target`
    is a coordinator word (协调人). Coordinators and the operator only."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    target = target.strip()
    if not target:
        raise NotAllowed(texts.INVITE_USAGE)
    coordinator = target in texts.COORDINATOR_INVITE_WORDS or is_coordinator_group_word(target)
    session = uow.session
    unit = None if coordinator else find_unit(session, target)
    invite = Invite(
        token=secrets.token_urlsafe(INVITE_TOKEN_BYTES),
        unit_id=unit.id if unit else None,
        role="coordinator" if coordinator else "contact",
        created_by=actor.audit_name,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    audit(session, actor, "invite", unit_id=invite.unit_id, role=invite.role)
    uow.commit()
    return InviteCreated(invite.token, unit.name if unit else None, invite.role, invite.expires_at)


def redeem_invite(
    uow: UnitOfWork,
    token: str,
    *,
    user_id: int,
    display_name: str,
    username: str,
    now: datetime,
    timezone: str = DEFAULT_TIMEZONE,
) -> Registered:
    """Register the user for the invite's unit (or as coordinator); the invite is spent."""
    session = uow.session
    invite = session.scalar(select(Invite).where(Invite.token == token).with_for_update())
    if invite is None:
        raise InviteInvalid(texts.INVITE_UNKNOWN)
    contact = session.scalar(select(Contact).where(Contact.telegram_user_id == user_id))
    if invite.used_at is not None:
        if invite.used_by == user_id and contact is not None:
            # Tapping the same link twice is not an error for the person who used it.
            return Registered(contact.unit.name if contact.unit else None, contact.role, True)
        raise InviteInvalid(texts.INVITE_USED)
    if invite.expires_at < now:
        expired = invite.expires_at.astimezone(ZoneInfo(timezone))
        raise InviteInvalid(texts.INVITE_EXPIRED, expired=expired.strftime("%Y-%m-%d %H:%M"))
    if contact is None:
        contact = Contact(telegram_user_id=user_id)
        session.add(contact)
    contact.display_name = display_name
    contact.username = username
    contact.active = True
    if invite.role == "coordinator":
        contact.role = "coordinator"
    else:
        contact.unit_id = invite.unit_id
        contact.role = "coordinator" if contact.role == "coordinator" else "contact"
    invite.used_at = now
    invite.used_by = user_id
    session.flush()
    audit(
        session,
        str(user_id),
        "register",
        unit_id=contact.unit_id,
        role=contact.role,
        invite=invite.id,
    )
    session.refresh(contact)
    registered = Registered(contact.unit.name if contact.unit else None, contact.role)
    uow.commit()
    return registered


def is_coordinator_group_word(text: str) -> bool:
    return text.strip().lower() in texts.COORDINATOR_GROUP_WORDS


def bind_chat(uow: UnitOfWork, actor: Actor, title: str, target: str) -> Bound | BindAmbiguous:
    """Bind the actor's group to a unit or make it the coordinator group (coordinators only)."""
    if actor.chat_kind in ("private", "operator"):  # the operator's shell is no group
        raise NotAllowed(texts.BIND_PRIVATE)
    if not actor.is_coordinator:
        raise NotAllowed(texts.NOT_ALLOWED_COORDINATOR)
    if not target.strip():
        raise NotAllowed(texts.BIND_USAGE)
    session = uow.session
    if is_coordinator_group_word(target):
        kind, unit = "coordinator", None
    else:
        match = unit_registry(session).resolve(target)
        if not match.is_known or match.how == "fuzzy":
            candidates = tuple(name for name, score in match.closest if score >= 40)
            candidates = tuple(
                dict.fromkeys(unit_registry(session).resolve(c).name for c in candidates)
            )
            if not candidates:
                raise UnitNotFound(texts.UNIT_NOT_FOUND, name=target, hint="")
            return BindAmbiguous(target, candidates)
        kind, unit = "unit", find_unit(session, match.name)
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == actor.chat_id))
    if chat is None:
        chat = Chat(telegram_chat_id=actor.chat_id, kind=kind)
        session.add(chat)
    chat.kind = kind
    chat.unit_id = unit.id if unit else None
    chat.title = title
    chat.bound_by = actor.user_id
    chat.unreachable = False
    audit(session, actor, "bind", unit_id=unit.id if unit else None, chat=actor.chat_id, kind=kind)
    uow.commit()
    return Bound(kind, unit.name if unit else None)


def unbind_chat(uow: UnitOfWork, actor: Actor) -> bool:
    """Forget the group's binding; False if it had none."""
    if not actor.is_coordinator:
        raise NotAllowed(texts.NOT_ALLOWED_COORDINATOR)
    chat = uow.session.scalar(select(Chat).where(Chat.telegram_chat_id == actor.chat_id))
    if chat is None:
        return False
    uow.session.delete(chat)
    audit(uow.session, actor, "unbind", chat=actor.chat_id)
    uow.commit()
    return True


def welcome(
    uow: UnitOfWork, actor: Actor, token: str, *, username: str, now: datetime, timezone: str
) -> Welcome:
    """/start: redeem an invite (a new contact also sees what the unit owes), or greet a
    registered person again; strangers without an invite are told how to get one."""
    if not token:
        if actor.unit and actor.is_contact:
            return Welcome(actor.name, actor.unit, None, already=True)
        if actor.is_coordinator:
            return Welcome(actor.name, None, None)
        raise NotAllowed(texts.START_NO_INVITE)
    registered = redeem_invite(
        uow,
        token[:64],
        user_id=actor.user_id,
        display_name=actor.name,
        username=username,
        now=now,
        timezone=timezone,
    )
    if registered.unit is None:
        return Welcome(actor.name, None, None)
    report = owed_items(uow, registered.unit, now)
    templates = owed_with_templates(uow.session, report)
    return Welcome(actor.name, registered.unit, report, templates=templates)


def who_is(uow: UnitOfWork, *, user_id: int, chat_id: int, private: bool, name: str = "") -> Actor:
    """The actor for a user in a chat (see bot.services.access.identify)."""
    return identify(uow.session, user_id, chat_id, private=private, name=name)


def ensure_coordinator(uow: UnitOfWork, *, user_id: int, display_name: str) -> None:
    """Register a coordinator directly (the offline sandbox's first user)."""
    contact = uow.session.scalar(select(Contact).where(Contact.telegram_user_id == user_id))
    if contact is None:
        contact = Contact(telegram_user_id=user_id)
        uow.session.add(contact)
    contact.role = "coordinator"
    contact.display_name = display_name
    contact.active = True
    uow.commit()


def move_chat(uow: UnitOfWork, *, old_chat_id: int, new_chat_id: int) -> bool:
    """A group upgraded to a supergroup keeps its binding under the new id; False if unbound."""
    session = uow.session
    old = session.scalar(select(Chat).where(Chat.telegram_chat_id == old_chat_id))
    if old is None:
        return False
    if session.scalar(select(Chat).where(Chat.telegram_chat_id == new_chat_id)) is not None:
        session.delete(old)  # the new id is bound already (the other service message came first)
    else:
        old.telegram_chat_id = new_chat_id
        old.unreachable = False
    audit(session, "telegram", "chat_migrated", **{"from": old_chat_id, "to": new_chat_id})
    uow.commit()
    return True
