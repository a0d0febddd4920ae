"""自评报告 drafts: who may ask, what the document holds, and the export's copy of it."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot import texts
from bot.db import Database
from bot.selfreport import (
    DeliveredFile,
    ReportGroup,
    ReportIndicator,
    SelfReport,
    UnitDelivery,
    opening,
)
from bot.selfreport_docx import RED, draft_document, self_report_docx
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import UnitNotFound
from bot.services.export import build_package
from bot.services.selfreport import self_report
from bot.services.uploads import MatcherCache, UploadRequest, receive_upload
from bot.storage import FileStore
from tests.conftest import DATA, SEED_NOW

COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
POLICE = Actor(2, 2, "private", False, True, "公安局", "联络员")
CULTURE = Actor(3, 3, "private", False, True, "文旅局", "文旅联络员")
POLICE_GROUP_MEMBER = Actor(4, -100, "unit", False, False, "公安局", "内勤")
STRANGER = Actor(5, 5, "private", False, False, None, "路人")
UNBOUND_MEMBER = Actor(6, -200, "unbound", False, False, None, "群友")
GROUPS = [
    "一、推动知识产权保护工作机制顺畅运行",
    "二、加强知识产权保护人才、经费等资源保障",
    "三、提高知识产权保护工作法治化水平，推动严保护",
    "四、强化知识产权全链条保护，构建大保护工作格局",
    "五、深化知识产权保护工作机制改革，推动快保护机制建设",
]
OPENING = "2023年以来，永宁县公安局坚持打防并举，严厉打击侵犯知识产权犯罪。"


def work_report_docx() -> bytes:
    """A unit's own report, as a unit would write it in Word."""
    document = docx.Document()
    document.add_heading("永宁县公安局2023年知识产权行政保护工作情况", 1)
    document.add_paragraph(OPENING + "全年共受理案件12起。" + "其他情况。" * 80)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def deliver(database: Database, store: FileStore, name: str, data: bytes, caption: str) -> None:
    """公安局's contact sends a file, captioned with its indicator."""
    # Stored as is: a draft quotes whatever was filed (the content check has its own tests).
    request = UploadRequest(
        filename=name, caption=caption, mime_type="", stored=store.put_bytes(data)
    )
    matchers = MatcherCache(DATA / "glossary.toml")
    database.run(receive_upload, POLICE, store, matchers, request, SEED_NOW)


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def delivered(seeded: Database, store: FileStore) -> Database:
    """The seed scenario: 公安局 delivered 4 (a Word report) and 5; 7 is still missing."""
    deliver(seeded, store, "公安局知识产权行政保护工作情况.docx", work_report_docx(), "指标4")
    deliver(seeded, store, "专项行动总结.pdf", b"%PDF-1.4 not really a pdf", "指标5")
    return seeded


def document_of(database: Database, store: FileStore, actor: Actor = COORDINATOR, **kw: str):
    report = database.run(self_report, actor, SEED_NOW, kw.get("unit"))
    return docx.Document(io.BytesIO(draft_document(report, store)))


def blocks_under(document: DocumentObject) -> dict[str, list[Paragraph | Table]]:
    """What follows each Heading 2, up to the next heading."""
    found: dict[str, list[Paragraph | Table]] = {}
    current: list[Paragraph | Table] | None = None
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name.startswith("Heading"):
            current = found.setdefault(block.text, []) if block.style.name == "Heading 2" else None
        elif current is not None:
            current.append(block)
    return found


def rows_of(blocks: list[Paragraph | Table]) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in blocks if isinstance(t, Table) for row in t.rows]


