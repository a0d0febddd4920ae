"""Proxy and database credentials never appear in logs or error messages."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import make_url
from telegram.error import NetworkError

from bot.config import Settings
from bot.redaction import redact, redact_logs, redact_url, secrets_of
from handlers import app as app_module
from handlers.app import build_application
from handlers.transport import AiohttpRequest
from tests.conftest import ROOT

PASSWORD = "s3cr3t-Pa55"
USER = "alice-proxy"


@asynccontextmanager
async def refusing_proxy() -> AsyncIterator[str]:
    """A proxy that answers every request, CONNECT included, with 407: its URL with credentials."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://{USER}:{PASSWORD}@127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


def test_a_urls_user_and_password_are_masked_and_the_rest_is_kept() -> None:
    assert redact_url("http://alice:pa55@127.0.0.1:7890") == "http://***:***@127.0.0.1:7890"
    assert (
        redact("connect to postgresql+psycopg://bot:Pa%40ss@db:5432/yj failed")
        == "connect to postgresql+psycopg://***:***@db:5432/yj failed"
    )
    assert redact_url("http://127.0.0.1:7890/path@x") == "http://127.0.0.1:7890/path@x"
    assert redact_url("https://api.telegram.org/bot") == "https://api.telegram.org/bot"
    assert redact("url='socks5://u:@h:1'") == "url='socks5://***:***@h:1'"


def test_the_settings_secrets_include_the_passwords_as_written_decoded_and_as_sent() -> None:
    settings = Settings(
        telegram_proxy="http://alice:pa%24%24word@127.0.0.1:7890",
        database_url="postgresql://bot:db-Pa55word@127.0.0.1/yj",
        telegram_bot_token="123:token-value",
        webhook_secret="w" * 40,
    )
    found = secrets_of(settings)
    assert {"pa%24%24word", "pa$$word", "YWxpY2U6cGEkJHdvcmQ=", "db-Pa55word"} <= set(found)
    assert {"123:token-value", "w" * 40} <= set(found)
    line = "retry with pa$$word, header Basic YWxpY2U6cGEkJHdvcmQ= and db-Pa55word"
    assert redact(line, found) == "retry with ***, header Basic *** and ***"


def test_the_logging_filter_masks_messages_arguments_and_tracebacks() -> None:
    settings = Settings(telegram_proxy=f"http://{USER}:{PASSWORD}@127.0.0.1:7890")
    logger = logging.getLogger("tests.redaction")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        redact_logs(settings, logger)
        logger.warning("proxy %s refused", settings.telegram_proxy)
        try:
            try:
                raise OSError(f"password {PASSWORD} rejected")
            except OSError as inner:
                raise RuntimeError("through the proxy") from inner
        except RuntimeError:
            logger.exception("call failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    written = out.getvalue()
    assert "proxy http://***:***@127.0.0.1:7890 refused" in written
    assert "password *** rejected" in written  # inside the chained traceback
    assert PASSWORD not in written
    assert USER not in written


async def test_a_failing_proxy_connection_never_shows_its_credentials() -> None:
    async with refusing_proxy() as proxy:
        request = AiohttpRequest(proxy=proxy)
        await request.initialize()
        try:
            with pytest.raises(NetworkError) as raised:
                await request.post("https://api.telegram.org/botTOKEN/getMe")
        finally:
            await request.shutdown()
    shown = "".join(traceback.format_exception(raised.value))
    assert "407" in shown
    assert "***:***@127.0.0.1" in shown  # aiohttp named the proxy; we masked its credentials
    assert PASSWORD not in shown
    assert USER not in shown


async def test_the_bots_logs_of_a_failing_proxy_carry_no_credentials(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "NETWORK_RETRIES", 1)  # one retry is enough to log one
    async with refusing_proxy() as proxy:
        settings = Settings(
            telegram_bot_token="123456:TEST-token",
            telegram_proxy=proxy,
            database_url="sqlite://",
        )
        bot = build_application(settings).bot
        try:
            with caplog.at_level(logging.WARNING), pytest.raises(NetworkError):
                await bot.initialize()  # getMe, through the proxy
        finally:
            # Both HTTP clients were opened before getMe failed; PTB's shutdown() skips a bot
            # that never finished initializing.
            for request in bot._request:
                await request.shutdown()
    assert "getMe failed" in caplog.text
    assert "***:***@127.0.0.1" in caplog.text
    assert PASSWORD not in caplog.text
    assert USER not in caplog.text


def run_bot_command(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        STORAGE_DIR=str(tmp_path / "files"),
        PYTHONPATH=str(ROOT),
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_a_bot_started_through_a_refusing_proxy_logs_and_fails_without_credentials(
    tmp_path: Path,
) -> None:
    async with refusing_proxy() as proxy:
        finished = await asyncio.to_thread(
            run_bot_command,
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN="123456:TEST-token",
            TELEGRAM_PROXY=proxy,
        )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 1, output
    assert "via http://***:***@127.0.0.1" in output  # the settings, logged at start
    assert "getMe failed" in output  # the proxy's refusals, logged with each retry
    assert "Traceback" in output  # the failure itself, through the redacting filter
    assert PASSWORD not in output
    assert USER not in output


def test_a_database_password_is_masked_where_the_bot_logs_its_settings(tmp_path: Path) -> None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to give a password to")
    # Local PostgreSQL trusts 127.0.0.1, so the password is carried but never checked.
    with_password = make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
    finished = run_bot_command(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN="123456:TEST-token",
        TELEGRAM_BASE_URL="http://127.0.0.1:9/bot",  # nobody there: the bot stops at getMe
        DATABASE_URL=with_password,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 1, output
    assert "database postgresql+psycopg://***:***@127.0.0.1" in output
    assert PASSWORD not in output
