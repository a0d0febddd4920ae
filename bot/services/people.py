"""Who may do what: the people, groups and open invites, and taking a power back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Chat, Contact, Invite
from bot.refusals import Refusal
from bot.services.access import Actor, require_coordinator
from bot.services.audit import audit


class TargetNotFound(Refusal):
    """/revoke or /role names nobody (or several people) the bot knows."""


class LastCoordinator(Refusal):
    """The campaign would be left without a coordinator."""


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    username: str
    role: str  # "coordinator" | "contact"
    unit: str | None


@dataclass(frozen=True)
class Group:
    chat_id: int
    title: str
    kind: str  # "unit" | "coordinator"
    unit: str | None
    paused: bool
    unreachable: bool


@dataclass(frozen=True)
class OpenInvite:
    invite_id: int
    role: str
    unit: str | None
    expires_at: datetime


@dataclass(frozen=True)
class People:
    """/people: coordinators, contacts by unit, bound groups, open invites."""

    people: tuple[Person, ...]
    groups: tuple[Group, ...]
    invites: tuple[OpenInvite, ...]

    @property
    def coordinators(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.role == "coordinator")

    @property
    def contacts(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.role != "coordinator")


@dataclass(frozen=True)
class Revoked:
    """What was taken back; `told` is the person to tell (they hear nothing else)."""

    kind: Literal["person", "invite", "group"]
    name: str
    role: str = ""
    unit: str | None = None
    told: int | None = None


@dataclass(frozen=True)
class RoleChanged:
    person: Person
    before: str


@read_only
def list_people(uow: UnitOfWork, actor: Actor, now: datetime) -> People:
    """Everyone with a power, every bound group and every invite still open (coordinators)."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session = uow.session
    contacts = session.scalars(
        select(Contact).where(Contact.active.is_(True)).order_by(Contact.role.desc(), Contact.id)
    )
    chats = session.scalars(select(Chat).order_by(Chat.kind, Chat.id))
    invites = session.scalars(
        select(Invite)
        .where(Invite.used_at.is_(None), Invite.expires_at > now)
        .order_by(Invite.expires_at)
    )
    return People(
        people=tuple(_person(c) for c in contacts),
        groups=tuple(
            Group(
                c.telegram_chat_id,
                c.title,
                c.kind,
                c.unit.name if c.unit else None,
                c.reminders_paused,
                c.unreachable,
            )
            for c in chats
        ),
        invites=tuple(
            OpenInvite(i.id, i.role, i.unit.name if i.unit else None, i.expires_at) for i in invites
        ),
    )


# "邀请12", "invite 12", "#12" name an invite; a negative number is a group's chat id.
_INVITE = re.compile(r"^(?:邀请|invite|#)\s*#?(\d+)$", re.IGNORECASE)


def revoke(uow: UnitOfWork, actor: Actor, target: str, now: datetime) -> Revoked:
    """Take a power back: a contact or coordinator (never the last coordinator), an open
    invite, or a group's binding. Coordinators and the operator only; audited."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    session, target = uow.session, target.strip()
    if not target:
        raise TargetNotFound(texts.REVOKE_USAGE)
    if found := _INVITE.match(target):
        revoked = _revoke_invite(session, actor, int(found.group(1)), now)
    elif target.lstrip("-").isdigit() and int(target) < 0:
        revoked = _revoke_group(session, actor, int(target))
    else:
        revoked = _revoke_person(session, actor, _find_contact(session, target))
    uow.commit()
    return revoked


def set_role(uow: UnitOfWork, actor: Actor, target: str, role: str) -> RoleChanged:
    """Make a contact a coordinator, or a coordinator (with a unit) a contact again."""
    require_coordinator(actor, texts.NOT_ALLOWED_COORDINATOR)
    wanted = _role_named(role)
    session = uow.session
    contact = _find_contact(session, target)
    before = contact.role
    if wanted == "contact" and before == "coordinator":
        if contact.unit is None:
            raise Refusal(texts.ROLE_NEEDS_UNIT, name=contact.display_name)
        _keep_a_coordinator(session, contact)
    contact.role = wanted
    audit(
        session,
        actor,
        "role",
        unit_id=contact.unit_id,
        user=contact.telegram_user_id,
        before=before,
        after=wanted,
    )
    changed = RoleChanged(_person(contact), before)
    uow.commit()
    return changed


def _role_named(role: str) -> str:
    role = role.strip().lower()
    if role in texts.ROLE_WORDS_COORDINATOR:
        return "coordinator"
    if role in texts.ROLE_WORDS_CONTACT:
        return "contact"
    raise Refusal(texts.ROLE_USAGE)


def _person(contact: Contact) -> Person:
    return Person(
        contact.telegram_user_id,
        contact.display_name,
        contact.username,
        contact.role,
        contact.unit.name if contact.unit else None,
    )


def _find_contact(session: Session, target: str) -> Contact:
    """By Telegram id, @username or display name; several people of one name are refused."""
    target = target.strip()
    active = select(Contact).where(Contact.active.is_(True))
    if target.isdigit():
        query = active.where(Contact.telegram_user_id == int(target))
    elif target.startswith("@"):
        query = active.where(func.lower(Contact.username) == target[1:].lower())
    else:
        query = active.where(Contact.display_name == target)
    found = list(session.scalars(query.limit(2)))
    if len(found) == 1:
        return found[0]
    if found:
        raise TargetNotFound(texts.PEOPLE_AMBIGUOUS, name=target)
    raise TargetNotFound(texts.PEOPLE_NOT_FOUND, name=target)


def _keep_a_coordinator(session: Session, leaving: Contact) -> None:
    others = session.scalar(
        select(func.count()).where(
            Contact.role == "coordinator", Contact.active.is_(True), Contact.id != leaving.id
        )
    )
    if not others:
        raise LastCoordinator(texts.PEOPLE_LAST_COORDINATOR)


def _revoke_person(session: Session, actor: Actor, contact: Contact) -> Revoked:
    if contact.role == "coordinator":
        _keep_a_coordinator(session, contact)
    contact.active = False
    unit = contact.unit.name if contact.unit else None
    audit(
        session,
        actor,
        "revoke",
        unit_id=contact.unit_id,
        user=contact.telegram_user_id,
        role=contact.role,
    )
    return Revoked("person", contact.display_name, contact.role, unit, contact.telegram_user_id)


def _revoke_invite(session: Session, actor: Actor, invite_id: int, now: datetime) -> Revoked:
    invite = session.get(Invite, invite_id)
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise TargetNotFound(texts.PEOPLE_NO_OPEN_INVITE, id=invite_id)
    # Cancelled = expired now: the link then answers "已过期", which is what it is to its holder.
    invite.expires_at = now - timedelta(seconds=1)
    unit = invite.unit.name if invite.unit else None
    audit(session, actor, "revoke_invite", unit_id=invite.unit_id, invite=invite.id)
    return Revoked("invite", f"#{invite.id}", invite.role, unit)


def _revoke_group(session: Session, actor: Actor, chat_id: int) -> Revoked:
    chat = session.scalar(select(Chat).where(Chat.telegram_chat_id == chat_id))
    if chat is None:
        raise TargetNotFound(texts.PEOPLE_NO_GROUP, id=chat_id)
    unit = chat.unit.name if chat.unit else None
    session.delete(chat)
    audit(session, actor, "unbind", unit_id=chat.unit_id, chat=chat_id)
    return Revoked("group", chat.title, chat.kind, unit)