def heading_texts(document: DocumentObject, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


# ----- who may ask ------------------------------------------------------------------------


def test_a_coordinator_and_the_operator_get_the_whole_campaign(seeded: Database) -> None:
    for actor in (COORDINATOR, Actor.operator()):
        report = seeded.run(self_report, actor, SEED_NOW)
        assert report.unit is None
        assert [i.number for i in report.indicators] == ["1", "2", "3", "4", "5", "6", "7"]
        assert report.obligations == 19


def test_a_coordinator_may_ask_for_any_units_draft_by_an_alias(seeded: Database) -> None:
    report = seeded.run(self_report, COORDINATOR, SEED_NOW, "县公安局")
    assert report.unit == "公安局"
    assert [i.number for i in report.indicators] == ["4", "5", "7"]


def test_a_contact_and_a_member_of_the_units_group_get_their_own_units_draft(
    seeded: Database,
) -> None:
    for actor in (POLICE, POLICE_GROUP_MEMBER):
        report = seeded.run(self_report, actor, SEED_NOW)
        assert report.unit == "公安局"
        assert [i.number for i in report.indicators] == ["4", "5", "7"]
        assert {u.unit for i in report.indicators for u in i.units} == {"公安局"}
    assert seeded.run(self_report, POLICE, SEED_NOW, "公安局").unit == "公安局"


def test_another_units_contact_may_not_ask_for_police_draft(seeded: Database) -> None:
    with pytest.raises(NotAllowed) as refused:
        seeded.run(self_report, CULTURE, SEED_NOW, "公安局")
    assert str(refused.value) == texts.SELFREPORT_OWN_UNIT_ONLY.format(unit="文旅局")


def test_strangers_and_unbound_groups_are_refused_with_how_to_register(seeded: Database) -> None:
    with pytest.raises(NotAllowed) as stranger:
        seeded.run(self_report, STRANGER, SEED_NOW)
    assert str(stranger.value) == texts.NOT_REGISTERED
    with pytest.raises(NotAllowed) as unbound:
        seeded.run(self_report, UNBOUND_MEMBER, SEED_NOW)
    assert str(unbound.value) == texts.GROUP_NOT_BOUND
    with pytest.raises(NotAllowed):  # refused before the name is looked up: no unit list
        seeded.run(self_report, STRANGER, SEED_NOW, "气象局")


def test_a_coordinator_in_a_unit_group_gets_that_units_draft_not_everyones(
    seeded: Database,
) -> None:
    in_group = Actor(1, -100, "unit", True, True, "公安局", "协调员")
    assert seeded.run(self_report, in_group, SEED_NOW).unit == "公安局"
    assert seeded.run(self_report, in_group, SEED_NOW, "文旅局").unit == "文旅局"


def test_an_unknown_unit_is_explained(seeded: Database) -> None:
    with pytest.raises(UnitNotFound):
        seeded.run(self_report, COORDINATOR, SEED_NOW, "气象局")


# ----- the document -------------------------------------------------------------------------


def test_headings_are_the_five_groups_and_seven_indicators_in_order(
    delivered: Database, store: FileStore
) -> None:
    document = document_of(delivered, store)
    assert heading_texts(document, "Heading 1") == GROUPS
    assert [h.split(".")[0] for h in heading_texts(document, "Heading 2")] == list("1234567")
    assert heading_texts(document, "Heading 2")[3] == "4. 加强知识产权行政保护工作情况"
    # In body order: each indicator under its group.
    order = [p.text[:2] for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert order == [
        "一、",
        "1.",
        "2.",
        "二、",
        "3.",
        "三、",
        "4.",
        "5.",
        "四、",
        "6.",
        "五、",
        "7.",
    ]


def test_fonts_are_set_for_chinese_text_and_the_page_is_a4(
    seeded: Database, store: FileStore
) -> None:
    document = document_of(seeded, store)
    for style, east_asia in (("Normal", "仿宋"), ("Heading 1", "黑体"), ("Heading 2", "黑体")):
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == east_asia, style
        assert fonts.get(qn("w:eastAsiaTheme")) is None, style  # a theme font would win
        assert fonts.get(qn("w:asciiTheme")) is None, style
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= section.left_margin.mm <= 40


def test_police_files_appear_under_four_and_five_and_seven_is_missing_in_red(
    delivered: Database, store: FileStore
) -> None:
    document = document_of(delivered, store)
    under = blocks_under(document)
    four = rows_of(under["4. 加强知识产权行政保护工作情况"])
    five = rows_of(under["5. 开展执法专项行动，知识产权侵权假冒现象得到有效遏制"])
    seven_blocks = under["7. 知识产权保护工作机制改革创新情况"]
    assert four[0] == list(texts.SELFREPORT_TABLE_HEADERS)
    assert [
        "公安局",
        "公安局知识产权行政保护工作情况.docx",
        "2023-10-15 10:00",
        "第1版",
        "待审核",
        "按时",
    ] in four
    assert any(r[:2] == ["公安局", "专项行动总结.pdf"] for r in five)
    [police_seven] = [r for r in rows_of(seven_blocks) if r[0] == "公安局"]
    assert police_seven[1] == texts.SELFREPORT_MISSING
    table = next(b for b in seven_blocks if isinstance(b, Table))
    [cell] = [row.cells[1] for row in table.rows if row.cells[0].text == "公安局"]
    assert {run.font.color.rgb for run in cell.paragraphs[0].runs} == {RED}
    # Other units that delivered nothing are missing too; 公安局's files are not under 7.
    assert "公安局知识产权行政保护工作情况.docx" not in str(rows_of(seven_blocks))


def test_indicator_fours_work_paragraph_quotes_the_delivered_report_and_names_it(
    delivered: Database, store: FileStore
) -> None:
    under = blocks_under(document_of(delivered, store))["4. 加强知识产权行政保护工作情况"]
    texts_after = [b.text for b in under if isinstance(b, Paragraph)]
    work = texts_after.index(texts.SELFREPORT_WORK)
    [quote] = [t for t in texts_after[work + 1 :] if OPENING in t]
    assert quote.startswith("公安局：永宁县公安局2023年知识产权行政保护工作情况")
    assert quote.endswith("【来源：公安局知识产权行政保护工作情况.docx】")
    excerpt = quote.removeprefix("公安局：").removesuffix(
        "【来源：公安局知识产权行政保护工作情况.docx】"
    )
    assert len(excerpt) <= 300
    assert texts.SELFREPORT_SELF_SCORE in [
        c.text for b in under if isinstance(b, Table) for row in b.rows for c in row.cells
    ]


def test_a_draft_before_anything_was_delivered_is_an_outline_with_everything_missing(
    seeded: Database, store: FileStore
) -> None:
    document = document_of(seeded, store)
    rows = [r for blocks in blocks_under(document).values() for r in rows_of(blocks)]
    missing = [r for r in rows if r[1] == texts.SELFREPORT_MISSING]
    assert len(missing) == 19
    assert sum(1 for p in document.paragraphs if p.text == texts.SELFREPORT_NO_EXCERPT) == 7
    assert "统计时间：2023年1月1日至2023年11月30日" in [p.text for p in document.paragraphs]


def test_a_units_draft_lists_only_that_unit(delivered: Database, store: FileStore) -> None:
    document = document_of(delivered, store, POLICE)
    assert heading_texts(document, "Heading 1") == [GROUPS[2], GROUPS[4]]
    rows = [r for blocks in blocks_under(document).values() for r in rows_of(blocks)]
    assert {r[0] for r in rows} - {
        texts.SELFREPORT_TABLE_HEADERS[0],
        texts.SELFREPORT_SELF_SCORE,
    } == {"公安局"}


HOSTILE = 'x\x01y <w:fldSimple w:instr="HYPERLINK evil"/> {PAGE}'


def outline(score: str = "", filename: str = "报告.docx") -> SelfReport:
    when = datetime(2023, 10, 15, 10, 0, tzinfo=UTC)
    file = DeliveredFile(filename, when, 2, "accepted", True, "key")
    indicator = ReportIndicator(
        number="1",
        title=HOSTILE,
        key_points="要点一\n\n要点二",
        material="材料",
        score=score,
        units=(UnitDelivery("某局", "accepted", True, False, (file,)),),
    )
    return SelfReport(
        campaign="c",
        title="某县考核",
        issuer="某局",
        doc_number="",
        stats_start=date(2023, 1, 1),
        stats_end=None,
        timezone="Asia/Shanghai",
        generated_at=when,
        unit=None,
        groups=(ReportGroup("一", "组", "类", (indicator,)),),
    )


def test_the_score_appears_only_when_the_table_has_one() -> None:
    with_score = docx.Document(io.BytesIO(self_report_docx(outline(score="10"))))
    assert "分值：10" in [p.text for p in with_score.paragraphs]
    without = docx.Document(io.BytesIO(self_report_docx(outline())))
    assert not any(p.text.startswith("分值") for p in without.paragraphs)


def test_strings_from_users_stay_plain_text_never_fields_or_links() -> None:
    data = self_report_docx(outline(filename=HOSTILE + ".docx"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for element in ("<w:fldSimple", "<w:instrText", "<w:hyperlink", "<w:fldChar"):
        assert element not in xml
    document = docx.Document(io.BytesIO(data))
    assert heading_texts(document, "Heading 2") == [
        '1. xy <w:fldSimple w:instr="HYPERLINK evil"/> {PAGE}'
    ]
    rows = rows_of(blocks_under(document)[heading_texts(document, "Heading 2")[0]])
    assert rows[1][1:] == [
        HOSTILE.replace("\x01", "") + ".docx",
        "2023-10-15 10:00",
        "第2版",
        "已通过",
        "迟交",
    ]
    assert texts.SELFREPORT_PERIOD_UNSET in [p.text for p in document.paragraphs]


def test_an_excerpt_is_the_first_sentences_and_never_over_the_limit() -> None:
    assert opening("标题\n第一句。第二句！第三句？第四句。") == "标题 第一句。第二句！第三句？"
    assert opening("  ") == ""
    long = opening("很长" * 400)
    assert len(long) == 300
    assert long.endswith("……")
    assert opening("短句。" + "长" * 400 + "。") == "短句。"


# ----- the export package ---------------------------------------------------------------------


def test_the_export_package_holds_the_campaign_draft_next_to_the_summary(
    delivered: Database, store: FileStore, tmp_path: Path
) -> None:
    with delivered.uow() as uow:
        result = build_package(uow, store, tmp_path / "out", SEED_NOW)
    [part] = result.parts
    with zipfile.ZipFile(part) as archive:
        assert {"汇总.xlsx", texts.SELFREPORT_EXPORT_NAME} <= set(archive.namelist())
        draft = docx.Document(io.BytesIO(archive.read(texts.SELFREPORT_EXPORT_NAME)))
    assert heading_texts(draft, "Heading 1") == GROUPS
    assert any(OPENING in p.text for p in draft.paragraphs)


def test_after_the_deadline_what_is_missing_reads_as_overdue(seeded: Database) -> None:
    late = SEED_NOW + timedelta(days=4)  # the seed's deadline is 2023-10-18
    report = seeded.run(self_report, COORDINATOR, late, "公安局")
    document = docx.Document(io.BytesIO(self_report_docx(report)))
    rows = [r for blocks in blocks_under(document).values() for r in rows_of(blocks)]
    assert [r[1] for r in rows if r[0] == "公安局"] == [texts.SELFREPORT_OVERDUE] * 3
