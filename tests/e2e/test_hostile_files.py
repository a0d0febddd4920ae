"""Files that are not what their name says, or are built to hurt: refused in Chinese, through the
emulator, and neither filed nor kept; a password-protected file is filed and flagged."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import REPLY_TIMEOUT, Bot
from tests.fixtures.hostile_files import (
    html_page,
    javascript_pdf,
    macro_xlsx,
    password_protected_docx,
    pdf_bytes,
    unclosed_shared_strings_xlsx,
    windows_exe,
    xlsx_bytes,
    zip_bomb_xlsx,
    zip_slip,
)
from tests.fixtures.office_files import with_zip_comment


def stored_files(bot: Bot) -> list[Path]:
    root = bot.settings.storage_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def hostile(tmp_path: Path) -> list[tuple[str, bytes, str]]:
    """(name sent, bytes, what the answer must say)."""
    xlsx = xlsx_bytes(tmp_path)
    pdf = pdf_bytes(tmp_path)
    return [
        ("工作通知.docx", windows_exe(), "内容其实是一个 Windows 可执行程序（.exe）"),
        ("通知.docx", html_page(), "内容其实是一个网页（HTML）"),
        ("侵犯知识产权行政案件信息表.xlsx", xlsx[: len(xlsx) * 2 // 3], "已损坏或不完整"),
        ("舆情报告.pdf", pdf[: len(pdf) - 40], "已损坏或不完整"),
        ("案件信息表.xlsx", zip_bomb_xlsx(tmp_path), "疑似压缩炸弹"),
        ("行政案件信息表.xlsx", macro_xlsx(tmp_path), "含有宏"),
        ("专项行动总结.pdf", javascript_pdf(), "含有脚本"),
        ("影像资料.zip", zip_slip(), "路径不安全"),
    ]


@pytest.mark.parametrize("case", range(8))
async def test_each_hostile_file_is_refused_in_chinese_and_nothing_is_filed_or_kept(
    bot: Bot, tmp_path: Path, case: int
) -> None:
    police = await bot.add_contact("公安局")
    name, data, says = hostile(tmp_path)[case]

    reply = await bot.upload(police, police, name, data)

    assert name in reply.plain_text
    assert says in reply.plain_text
    assert "未登记" in reply.plain_text or "请重新保存后再发" in reply.plain_text
    assert reply.buttons == []
    assert bot.submissions(live=False) == []
    assert stored_files(bot) == []
    assert await bot.silence(police) == []  # one answer, no "something went wrong"


async def test_a_refused_file_does_not_hold_up_the_next_one(bot: Bot, tmp_path: Path) -> None:
    police = await bot.add_contact("公安局")
    await bot.upload(police, police, "工作通知.docx", windows_exe())

    receipt = await bot.upload(
        police, police, "侵犯知识产权行政案件信息表.xlsx", xlsx_bytes(tmp_path)
    )

    assert receipt.plain_text.startswith("✅ 已登记到 指标4")
    assert len(bot.submissions()) == 1


async def test_a_password_protected_docx_is_filed_and_flagged_for_the_reviewer(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    data = password_protected_docx()

    receipt = await bot.upload(police, police, "侵犯知识产权行政案件信息表.docx", data)

    assert receipt.plain_text.startswith("✅ 已登记到 指标4")
    assert "🔒 文件设有打开密码：审核人需要密码才能打开" in receipt.plain_text
    [submission] = bot.submissions()
    assert submission.password_protected
    assert bot.stored_bytes(submission) == data
    coordinator = bot.coordinator
    assert coordinator is not None
    [_header, item] = await bot.say(coordinator, coordinator, "/review", count=2)
    assert "侵犯知识产权行政案件信息表.docx" in item.plain_text
    assert "🔒需密码" in item.plain_text


async def test_an_encrypted_file_asked_about_keeps_its_flag_when_the_unit_picks(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    question = await bot.upload(police, police, "扫描件.docx", password_protected_docx())
    assert "这份材料属于哪一项指标" in question.plain_text

    receipt = await bot.press(police, question, 0)

    assert "🔒 文件设有打开密码" in receipt.plain_text
    [submission] = bot.submissions()
    assert submission.password_protected


async def test_an_xlsx_crafted_to_stall_the_peek_is_answered_within_seconds(
    bot: Bot, tmp_path: Path
) -> None:
    police = await bot.add_contact("公安局")
    began = time.monotonic()

    # A name that says nothing: the bot looks inside before it asks.
    question = await bot.upload(
        police, police, "扫描件.xlsx", unclosed_shared_strings_xlsx(tmp_path)
    )

    assert "这份材料属于哪一项指标" in question.plain_text
    assert time.monotonic() - began < 4.0


async def test_while_crafted_xlsx_files_are_read_another_users_owe_is_answered_at_once(
    bot: Bot, tmp_path: Path
) -> None:
    police = await bot.add_contact("公安局")
    tourism = await bot.add_contact("文旅局")
    crafted = unclosed_shared_strings_xlsx(tmp_path)
    began = time.monotonic()

    # Three at once, as the issue measured (they once froze everybody for minutes).
    for n in range(3):
        bot.emu.send_document(police, police, "扫描件.xlsx", with_zip_comment(crafted, b"%d" % n))
    [owed] = await bot.say(tourism, tourism, "/owe")
    owe_answered = time.monotonic() - began
    questions = await bot.emu.wait_for_messages(police, 3, timeout=REPLY_TIMEOUT)
    crafted_answered = time.monotonic() - began

    assert "【文旅局】" in owed.plain_text
    assert owe_answered < 1.0
    assert owed.seq < questions[-1].seq  # not queued behind the files being read
    assert all("这份材料属于哪一项指标" in q.plain_text for q in questions)
    assert crafted_answered < 8.0  # each look inside is cut at PEEK_TIMEOUT_SECONDS (2 s)
