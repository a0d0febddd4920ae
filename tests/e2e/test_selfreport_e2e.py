"""Issue 12's "Done when" for 自评报告 drafts: /selfreport through the emulator."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot import texts
from bot.selfreport_docx import RED
from tests.e2e.conftest import Bot
from tests.fixtures.office_files import xlsx_data

OPENING = "今年以来，我局坚持打防并举，依法严厉打击侵犯知识产权违法犯罪活动。"
CAMPAIGN_REPORT = "自评报告_yongning-ip-2023_20231015.docx"


def police_report_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(OPENING + "共立案侦查侵权假冒案件5起。" + "详细情况如下。" * 50)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sections(document: docx.document.Document) -> dict[str, list[Paragraph | Table]]:
    """What follows each Heading 2, up to the next heading."""
    found: dict[str, list[Paragraph | Table]] = {}
    current: list[Paragraph | Table] | None = None
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name.startswith("Heading"):
            current = (
                found.setdefault(block.text[:2], []) if block.style.name == "Heading 2" else None
            )
        elif current is not None:
            current.append(block)
    return found


def police_cells(blocks: list[Paragraph | Table]) -> list[list[object]]:
    """公安局's rows under one indicator: its cells."""
    return [
        row.cells
        for table in blocks
        if isinstance(table, Table)
        for row in table.rows
        if row.cells[0].text == "公安局"
    ]


async def test_after_police_delivers_four_and_five_the_coordinators_draft_shows_it(
    bot: Bot,
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    police = await bot.add_contact("公安局")
    filed = await bot.upload(
        police, police, "公安局知识产权保护工作总结.docx", police_report_docx(), caption="指标4"
    )
    assert filed.plain_text.startswith("✅ 已登记到 指标4"), filed.plain_text
    filed = await bot.upload(
        police, police, "打击侵权假冒专项行动.xlsx", xlsx_data("专项行动"), caption="指标5"
    )
    assert filed.plain_text.startswith("✅ 已登记到 指标5"), filed.plain_text

    [reply] = await bot.say(coordinator, coordinator, "/selfreport")
    assert reply.filename == CAMPAIGN_REPORT
    assert "材料已报送 2/19" in reply.shown_text
    assert reply.data is not None
    document = docx.Document(io.BytesIO(reply.data))

    headings = [
        (p.style.name, p.text[:2])
        for p in document.paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert [t for s, t in headings if s == "Heading 1"] == ["一、", "二、", "三、", "四、", "五、"]
    assert [t for s, t in headings if s == "Heading 2"] == [f"{n}." for n in "1234567"]
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert round(document.sections[0].page_width.mm) == 210

    under = sections(document)
    [four] = police_cells(under["4."])
    assert four[1].text == "公安局知识产权保护工作总结.docx"
    [five] = police_cells(under["5."])
    assert five[1].text == "打击侵权假冒专项行动.xlsx"
    [seven] = police_cells(under["7."])
    assert seven[1].text == texts.SELFREPORT_MISSING
    assert [run.font.color.rgb for run in seven[1].paragraphs[0].runs] == [RED]
    quotes = [b.text for b in under["4."] if isinstance(b, Paragraph) and OPENING in b.text]
    assert quotes == [
        f"公安局：{OPENING}共立案侦查侵权假冒案件5起。详细情况如下。【来源：公安局知识产权保护工作总结.docx】"
    ]


async def test_a_contact_gets_their_own_units_draft_and_a_stranger_is_refused(bot: Bot) -> None:
    police = await bot.add_contact("公安局")
    [own] = await bot.say(police, police, "/selfreport")
    assert own.filename == "自评报告_yongning-ip-2023_公安局_20231015.docx"
    assert own.data is not None
    headings = [
        p.text[:2]
        for p in docx.Document(io.BytesIO(own.data)).paragraphs
        if p.style.name == "Heading 2"
    ]
    assert headings == ["4.", "5.", "7."]
    [refused] = await bot.say(police, police, "/selfreport 文旅局")
    assert refused.plain_text == texts.SELFREPORT_OWN_UNIT_ONLY.format(unit="公安局")
    stranger = bot.person("路人")
    [told] = await bot.say(stranger, stranger, "/selfreport")
    assert told.plain_text == texts.NOT_REGISTERED
