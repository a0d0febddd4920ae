"""The command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bot.db import Database
from bot.models import Chat, ReminderDispatch, Unit
from tests.conftest import ROOT
from tests.workbooks import another_office_workbook, with_settings


def run_cli(
    tmp_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "STORAGE_DIR": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_then_owe_json_for_an_alias_lists_four_five_and_seven(tmp_path: Path) -> None:
    imported = run_cli(tmp_path, "import")
    assert imported.returncode == 0, imported.stderr
    assert "19 项任务" in imported.stdout
    owe = run_cli(tmp_path, "owe", "--unit", "县公安局", "--json")
    assert owe.returncode == 0, owe.stderr
    document = json.loads(owe.stdout)
    assert document["unit"] == "公安局"
    assert [i["indicator"] for i in document["items"] if i["status"] == "missing"] == [
        "4",
        "5",
        "7",
    ]


def test_summary_json_and_workbook(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    result = run_cli(tmp_path, "summary", "--json", "--xlsx", str(tmp_path / "s.xlsx"))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["obligations"], document["done"]) == (19, 0)
    assert load_workbook(tmp_path / "s.xlsx").sheetnames == ["汇总", "提交明细"]


def test_unknown_unit_is_explained_with_suggestions(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    result = run_cli(tmp_path, "owe", "--unit", "县教育局")
    assert result.returncode == 1
    assert "找不到单位“县教育局”" in result.stderr
    assert "县公安局" in result.stderr


def test_bad_workbook_import_fails_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello", encoding="utf-8")
    result = run_cli(tmp_path, "import", str(bad))
    assert result.returncode == 1
    assert "不是 Excel 工作簿" in result.stderr


def test_units_lists_aliases(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    result = run_cli(tmp_path, "units")
    assert "县人民法院（别名：" in result.stdout
    assert "县法院" in result.stdout


def test_export_writes_the_package_zip(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    empty = run_cli(tmp_path, "export", "--out", str(tmp_path / "out"))
    assert empty.returncode == 0, empty.stderr
    assert "还没有可导出的材料" in empty.stdout


def bind_police_group(tmp_path: Path) -> None:
    """A group bound to 公安局, as /bind would leave it (the CLI has no /bind)."""
    database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with database.uow() as uow:
            unit = uow.session.scalar(select(Unit).where(Unit.name == "公安局"))
            assert unit is not None
            uow.session.add(
                Chat(telegram_chat_id=-1001, kind="unit", unit_id=unit.id, title="公安局工作群")
            )
            uow.commit()
    finally:
        database.dispose()


def ledger_statuses(tmp_path: Path) -> list[str]:
    database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with database.uow() as uow:
            return list(uow.session.scalars(select(ReminderDispatch.status)))
    finally:
        database.dispose()


MONDAY = "2023-10-16T09:01+08:00"


def test_run_once_is_a_dry_run_in_plain_text_unless_send_is_given(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    bind_police_group(tmp_path)
    dry = run_cli(tmp_path, "--now", MONDAY, "reminders", "run-once")
    assert dry.returncode == 0, dry.stderr
    assert "—— 将发往 -1001（试运行，未发送）——" in dry.stdout
    assert "⏰ 材料报送提醒【公安局】" in dry.stdout
    assert "<b>" not in dry.stdout
    assert "试运行：本次检查将发送 1 条" in dry.stdout
    assert ledger_statuses(tmp_path) == []

    sent = run_cli(tmp_path, "--now", MONDAY, "reminders", "run-once", "--send")
    assert sent.returncode == 0, sent.stderr
    assert "—— 发往 -1001（消息 1）——" in sent.stdout
    assert "⏰ 材料报送提醒【公安局】" in sent.stdout
    assert "<b>" not in sent.stdout
    assert "已发送 1 条" in sent.stdout
    assert "sent" in ledger_statuses(tmp_path)

    again = run_cli(tmp_path, "--now", MONDAY, "reminders", "run-once")
    assert "试运行：本次检查将发送 0 条" in again.stdout


def test_reminder_commands_print_the_refusal_sentence_and_fail(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    bad_rule = run_cli(tmp_path, "reminders", "set", "every day")
    assert bad_rule.returncode == 1
    assert "规则无法识别：every day" in bad_rule.stderr
    no_indicator = run_cli(tmp_path, "deadline", "--indicator", "9", "2023-10-20")
    assert no_indicator.returncode == 1
    assert "找不到指标“9”。现有指标：1、2、3、4、5、6、7" in no_indicator.stderr
    moved = run_cli(tmp_path, "deadline", "--indicator", "4", "2023-10-20T18:00")
    assert moved.returncode == 0, moved.stderr
    assert "指标4（加强知识产权行政保护工作情况）的截止时间已改为 2023-10-20 18:00" in moved.stdout
    listed = run_cli(tmp_path, "--now", MONDAY, "reminders", "list")
    assert "当前的提醒规则：-3d 09:00" in listed.stdout
    assert "2023-10-18 09:00  0d 09:00  指标1、2、3、5、6、7 → " in listed.stdout  # 4 moved


def test_an_impossible_date_in_the_settings_sheet_is_a_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    path = with_settings(
        another_office_workbook(tmp_path / "linhe-2024.xlsx"), [("材料报送截止", "2023-02-30")]
    )
    result = run_cli(tmp_path, "import", str(path))
    assert result.returncode == 1
    assert "linhe-2024.xlsx：设置“材料报送截止”中的日期不存在：2023-02-30" in result.stderr
    assert "Traceback" not in result.stderr


def test_match_prints_one_json_object_per_upload_line(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    lines = [
        json.dumps({"unit": "县公安局", "filename": "侵犯知识产权行政案件信息表.xlsx"}),
        "not json",
        json.dumps({"filename": "扫描件.pdf", "caption": ""}),
    ]
    result = run_cli(tmp_path, "match", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    clear, broken, unsure = (json.loads(line) for line in result.stdout.splitlines())
    assert list(clear) == ["indicator", "confident", "candidates"]
    assert (clear["indicator"], clear["confident"]) == ("4", True)
    assert list(clear["candidates"][0]) == ["indicator", "score"]
    assert len(clear["candidates"]) == 5
    assert broken == {"indicator": None, "confident": False, "candidates": []}
    assert (unsure["indicator"], unsure["confident"]) == (None, False)
    assert "第 2 行不是有效的 JSON" in result.stderr


def test_selfreport_writes_the_campaign_draft_and_a_units_draft(tmp_path: Path) -> None:
    import docx

    run_cli(tmp_path, "import")
    out = tmp_path / "drafts" / "draft.docx"
    result = run_cli(tmp_path, "--now", "2023-10-15T10:00+08:00", "selfreport", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "材料已报送 0/19" in result.stdout
    assert f"已写入：{out}" in result.stdout
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 5
    unit = run_cli(
        tmp_path,
        "--now",
        "2023-10-15T10:00+08:00",
        "selfreport",
        "--unit",
        "县公安局",
        "--out",
        str(tmp_path),
    )
    assert unit.returncode == 0, unit.stderr
    written = tmp_path / "自评报告_yongning-ip-2023_公安局_20231015.docx"
    indicators = [
        p.text[:2] for p in docx.Document(str(written)).paragraphs if p.style.name == "Heading 2"
    ]
    assert indicators == ["4.", "5.", "7."]
