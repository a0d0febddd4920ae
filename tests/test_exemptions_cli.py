"""`python -m bot excuse` and `python -m bot extend`, run as the operator would run them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import run_cli

NOW = ("--now", "2023-10-15T10:00+08:00")


def test_excuse_and_extend_from_the_command_line_show_in_owe_and_summary(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "import").returncode == 0
    excused = run_cli(tmp_path, *NOW, "excuse", "--unit", "县法院", "7", "本年度无移送案件")
    assert excused.returncode == 0, excused.stderr
    assert excused.stdout.startswith("➖ 已批准：【县人民法院】指标7")
    extended = run_cli(
        tmp_path, "extend", "--unit", "公安局", "--indicator", "7", "2023-10-20T18:00"
    )
    assert extended.returncode == 0, extended.stderr
    assert "指标7延期至 2023-10-20 18:00" in extended.stdout
    every = run_cli(tmp_path, "extend", "--unit", "文旅局", "2023-10-25")
    assert "全部指标（4、5、7）延期至 2023-10-25 23:59" in every.stdout

    owe = json.loads(run_cli(tmp_path, *NOW, "owe", "--unit", "公安局", "--json").stdout)
    seven = next(item for item in owe["items"] if item["indicator"] == "7")
    assert (seven["deadline"], seven["days_left"], seven["extended"]) == (
        "2023-10-20T18:00:00+08:00",
        5,
        True,
    )
    summary = json.loads(run_cli(tmp_path, *NOW, "summary", "--json").stdout)
    assert (summary["obligations"], summary["excused"]) == (18, 1)
    text = run_cli(tmp_path, *NOW, "summary").stdout
    assert "县人民法院 0/0：7➖" in text
    assert "公安局 0/3：4❌ 5❌ 7❌⏰" in text


def test_excuse_and_extend_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "import").returncode == 0
    wrong = run_cli(tmp_path, "excuse", "--unit", "公安局", "1", "理由")
    assert wrong.returncode == 1
    assert "【公安局】没有指标“1”的报送任务。本单位的指标：4、5、7" in wrong.stderr
    twice = [run_cli(tmp_path, "excuse", "--unit", "公安局", "5", "无") for _ in range(2)]
    assert [t.returncode for t in twice] == [0, 1]
    assert "已确认不适用" in twice[1].stderr
    unknown = run_cli(tmp_path, "extend", "--unit", "县教育局", "2023-10-20")
    assert unknown.returncode == 1
    assert "县教育局" in unknown.stderr
