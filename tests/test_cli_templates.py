"""`python -m bot template …` and the template folder `import` picks up, run as a user would."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.office_files import make_xlsx
from tests.test_cli import run_cli


def test_import_picks_up_the_seeds_template_folder_once(tmp_path: Path) -> None:
    first = run_cli(tmp_path, "import")
    assert first.returncode == 0, first.stderr
    assert "  模板：✅ 已添加模板：指标2 宣传培训情况 ←《指标2_舆情信息表.xlsx》" in first.stdout
    for number in ("3", "4", "6", "7"):
        assert f"已添加模板：指标{number} " in first.stdout
    listed = run_cli(tmp_path, "template", "list")
    assert listed.returncode == 0, listed.stderr
    assert "的模板（6 个）：" in listed.stdout
    assert "表头：『序号』、『舆情标题』、『发布时间』" in listed.stdout
    assert "工作表『同比统计』表头：『统计项目』" in listed.stdout
    again = run_cli(tmp_path, "import")
    assert again.stdout.count("无需重复添加") == 6
    assert "的模板（6 个）：" in run_cli(tmp_path, "template", "list").stdout


def test_template_add_list_and_remove(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    assert run_cli(tmp_path, "template", "remove", "2").stdout.strip() == (
        "已删除指标2的模板：指标2_舆情信息表.xlsx"
    )
    table = make_xlsx(tmp_path / "舆情信息表模板.xlsx", "舆情", [("序号", "舆情标题", "移送时间")])
    notes = make_xlsx(tmp_path / "填报说明.xlsx", "说明", [("项目", "说明")])
    added = run_cli(tmp_path, "template", "add", "2", str(table), str(notes))
    assert added.returncode == 0, added.stderr
    assert "✅ 已添加模板：指标2 宣传培训情况 ←《舆情信息表模板.xlsx》" in added.stdout
    assert "   表头：『序号』、『舆情标题』、『移送时间』" in added.stdout
    assert "←《填报说明.xlsx》" in added.stdout

    removed = run_cli(tmp_path, "template", "remove", "2", "填报说明.xlsx")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.strip() == "已删除指标2的模板：填报说明.xlsx"
    listed = run_cli(tmp_path, "template", "list").stdout
    assert "《舆情信息表模板.xlsx》" in listed
    assert "《填报说明.xlsx》" not in listed


def test_template_commands_explain_what_is_wrong(tmp_path: Path) -> None:
    run_cli(tmp_path, "import")
    unknown = run_cli(tmp_path, "template", "add", "9", str(tmp_path / "nothing.xlsx"))
    assert unknown.returncode == 1
    assert "找不到文件" in unknown.stderr
    table = make_xlsx(tmp_path / "t.xlsx", "表", [("a", "b")])
    wrong = run_cli(tmp_path, "template", "add", "9", str(table))
    assert wrong.returncode == 1
    assert "找不到指标“9”。现有指标：1、2、3、4、5、6、7" in wrong.stderr
    missing = run_cli(tmp_path, "template", "remove", "#999")
    assert missing.returncode == 1
    assert "没有编号为 #999 的模板" in missing.stderr
