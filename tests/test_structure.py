"""Structures of spreadsheets and documents, and how an upload differs from its template."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.structure import (
    Difference,
    SheetHeader,
    Structure,
    closest_template,
    compare,
    compare_with_templates,
    extract,
    header_of,
    header_similarity,
    template_evidence,
)
from bot.structure.sentences import differences_text
from tests.fixtures.office_files import make_docx, make_pdf, make_xlsx

OPINION_COLUMNS = ("序号", "舆情标题", "发布时间", "来源媒体", "移送时间", "处置情况")


def opinion_sheet(path: Path, columns: tuple[str, ...] = OPINION_COLUMNS, **rows: object) -> Path:
    """A 舆情信息表 as offices make them: a title row, a note row, then the header."""
    return make_xlsx(
        path,
        "舆情信息表",
        [("舆情信息表",), ("填报单位：", None, None, "填报日期："), columns, *rows.values()],  # type: ignore[list-item]
    )


def test_the_header_row_is_found_below_title_and_note_rows(tmp_path: Path) -> None:
    structure = extract(opinion_sheet(tmp_path / "t.xlsx"))
    assert structure == Structure("xlsx", sheets=(SheetHeader("舆情信息表", OPINION_COLUMNS),))


def test_a_filled_sheet_keeps_its_header_not_its_data_rows(tmp_path: Path) -> None:
    filled = opinion_sheet(
        tmp_path / "f.xlsx",
        one=(1, "某商标侵权舆情", "2023-05-01", "微博", "2023-05-03", "已处置"),
        two=(2, "某专利纠纷", "2023-06-01", "抖音", "2023-06-02", "已回应"),
    )
    structure = extract(filled)
    assert structure is not None
    assert structure.sheets[0].columns == OPINION_COLUMNS


def test_a_two_row_header_takes_the_merged_cells_from_the_row_above() -> None:
    rows = [
        ("行政案件信息表", None, None, None),
        ("序号", "案件信息", None, "处理情况"),
        (None, "案件名称", "移送时间", "处理结果"),
    ]
    assert header_of(rows) == ("序号", "案件名称", "移送时间", "处理结果")


def test_a_sheet_with_no_row_of_two_text_cells_has_no_header() -> None:
    assert header_of([("标题",), (1, 2, 3), (None, None)]) == ()


def test_line_breaks_and_spaces_inside_header_cells_are_tidied() -> None:
    assert header_of([("移送\n时间", " 备 注 ")]) == ("移送 时间", "备 注")


def test_hidden_sheets_have_no_header(tmp_path: Path) -> None:
    workbook = Workbook()
    visible = workbook.active
    assert visible is not None
    visible.title = "表"
    visible.append(["单位", "金额"])
    hidden = workbook.create_sheet("下拉选项")
    hidden.append(["是", "否"])
    hidden.sheet_state = "hidden"
    workbook.save(tmp_path / "h.xlsx")
    structure = extract(tmp_path / "h.xlsx")
    assert structure is not None
    assert [s.name for s in structure.sheets] == ["表"]


def test_a_document_skeleton_is_its_headings_and_the_first_row_of_each_table(
    tmp_path: Path,
) -> None:
    path = make_docx(
        tmp_path / "d.docx",
        "工作总结",
        "一、基本情况",
        "今年以来，我局……（正文不是标题）",
        "二、主要做法",
        table_header=("序号", "项目", "经费（万元）"),
    )
    structure = extract(path)
    assert structure == Structure(
        "docx",
        headings=("工作总结", "一、基本情况", "二、主要做法"),
        tables=(("序号", "项目", "经费（万元）"),),
    )


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"PK\x03\x04 not really a zip",
        b"plain text that is not an office file",
        "中文".encode() * 100,
    ],
)
def test_junk_has_no_structure_and_never_raises(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(junk)
    assert extract(path) is None


def test_a_pdf_an_empty_zip_and_a_missing_file_have_no_structure(tmp_path: Path) -> None:
    assert extract(make_pdf(tmp_path / "x.pdf", "hello")) is None
    with zipfile.ZipFile(tmp_path / "empty.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert extract(tmp_path / "empty.docx") is None
    assert extract(tmp_path / "nowhere.xlsx") is None


def test_a_document_with_a_doctype_is_refused_not_expanded(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>一、&b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(tmp_path / "bomb.docx", "w") as archive:
        archive.writestr("word/document.xml", bomb)
    assert extract(tmp_path / "bomb.docx") is None


def test_a_workbook_whose_shared_strings_would_inflate_past_the_bound_is_not_read(
    tmp_path: Path,
) -> None:
    path = make_xlsx(tmp_path / "big.xlsx", "表", [("单位", "金额")])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (17 * 1024 * 1024))
    assert extract(path) is None


def test_a_renamed_document_is_read_as_what_it_is(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "d.docx", "经费保障情况", "一、资金投入")
    renamed = path.rename(tmp_path / "经费.xlsx")
    structure = extract(renamed)
    assert structure is not None
    assert structure.kind == "docx"


# --- comparison -------------------------------------------------------------------------------


def _sheet(*columns: str, name: str = "Sheet1") -> Structure:
    return Structure("xlsx", sheets=(SheetHeader(name, columns),))


def test_a_missing_and_an_extra_column_are_told_in_one_sentence() -> None:
    template = _sheet(*OPINION_COLUMNS)
    upload = _sheet("序号", "舆情标题", "发布时间", "来源媒体", "处置情况", "备注2")
    differences = compare(template, upload)
    assert differences == [
        Difference("missing_columns", ("移送时间",)),
        Difference("extra_columns", ("备注2",)),
    ]
    assert differences_text(differences) == "与模板不一致：缺少列『移送时间』；多出列『备注2』"


def test_the_same_header_in_another_sheet_name_order_or_width_agrees() -> None:
    template = _sheet("序号", "金额（万元）", "移送时间*", name="模板")
    upload = _sheet("金额(万元)", "序号", "移送时间", name="Sheet1")
    assert compare(template, upload) == []
    assert header_similarity(template, upload) == 1.0


def test_similarity_falls_with_each_column_that_differs() -> None:
    template = _sheet("a", "b", "c", "d")
    assert header_similarity(template, _sheet("a", "b", "c")) == pytest.approx(6 / 7)
    assert header_similarity(template, _sheet("x", "y")) == 0.0
    assert header_similarity(template, None) == 0.0
    assert header_similarity(template, Structure("docx", headings=("a",))) == 0.0


def test_a_template_with_several_sheets_names_the_sheet_and_a_missing_one() -> None:
    template = Structure(
        "xlsx",
        sheets=(
            SheetHeader("行政案件", ("案件名称", "受理时间")),
            SheetHeader("移送", ("案件", "移送时间")),
        ),
    )
    upload = Structure("xlsx", sheets=(SheetHeader("行政案件", ("案件名称", "办结时间")),))
    text = differences_text(compare(template, upload))
    assert text == (
        "与模板不一致：工作表『行政案件』缺少列『受理时间』；工作表『行政案件』多出列『办结时间』；"
        "缺少工作表『移送』"
    )


def test_an_upload_without_a_header_row_is_told_so() -> None:
    assert compare(_sheet("a", "b"), Structure("xlsx")) == [Difference("no_header")]
    assert differences_text([Difference("no_header")]) == "与模板不一致：没有找到表头"


def test_different_kinds_or_no_structure_are_not_compared() -> None:
    template = _sheet("a", "b")
    assert compare(template, Structure("docx", headings=("一、概况",))) == []
    assert compare(template, None) == []
    assert compare(None, template) == []


def test_documents_compare_headings_and_table_heads() -> None:
    template = Structure(
        "docx",
        headings=("一、基本情况", "二、主要做法", "三、存在问题"),
        tables=(("序号", "项目", "金额"),),
    )
    upload = Structure(
        "docx",
        headings=("一、基本情况", "二、主要做法", "四、下一步打算"),
        tables=(("序号", "项目", "金额", "备注"),),
    )
    assert differences_text(compare(template, upload)) == (
        "与模板不一致：缺少标题『三、存在问题』；表格多出列『备注』"
    )
    assert differences_text(compare(template, Structure("docx", headings=template.headings))) == (
        "与模板不一致：缺少表格（表头『序号』、『项目』、『金额』）"
    )


def test_a_long_list_of_names_is_cut_short() -> None:
    template = _sheet(*(f"列{i}" for i in range(10)))
    text = differences_text(compare(template, _sheet("列0", "其他")))
    assert "『列6』" in text
    assert "『列7』" not in text
    assert "等 9 项" in text


def test_structures_survive_the_round_trip_through_json() -> None:
    for structure in (
        _sheet("a", "b"),
        Structure("docx", headings=("一、概况",), tables=(("序号", "名称"),)),
    ):
        assert Structure.from_json(structure.as_json()) == structure
    assert Structure.from_json(None) is None
    assert Structure.from_json({"kind": "xlsx"}) is None


def test_a_file_in_the_store_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = opinion_sheet(tmp_path / "t.xlsx")
    stored = path.rename(tmp_path / "6a879d3c415dad10")  # the store names files by digest
    structure = extract(stored)
    assert structure is not None
    assert structure.sheets[0].columns == OPINION_COLUMNS


def test_an_upload_is_compared_with_the_closest_template_of_its_own_kind() -> None:
    notes = Structure("docx", headings=("一、填报说明",))
    old = _sheet("序号", "名称")
    current = _sheet(*OPINION_COLUMNS)
    upload = _sheet(*OPINION_COLUMNS[:-1])
    assert closest_template([notes, old, current], upload) == current
    assert compare_with_templates([notes, old, current], upload) == [
        Difference("missing_columns", ("处置情况",))
    ]
    assert compare_with_templates([notes], upload) == []
    assert compare_with_templates([current], None) == []


def test_template_evidence_scores_each_indicator_by_its_closest_template() -> None:
    upload = _sheet(*OPINION_COLUMNS)
    evidence = template_evidence(
        {
            "2": [_sheet(*OPINION_COLUMNS), Structure("docx", headings=("说明",))],
            "4": [_sheet("案件名称", "受理时间")],
            "6": [Structure("docx", headings=("一、概况",))],
        },
        upload,
    )
    assert evidence == {"2": 1.0, "4": 0.0}
    assert template_evidence({"2": [upload]}, None) == {}
