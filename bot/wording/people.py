"""/people, /revoke and /role, as text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.services.people import People, Person, Revoked, RoleChanged
from bot.wording import Escape, plain


def _person_line(person: Person, escape: Escape) -> str:
    username = texts.PEOPLE_USERNAME.format(username=escape(person.username))
    return texts.PEOPLE_PERSON.format(
        name=escape(person.name), username=username if person.username else "", id=person.user_id
    )


def _whom(role: str, unit: str | None, escape: Escape) -> str:
    if role == "coordinator" or unit is None:
        return texts.INVITE_WHO_COORDINATOR
    return texts.INVITE_WHO_UNIT.format(unit=escape(unit))


def people_text(people: People, timezone: str, escape: Escape = plain) -> str:
    """Coordinators, each unit's contacts, bound groups and open invites, with their ids."""
    lines = [texts.PEOPLE_HEADER, texts.PEOPLE_COORDINATORS.format(count=len(people.coordinators))]
    lines += [_person_line(p, escape) for p in people.coordinators]
    by_unit: dict[str, list[Person]] = {}
    for person in people.contacts:
        by_unit.setdefault(person.unit or "", []).append(person)
    for unit, members in by_unit.items():
        lines.append(texts.PEOPLE_UNIT.format(unit=escape(unit), count=len(members)))
        lines += [_person_line(p, escape) for p in members]
    if people.groups:
        lines.append(texts.PEOPLE_GROUPS.format(count=len(people.groups)))
    for group in people.groups:
        flags = (texts.PEOPLE_GROUP_PAUSED if group.paused else "") + (
            texts.PEOPLE_GROUP_UNREACHABLE if group.unreachable else ""
        )
        target = group.unit if group.kind == "unit" and group.unit else None
        lines.append(
            texts.PEOPLE_GROUP.format(
                title=escape(group.title),
                id=group.chat_id,
                target=escape(target) if target else texts.PEOPLE_GROUP_COORDINATOR,
                flags=flags,
            )
        )
    if people.invites:
        lines.append(texts.PEOPLE_INVITES.format(count=len(people.invites)))
    zone = ZoneInfo(timezone)
    for invite in people.invites:
        lines.append(
            texts.PEOPLE_INVITE.format(
                id=invite.invite_id,
                who=_whom(invite.role, invite.unit, escape),
                expires=invite.expires_at.astimezone(zone).strftime(texts.DATETIME_FORMAT),
            )
        )
    lines.append(texts.PEOPLE_FOOTER)
    return "\n".join(lines)


def revoked_text(revoked: Revoked, escape: Escape = plain) -> str:
    """To the coordinator: what was taken back."""
    who = _whom(revoked.role, revoked.unit, escape)
    if revoked.kind == "invite":
        return texts.REVOKED_INVITE.format(name=escape(revoked.name), who=who)
    if revoked.kind == "group":
        target = texts.PEOPLE_GROUP_COORDINATOR if revoked.unit is None else escape(revoked.unit)
        return texts.REVOKED_GROUP.format(name=escape(revoked.name), who=target)
    return texts.REVOKED_PERSON.format(name=escape(revoked.name), role=who)


def revoked_notice(revoked: Revoked, escape: Escape = plain) -> str:
    """To the person revoked: this, and nothing more."""
    if revoked.role == "coordinator" or revoked.unit is None:
        return texts.REVOKED_NOTICE_COORDINATOR
    return texts.REVOKED_NOTICE_CONTACT.format(unit=escape(revoked.unit))


def role_text(changed: RoleChanged, escape: Escape = plain) -> str:
    role = texts.ROLE_NAME[changed.person.role]
    return texts.ROLE_CHANGED.format(name=escape(changed.person.name), role=role)
