"""The command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

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
