"""Workbooks, packages and drafts are built in the bot's document processes, as in production."""

from __future__ import annotations

import io
import multiprocessing
import zipfile
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor

import pytest
from openpyxl import load_workbook

from bot.workers import background_worker
from tests.e2e.conftest import Bot
from tests.fixtures.office_files import xlsx_data


@pytest.fixture
async def processes(bot: Bot) -> AsyncIterator[Bot]:
    """The bot, building documents in a spawned process as build_runtime sets it up."""
    pool = ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=background_worker
    )
    bot.runtime.documents = pool
    yield bot
    pool.shutdown(wait=True, cancel_futures=True)


async def test_the_summary_workbook_and_the_package_come_from_a_document_process(
    processes: Bot,
) -> None:
    bot = processes
    coordinator = bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局")
    await bot.upload(police, police, "侵犯知识产权行政案件信息表.xlsx", xlsx_data("案件"))

    _text, sheet = await bot.say(coordinator, coordinator, "/summary", count=2)
    assert sheet.document is not None
    workbook = load_workbook(io.BytesIO(sheet.document.data))
    assert len(workbook.sheetnames) >= 2

    ready, package = await bot.say(coordinator, coordinator, "/export", count=2)
    assert "材料包已生成" in ready.plain_text
    assert package.document is not None
    with zipfile.ZipFile(io.BytesIO(package.document.data)) as archive:
        names = archive.namelist()
    assert "汇总.xlsx" in names
    assert any(name.endswith("侵犯知识产权行政案件信息表.xlsx") for name in names)
