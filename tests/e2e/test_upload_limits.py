"""A unit's burst of files and a full campaign, through the emulator: refused before download,
answered once, and nothing of what was refused is stored."""

from __future__ import annotations

from bot.db import Database
from bot.sizes import human_size
from tests.e2e.conftest import Bot, BotFactory, text_of
from tests.fixtures.office_files import xlsx_data, xlsx_with_media

CASES = "侵犯知识产权行政案件信息表.xlsx"  # filed to indicator 4 without asking
BURST_TIMEOUT = 60.0


def stored_keys(bot: Bot) -> set[str]:
    """Every file in the store, by its key (its path under the store's root)."""
    root = bot.settings.storage_dir
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


async def test_a_burst_of_forty_files_gets_one_polite_answer_and_only_the_first_thirty_are_kept(
    bot: Bot,
) -> None:
    assert bot.settings.upload_burst == 30
    police = await bot.add_contact("公安局")

    for n in range(40):
        bot.emu.send_document(police, police, CASES, xlsx_data(f"burst {n}"))
    replies = await bot.emu.wait_for_messages(police, 31, timeout=BURST_TIMEOUT)
    replies += await bot.silence(police)

    said = text_of(replies)
    assert said.count("请稍后再发") == 1
    assert said.count("✅ 已登记到 指标4") == 30
    assert len(replies) == 31  # the other nine: not a word
    assert " 秒后再发送这些文件" in said
    submissions = bot.submissions()
    assert len(submissions) == 30
    assert len(bot.emu.calls_to("getFile")) == 30  # the ten refused were never downloaded
    assert stored_keys(bot) == {s.storage_key for s in submissions}


async def test_albums_sent_by_two_members_of_a_unit_group_count_file_by_file(
    seeded: Database, start_bot: BotFactory
) -> None:
    bot = await start_bot(seeded, upload_burst=4)
    await bot.add_coordinator()
    first, second = bot.person("公安局民警甲"), bot.person("公安局民警乙")
    group = await bot.group("公安局工作群", [first, second], bind="公安局")

    for member, album in ((first, "album-1"), (second, "album-2")):
        for n in range(5):
            data = xlsx_data(f"{album} {n}")
            bot.emu.send_document(member, group, CASES, data, media_group_id=album)
    replies = await bot.emu.wait_for_messages(group, 5, timeout=BURST_TIMEOUT)
    replies += await bot.silence(group)

    said = text_of(replies)
    assert said.count("请稍后再发") == 1
    assert "每个单位每 60 秒最多接收 4 个文件" in said
    assert said.count("✅ 已登记到 指标4") == 4
    assert len(bot.submissions()) == 4
    assert len(bot.emu.calls_to("getFile")) == 4
    assert len(stored_keys(bot)) == 4


async def test_a_file_that_would_fill_the_campaigns_quota_is_refused_before_download(
    seeded: Database, start_bot: BotFactory
) -> None:
    bot = await start_bot(seeded, campaign_storage_quota_mb=1)
    await bot.add_coordinator()
    police = await bot.add_contact("公安局")
    receipt = await bot.upload(police, police, CASES, xlsx_with_media(600 * 1024))
    assert receipt.plain_text.startswith("✅ 已登记到 指标4")

    second = xlsx_with_media(500_000)
    refusal = await bot.upload(police, police, "打击侵权假冒专项行动.xlsx", second)

    assert refusal.plain_text.startswith("本次活动的材料存储空间不足：上限 1.0 MB，已用 60")
    size = human_size(len(second))
    assert f"文件“打击侵权假冒专项行动.xlsx”（{size}）放不下，没有收下" in refusal.plain_text
    assert len(bot.emu.calls_to("getFile")) == 1
    assert [s.filename for s in bot.submissions()] == [CASES]
    assert len(stored_keys(bot)) == 1
