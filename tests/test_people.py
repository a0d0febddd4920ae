"""Who may do what: listing people, revoking a power, changing a role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models import AuditEvent, Chat, Contact, Unit
from bot.services.access import Actor, NotAllowed, identify
from bot.services.onboarding import create_invite, ensure_coordinator, redeem_invite
from bot.services.people import LastCoordinator, TargetNotFound, list_people, revoke, set_role
from tests.conftest import SEED_NOW

OPERATOR = Actor.operator()


def _register(db: Database, user_id: int, unit: str, name: str) -> None:
    invite = db.run(create_invite, OPERATOR, unit, now=SEED_NOW, ttl=timedelta(days=1))
    with db.uow() as uow:
        redeem_invite(
            uow, invite.token, user_id=user_id, display_name=name, username=name, now=SEED_NOW
        )


@pytest.fixture
def staffed(seeded: Database) -> Database:
    """One coordinator (user 1), a 公安局 contact (2) and a 文旅局 contact (3)."""
    with seeded.uow() as uow:
        ensure_coordinator(uow, user_id=1, display_name="协调员")
    _register(seeded, 2, "公安局", "张警官")
    _register(seeded, 3, "文旅局", "李科长")
    return seeded


def _actor(db: Database, user_id: int) -> Actor:
    with db.uow() as uow:
        return identify(uow.session, user_id, user_id, private=True)


def test_people_lists_coordinators_contacts_groups_and_open_invites(staffed: Database) -> None:
    with staffed.uow() as uow:
        police = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
        assert police is not None
        uow.session.add(Chat(telegram_chat_id=-100, kind="unit", unit_id=police.id, title="公安群"))
        uow.commit()
    staffed.run(create_invite, OPERATOR, "财政局", now=SEED_NOW, ttl=timedelta(days=1))
    people = staffed.run(list_people, _actor(staffed, 1), SEED_NOW)
    assert [p.name for p in people.coordinators] == ["协调员"]
    assert {(p.name, p.unit) for p in people.contacts} == {
        ("张警官", "公安局"),
        ("李科长", "文旅局"),
    }
    assert [(g.chat_id, g.unit) for g in people.groups] == [(-100, "公安局")]
    assert [(i.unit, i.role) for i in people.invites] == [("财政局", "contact")]


def test_only_coordinators_see_or_change_who_may_do_what(staffed: Database) -> None:
    contact = _actor(staffed, 2)
    with pytest.raises(NotAllowed):
        staffed.run(list_people, contact, SEED_NOW)
    with pytest.raises(NotAllowed):
        staffed.run(revoke, contact, "3", SEED_NOW)
    with pytest.raises(NotAllowed):
        staffed.run(set_role, contact, "2", "协调人")


def test_a_revoked_contact_is_a_stranger_from_then_on_and_is_audited(staffed: Database) -> None:
    revoked = staffed.run(revoke, _actor(staffed, 1), "@张警官", SEED_NOW)
    assert (revoked.kind, revoked.unit, revoked.told) == ("person", "公安局", 2)
    stranger = _actor(staffed, 2)
    assert (stranger.is_known, stranger.unit) == (False, None)
    with staffed.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action)))
    assert "revoke" in actions


def test_the_last_coordinator_cannot_be_revoked_nor_made_a_contact(staffed: Database) -> None:
    coordinator = _actor(staffed, 1)
    with pytest.raises(LastCoordinator):
        staffed.run(revoke, coordinator, "1", SEED_NOW)
    staffed.run(set_role, coordinator, "2", "协调人")
    revoked = staffed.run(revoke, coordinator, "1", SEED_NOW)
    assert revoked.role == "coordinator"
    with pytest.raises(LastCoordinator):
        staffed.run(set_role, OPERATOR, "2", "联系人")


def test_a_contact_made_coordinator_keeps_the_unit_and_may_go_back(staffed: Database) -> None:
    changed = staffed.run(set_role, OPERATOR, "李科长", "coordinator")
    assert (changed.before, changed.person.role, changed.person.unit) == (
        "contact",
        "coordinator",
        "文旅局",
    )
    assert _actor(staffed, 3).is_coordinator
    staffed.run(set_role, OPERATOR, "3", "联系人")
    assert not _actor(staffed, 3).is_coordinator


def test_an_open_invite_can_be_cancelled_and_then_fails(staffed: Database) -> None:
    from bot.services.onboarding import InviteInvalid

    invite = staffed.run(create_invite, OPERATOR, "财政局", now=SEED_NOW, ttl=timedelta(days=1))
    [open_invite] = staffed.run(list_people, OPERATOR, SEED_NOW).invites
    staffed.run(revoke, OPERATOR, f"邀请{open_invite.invite_id}", SEED_NOW)
    with staffed.uow() as uow, pytest.raises(InviteInvalid):
        redeem_invite(uow, invite.token, user_id=9, display_name="x", username="", now=SEED_NOW)
    assert staffed.run(list_people, OPERATOR, SEED_NOW).invites == ()


def test_unknown_or_ambiguous_targets_are_refused_with_a_hint(staffed: Database) -> None:
    with pytest.raises(TargetNotFound, match="找不到"):
        staffed.run(revoke, OPERATOR, "王五", SEED_NOW)
    with staffed.uow() as uow:
        uow.session.add(Contact(telegram_user_id=4, display_name="张警官", role="contact"))
        uow.commit()
    with pytest.raises(TargetNotFound, match="有多人"):
        staffed.run(revoke, OPERATOR, "张警官", SEED_NOW)
    with pytest.raises(TargetNotFound):
        staffed.run(revoke, OPERATOR, "-999", SEED_NOW)
