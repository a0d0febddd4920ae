"""The offline sandbox: scripted lines in, what a person would see out."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator.running import start_application
from emulator.sandbox import SandboxCast, SandboxUser, run_sandbox

Context = ContextTypes.DEFAULT_TYPE


async def greet(update: Update, context: Context) -> None:
    """Answer /start, showing an invite link when started without one."""
    if context.args:
        await update.effective_message.reply_text(f"欢迎，凭证 {context.args[0]}")
    else:
        await update.effective_message.reply_text("邀请：https://t.me/yingjian_bot?start=abc123")


async def menu(update: Update, context: Context) -> None:
    """Offer two buttons."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("通过", callback_data="ok")],
            [InlineKeyboardButton("退回", callback_data="back")],
        ]
    )
    await update.effective_message.reply_text(
        "<b>审核</b>", parse_mode="HTML", reply_markup=keyboard
    )


async def pressed(update: Update, context: Context) -> None:
    """Acknowledge a press by editing the message."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(f"按下了 {update.callback_query.data}")


async def bounce_document(update: Update, context: Context) -> None:
    """Send the uploaded document back under a new name."""
    file = await context.bot.get_file(update.effective_message.document.file_id)
    data = bytes(await file.download_as_bytearray())
    await update.effective_message.reply_document(InputFile(data, filename="回执.txt"))


async def echo(update: Update, context: Context) -> None:
    """Echo text."""
    await update.effective_message.reply_text(f"收到：{update.effective_message.text}")


async def start_stand_in_bot(
    base_url: str, base_file_url: str, token: str
) -> Callable[[], Awaitable[None]]:
    """A tiny PTB bot standing in for the project's Application."""
    app = ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url).build()
    app.add_handler(CommandHandler("start", greet))
    app.add_handler(CommandHandler("menu", menu))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.Document.ALL, bounce_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return await start_application(app)


async def tick(context: Context) -> None:
    """A job that logs, as the bot's reminder check does through APScheduler."""
    logging.getLogger("telegram.ext").warning("tick from the job queue")


async def start_bot_with_a_ticking_job(
    base_url: str, base_file_url: str, token: str
) -> Callable[[], Awaitable[None]]:
    """The stand-in bot plus a job every 20 ms, so APScheduler logs "Running job …"."""
    app = ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    assert app.job_queue is not None
    app.job_queue.run_repeating(tick, interval=0.02, first=0)
    return await start_application(app)


async def run_script(
    lines: list[str],
    cast: SandboxCast | None = None,
    start_bot: Callable[[str, str, str], Awaitable[Callable[[], Awaitable[None]]]] = (
        start_stand_in_bot
    ),
) -> str:
    """Run the sandbox on scripted input; return everything it printed."""
    out = io.StringIO()
    script = io.StringIO("\n".join(lines) + "\n")
    await run_sandbox(start_bot, stdin=script, stdout=out, cast=cast)
    return out.getvalue()


def read_text(path: Path) -> str:
    """A small file's text (outside the async test, as ruff's ASYNC rules ask)."""
    return path.read_text(encoding="utf-8")


def saved_bytes(line: str) -> bytes:
    """The bytes of the file a 📎 line says the sandbox saved."""
    return Path(line.split("→ ")[1]).read_bytes()


async def test_typed_lines_reach_the_bot_and_its_answers_are_printed_as_plain_text() -> None:
    output = await run_script(["还差什么", "/menu", ":press 2"])
    assert "[协调员] 🤖 收到：还差什么" in output
    assert "[协调员] 🤖 审核" in output
    assert "[1] 通过  [2] 退回" in output
    assert "[协调员] 🤖 ✏️ 按下了 back" in output


async def test_a_local_file_is_sent_and_the_bots_document_is_saved(tmp_path: Path) -> None:
    source = tmp_path / "舆情信息表.txt"
    source.write_bytes(b"materials")
    output = await run_script([":chat 公安局工作群", f":file {source} 指标2"])
    line = next(line for line in output.splitlines() if "📎" in line)
    assert "回执.txt (9 B)" in line
    assert saved_bytes(line) == b"materials"
    assert "[公安局工作群]" in output


async def test_invite_links_can_be_opened_with_start() -> None:
    output = await run_script(["/start", ":start abc123"])
    assert "↳ :start abc123" in output
    assert "🤖 欢迎，凭证 abc123" in output


async def test_users_and_chats_can_be_switched_and_listed() -> None:
    cast = SandboxCast(
        users=(SandboxUser("审核员", 501),), groups={"评审组": ("审核员",)}, start_user="审核员"
    )
    output = await run_script([":user 新人", ":chat 评审组", "大家好", ":who", ":nonsense"], cast)
    assert "→ 新人 @ 评审组" in output
    assert "[评审组] 🤖 收到：大家好" in output
    assert "👤 审核员 (id 501)" in output
    assert "👥 评审组" in output
    assert "审核员、新人" in output
    assert "unknown command :nonsense" in output


async def test_the_session_ends_at_quit_and_ignores_what_follows() -> None:
    output = await run_script([":help", ":quit", "不会发送"])
    assert ":press N" in output
    assert "不会发送" not in output.split(":quit")[-1]
    assert output.rstrip().endswith("再见 bye")


async def test_library_logs_go_to_a_file_beside_the_sandbox_not_to_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As `python -m bot` configures logging: a root handler on stderr, INFO and up.
    root = logging.getLogger()
    terminal = logging.StreamHandler(sys.stderr)
    level = root.level
    root.addHandler(terminal)
    root.setLevel(logging.INFO)
    try:
        output = await run_script(["你好", "还差什么"], start_bot=start_bot_with_a_ticking_job)
        logging.getLogger("after").warning("the terminal handler is back")
    finally:
        root.removeHandler(terminal)
        root.setLevel(level)
    printed = capsys.readouterr()
    log_line = next(line for line in output.splitlines() if line.startswith("日志 logs → "))
    log_file = Path(log_line.split("→ ")[1])
    assert log_file.parent == Path(output.split("文件保存在 ")[1].split()[0]).parent
    logged = read_text(log_file)
    assert "Running job" in logged
    assert "tick from the job queue" in logged
    assert "[协调员] 🤖 收到：还差什么" in output
    for terminal_text in (output, printed.out, printed.err.replace("the terminal handler", "")):
        assert "Running job" not in terminal_text
        assert "tick" not in terminal_text
    assert "the terminal handler is back" in printed.err
