"""Templates through the emulator, as people use them: attached in chat, handed out on /owe."""

from __future__ import annotations

from pathlib import Path

from bot.services.access import Actor
from bot.services.templates import import_templates, template_folder
from emulator.api import Upload
from tests.conftest import SEED_NOW, SEED_WORKBOOK
from tests.e2e.conftest import Bot, button_texts, text_of
from tests.fixtures.office_files import make_xlsx

OPINION = ("序号", "舆情标题", "发布时间", "来源媒体", "移送时间", "处置情况")


def opinion_template(tmp_path: Path) -> bytes:
    path = make_xlsx(tmp_path / "舆情信息表模板.xlsx", "舆情信息表", [("舆情信息表",), OPINION])
    return path.read_bytes()


def document_sends(bot: Bot) -> list[object]:
    """What each sendDocument call passed as the document: a file id (str) or an upload."""
    return [call.params.get("document") for call in bot.emu.calls_to("sendDocument")]


async def test_a_template_attached_by_caption_is_handed_out_on_owe_and_then_sent_by_file_id(
    bot: Bot, tmp_path: Path
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    blank = opinion_template(tmp_path)
    attached = await bot.upload(
        coordinator, coordinator, "舆情信息表模板.xlsx", blank, caption="/template 2"
    )
    assert "已添加模板：指标2 宣传培训情况 ←《舆情信息表模板.xlsx》" in attached.plain_text
    assert "表头：『序号』、『舆情标题』、『发布时间』、『来源媒体』" in attached.plain_text
    assert bot.submissions() == []  # a template is not a submission

    government = await bot.add_contact("县人民政府")
    welcome = text_of(bot.emu.messages_in(government))
    assert "📎 指标2 有模板" in welcome

    [owe] = await bot.say(government, government, "/owe")
    # The template buttons come first, above the [申请不适用] ones.
    assert [b for b in button_texts(owe) if "模板" in b] == ["📎 模板 2"]
    assert button_texts(owe)[0] == "📎 模板 2"
    received = await bot.press(government, owe, "📎 模板 2")
    assert received.document is not None
    assert received.filename == "舆情信息表模板.xlsx"
    assert received.data == blank
    assert "指标2 宣传培训情况 的模板" in received.shown_text
    await bot.silence(government)

    [again] = await bot.say(government, government, "模板")
    assert again.data == blank
    # The coordinator's own upload gave the file its id: no send ever uploads the bytes again.
    sends = document_sends(bot)
    assert len(sends) == 2
    assert all(isinstance(document, str) for document in sends)


async def test_the_first_send_uploads_the_stored_file_and_later_sends_use_its_file_id(
    bot: Bot,
) -> None:
    bot.db.run(
        import_templates,
        Actor.operator(),
        bot.runtime.store,
        template_folder(SEED_WORKBOOK),
        SEED_NOW,
    )
    police = await bot.add_contact("公安局")
    [first] = await bot.say(police, police, "/template 4")
    assert first.filename == "指标4_行政案件信息表.xlsx"
    await bot.silence(police)  # the file id is recorded just after the send returns
    [second] = await bot.say(police, police, "/template 4")
    assert second.data == first.data
    upload, by_id = document_sends(bot)
    assert isinstance(upload, Upload)
    assert upload.filename == "指标4_行政案件信息表.xlsx"
    assert first.document is not None
    assert by_id == first.document.file_id

    group = await bot.group("公安局工作群", [police], bind="公安局")
    replies = await bot.say(police, group, "模板", count=2)  # 4 and 7: what 公安局 still owes
    assert [r.filename for r in replies] == [
        "指标4_行政案件信息表.xlsx",
        "指标7_移送案件信息表.xlsx",
    ]


async def test_a_coordinator_attaches_a_file_by_replying_to_it(bot: Bot, tmp_path: Path) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    file = bot.emu.send_document(
        coordinator, coordinator, "案件信息表.xlsx", opinion_template(tmp_path)
    )
    # Sent without a caption, the file first went the upload path (a coordinator has no unit).
    await bot.silence(coordinator)
    bot.emu.send_text(coordinator, coordinator, "/template 4", reply_to=file)
    [reply] = await bot.emu.wait_for_messages(coordinator, timeout=10)
    assert "已添加模板：指标4 加强知识产权行政保护工作情况 ←《案件信息表.xlsx》" in reply.plain_text


async def test_contacts_may_not_attach_templates_and_their_captioned_file_is_not_filed(
    bot: Bot, tmp_path: Path
) -> None:
    government = await bot.add_contact("县人民政府")
    refused = await bot.upload(
        government, government, "表.xlsx", opinion_template(tmp_path), caption="/template 2"
    )
    assert refused.plain_text == "只有协调人可以添加或删除模板。"
    assert bot.submissions() == []
    [none_yet] = await bot.say(government, government, "/template 2")
    assert none_yet.plain_text == "指标2还没有模板。"
    [not_theirs] = await bot.say(government, government, "/template 4")
    assert not_theirs.plain_text == "指标4不是【县人民政府】的报送任务。"
    [owe] = await bot.say(government, government, "/owe")
    assert not [b for b in button_texts(owe) if "模板" in b]


async def test_a_template_sent_back_blank_is_refused_and_a_filled_one_missing_a_column_is_flagged(
    bot: Bot, tmp_path: Path
) -> None:
    coordinator = bot.coordinator
    assert coordinator is not None
    blank = opinion_template(tmp_path)
    await bot.upload(coordinator, coordinator, "舆情信息表模板.xlsx", blank, caption="/template 2")
    government = await bot.add_contact("县人民政府")
    [owe] = await bot.say(government, government, "/owe")
    received = await bot.press(government, owe, "📎 模板 2")
    assert received.data == blank
    await bot.silence(government)

    # Sent straight back, unfilled: told so, and nothing is filed or asked about.
    answer = await bot.upload(government, government, "舆情信息表模板.xlsx", blank)
    assert answer.plain_text.startswith("这是空白模板，请填写后再发")
    assert button_texts(answer) == []
    assert bot.submissions() == []

    # Filled in, but without the 移送时间 column: filed, and told what differs.
    without = tuple(c for c in OPINION if c != "移送时间")
    filled = make_xlsx(
        tmp_path / "filled.xlsx",
        "舆情信息表",
        [("舆情信息表",), without, (1, "某舆情", "2023-09-01", "县融媒体中心", "已处置")],
    ).read_bytes()
    receipt = await bot.upload(government, government, "指标2 舆情信息表.xlsx", filled)
    assert receipt.plain_text.startswith("✅ 已登记到 指标2")
    assert "与模板不一致：缺少列『移送时间』" in receipt.plain_text
    [submission] = bot.submissions()
    assert submission.template_differences == [
        {"kind": "missing_columns", "names": ["移送时间"], "where": ""}
    ]

    # /review flags it; one tap returns it with the differences as the reason.
    [_header, item] = await bot.say(coordinator, coordinator, "/review", count=2)
    assert "⚠️ 与模板不一致：缺少列『移送时间』" in item.plain_text
    returned = await bot.press(coordinator, item, "按模板差异退回")
    assert returned.plain_text.startswith("↩ 已退回：#")
    assert returned.plain_text.endswith("原因：与模板不一致：缺少列『移送时间』")
    [notice] = await bot.emu.wait_for_messages(government, timeout=10)
    assert "与模板不一致：缺少列『移送时间』" in notice.plain_text
    [back] = bot.submissions()
    assert back.review_status == "returned"
    assert back.review_comment == "与模板不一致：缺少列『移送时间』"


async def test_a_reminder_carries_template_buttons_for_the_owed_indicators_that_have_them(
    bot: Bot,
) -> None:
    bot.db.run(
        import_templates,
        Actor.operator(),
        bot.runtime.store,
        template_folder(SEED_WORKBOOK),
        SEED_NOW,
    )
    coordinator = bot.coordinator
    assert coordinator is not None
    officer = bot.person("李警官")
    police = await bot.group("公安局工作群", [officer], bind="公安局")
    await bot.silence(police)
    await bot.say(coordinator, coordinator, "/remind 公安局")
    [reminder] = await bot.emu.wait_for_messages(police, timeout=10)
    assert "催办【公安局】" in reminder.plain_text
    # 公安局 owes 4, 5 and 7; 4 and 7 have templates: the same buttons as /owe's.
    assert button_texts(reminder) == ["📎 模板 4", "📎 模板 7"]
    received = await bot.press(officer, reminder, "📎 模板 7")
    assert received.filename == "指标7_移送案件信息表.xlsx"
