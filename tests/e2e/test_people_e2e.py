"""Who may do what, from chat: /people, /revoke, /role."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from tests.e2e.conftest import Bot
from tests.fixtures.office_files import make_xlsx


def _cases_workbook(folder: Path) -> bytes:
    path = make_xlsx(
        folder / "cases.xlsx", "案件", [("案件名称", "移送时间"), ("某案", "2023-05-01")]
    )
    return path.read_bytes()


async def test_a_revoked_contact_is_told_once_and_then_treated_as_a_stranger(
    bot: Bot, tmp_path: Path
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局", name="张警官")
    [listing] = await bot.say(coordinator, coordinator, "/people")
    assert "张警官" in listing.plain_text
    assert f"id {police.id}" in listing.plain_text

    [done] = await bot.say(coordinator, coordinator, f"/revoke {police.id}")
    assert done.plain_text == texts.REVOKED_PERSON.format(name="张警官", role="公安局 联系人")
    [told] = await bot.emu.wait_for_messages(police)
    assert told.plain_text == texts.REVOKED_NOTICE_CONTACT.format(unit="公安局")

    reply = await bot.upload(
        police, police, "侵犯知识产权行政案件信息表.xlsx", _cases_workbook(tmp_path)
    )
    assert reply.plain_text == texts.UPLOAD_NOT_REGISTERED
    assert bot.submissions() == []


async def test_the_last_coordinator_cannot_be_revoked_from_chat(bot: Bot) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    [refused] = await bot.say(coordinator, coordinator, f"/revoke {coordinator.id}")
    assert refused.plain_text == texts.PEOPLE_LAST_COORDINATOR
    [still] = await bot.say(coordinator, coordinator, "/people")
    assert "协调人（1）" in still.plain_text


async def test_a_contact_may_not_list_or_revoke_people(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    [refused] = await bot.say(police, police, "/people")
    assert refused.plain_text == texts.NOT_ALLOWED_COORDINATOR
    [refused] = await bot.say(police, police, "/revoke 1")
    assert refused.plain_text == texts.NOT_ALLOWED_COORDINATOR
