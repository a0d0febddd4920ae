"""Contributions (配合材料): a supporting unit's file filed to the lead's obligation, listed to
the lead, and counted as the lead's delivery only once the lead's people or a coordinator adopt
it. On issue 14's four-indicator table (tests/workbooks.py: lead_and_support_workbook)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import texts
from bot.db import Database
from bot.models import Chat, Contact, Submission
from bot.services.access import Actor
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import owed_items, still_owed
from bot.services.review import review_queue
from bot.services.summary import summary
from bot.services.uploads import (
    Duplicate,
    Filed,
    MatcherCache,
    NeedsChoice,
    UploadRequest,
    adopt_contribution,
    all_choices,
    choose_indicator,
    receive_upload,
)
from bot.storage import FileStore
from bot.wording.owe import owe_text
from bot.wording.uploads import adopted, contribution_notice, receipt
from bot.workbooks import summary_workbook
from tests.conftest import DATA, SEED_NOW, import_workbook
from tests.workbooks import lead_and_support_workbook

LEAD = "区发展和改革局"  # leads 2 (获得电力)
POWER = Actor(11, 11, "private", False, True, "区供电公司", "供电公司联络员")  # supports 2
LEAD_CONTACT = Actor(12, 12, "private", False, True, LEAD, "发改局联络员")
LEAD_GROUP_MEMBER = Actor(13, -500, "unit", False, False, LEAD, "发改局群成员")
TAX = Actor(14, 14, "private", False, True, "区税务局", "税务局联络员")  # leads 4, supports 1
MARKET = Actor(15, 15, "private", False, True, "区市场监管局", "市场监管局联络员")  # leads 1
JUSTICE = Actor(16, 16, "private", False, True, "区司法局", "司法局联络员")  # supports 3
COORDINATOR = Actor(1, 1, "private", True, True, None, "协调员")
LEDGER = "接电业务办理台账.xlsx"


@pytest.fixture
def lead_table(database: Database, tmp_path: Path) -> Database:
    import_workbook(database, lead_and_support_workbook(tmp_path / "linhe-2024.xlsx"))
    return database


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture(scope="module")
def matchers() -> MatcherCache:
    return MatcherCache(DATA / "glossary.toml")


def send(
    database: Database,
    store: FileStore,
    matchers: MatcherCache,
    actor: Actor,
    name: str,
    caption: str = "",
    data: bytes | None = None,
):
    # Stored as is: the content check has its own tests (tests/test_filecheck.py).
    stored = store.put_bytes(data if data is not None else f"{actor.unit}:{name}".encode())
    request = UploadRequest(name, caption, "", stored, "file-id", "unique-id")
    return database.run(receive_upload, actor, store, matchers, request, SEED_NOW)


def contribute(database: Database, store: FileStore, matchers: MatcherCache) -> Filed:
    """区供电公司 sends its ledger for indicator 2, which 区发展和改革局 leads."""
    filed = send(database, store, matchers, POWER, LEDGER, caption="指标2")
    assert isinstance(filed, Filed)
    return filed


def lead_status(database: Database, number: str = "2", unit: str = LEAD) -> str:
    with database.uow() as uow:
        report = owed_items(uow, unit, SEED_NOW)
    [item] = [i for i in report.items if i.indicator == number]
    return item.status


def add_people(database: Database) -> None:
    """区发展和改革局 has a contact and a bound group; 区市场监管局 only a contact."""
    with database.uow() as uow:
        session = uow.session
        lead = find_unit(session, LEAD)
        market = find_unit(session, "区市场监管局")
        session.add(Contact(telegram_user_id=12, unit_id=lead.id, display_name="发改局联络员"))
        session.add(Contact(telegram_user_id=15, unit_id=market.id, display_name="市场监管"))
        session.add(Chat(telegram_chat_id=-500, kind="unit", unit_id=lead.id, title="发改局群"))
        uow.commit()


# ----- filing a contribution -----------------------------------------------------------------


def test_a_supporting_units_upload_is_filed_to_the_leads_obligation_in_its_name(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    add_people(lead_table)
    filed = contribute(lead_table, store, matchers)
    assert (filed.number, filed.unit, filed.lead) == ("2", "区供电公司", LEAD)
    assert filed.lead_chats == (-500,)  # the lead's group, not its contact in private
    with lead_table.uow() as uow:
        submission = uow.session.get_one(Submission, filed.submission_id)
        assert submission.obligation.unit.name == LEAD
        assert submission.contributor is not None
        assert submission.contributor.name == "区供电公司"
        assert submission.adopted_at is None
        assert submission.uploaded_by == POWER.user_id
    text = receipt(filed)
    assert text.startswith(f"✅ 已作为配合材料登记到 指标2 获得电力，已转给牵头单位【{LEAD}】")
    assert "已全部报送" not in text  # 区供电公司 owes nothing itself: no "all done" line
    notice = contribution_notice(filed)
    assert notice.startswith(f"🤝【区供电公司】为指标2提供了配合材料《{LEDGER}》")
    assert "未采用前不计入报送" in notice


def test_a_lead_without_a_group_is_told_through_its_contacts(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    add_people(lead_table)
    filed = send(lead_table, store, matchers, TAX, "开办企业时限统计表.xlsx", caption="指标1")
    assert isinstance(filed, Filed)
    assert (filed.lead, filed.lead_chats) == ("区市场监管局", (15,))


def test_the_matcher_sees_a_supported_indicator_as_the_supporting_units_own_candidate(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    with lead_table.uow() as uow:
        matcher = matchers.for_campaign(uow.session, find_campaign(uow.session))
    helper, stranger = (matcher.match(u, LEDGER, "") for u in ("区供电公司", "区司法局"))
    assert helper.candidates[0].indicator == stranger.candidates[0].indicator == "2"
    assert helper.candidates[0].owed_by_unit
    assert not stranger.candidates[0].owed_by_unit
    assert helper.candidates[0].score > stranger.candidates[0].score  # the unit prior
    # No caption: the name says it, and the file goes to the lead as a contribution.
    filed = send(lead_table, store, matchers, POWER, "获得电力接电业务办理台账.xlsx")
    assert isinstance(filed, Filed)
    assert (filed.number, filed.method, filed.lead) == ("2", "auto", LEAD)


def test_a_unit_that_only_supports_is_offered_its_supported_indicators_when_unsure(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    asked = send(lead_table, store, matchers, JUSTICE, "扫描件001.pdf")
    assert isinstance(asked, NeedsChoice)
    assert [(c.number, c.lead) for c in asked.choices] == [("3", "区政务服务中心")]
    every = lead_table.run(all_choices, JUSTICE, asked.pending_id)
    assert [c.number for c in every.choices] == ["3"]
    filed = lead_table.run(choose_indicator, JUSTICE, asked.pending_id, "3", SEED_NOW)
    assert (filed.number, filed.method, filed.lead) == ("3", "chosen", "区政务服务中心")


def test_a_unit_that_leads_one_and_supports_another_files_each_where_it_belongs(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    own = send(lead_table, store, matchers, TAX, "网上办税统计报表.xlsx", caption="指标4")
    helped = send(lead_table, store, matchers, TAX, "开办企业时限统计表.xlsx", caption="指标1")
    assert isinstance(own, Filed)
    assert isinstance(helped, Filed)
    assert (own.number, own.lead) == ("4", "")
    assert (helped.number, helped.lead) == ("1", "区市场监管局")
    assert lead_status(lead_table, "4", "区税务局") == "submitted"
    assert lead_status(lead_table, "1", "区市场监管局") == "missing"


def test_a_unit_that_both_leads_and_supports_an_indicator_files_there_as_itself(
    database: Database, store: FileStore, matchers: MatcherCache, tmp_path: Path
) -> None:
    path = lead_and_support_workbook(tmp_path / "linhe-2024.xlsx")
    workbook = load_workbook(path)
    workbook.active["F6"] = "区税务局、区供电公司"  # 区税务局 leads 4 and is listed as support
    workbook.save(path)
    import_workbook(database, path)
    filed = send(database, store, matchers, TAX, "网上办税统计报表.xlsx", caption="指标4")
    assert isinstance(filed, Filed)
    assert filed.lead == ""
    assert lead_status(database, "4", "区税务局") == "submitted"


def test_the_same_file_contributed_twice_is_a_duplicate(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    contribute(lead_table, store, matchers)
    again = send(
        lead_table,
        store,
        matchers,
        POWER,
        "台账（再发一次）.xlsx",
        caption="指标2",
        data=f"{POWER.unit}:{LEDGER}".encode(),
    )
    assert isinstance(again, Duplicate)
    assert again.number == "2"


# ----- not the lead's delivery until adopted ---------------------------------------------------


def test_a_contribution_alone_leaves_the_lead_owing_and_is_listed_to_it(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    contribute(lead_table, store, matchers)
    assert lead_status(lead_table) == "missing"
    with lead_table.uow() as uow:
        campaign = find_campaign(uow.session)
        owed = still_owed(uow.session, campaign, find_unit(uow.session, LEAD))
        report = owed_items(uow, LEAD, SEED_NOW)
        result = summary(uow, SEED_NOW)
    assert [o.indicator for o in owed] == ["2"]
    [item] = report.owed
    assert item.submissions == ()
    assert [(c.filename, c.contributed_by, c.adopted) for c in item.contributions] == [
        (LEDGER, "区供电公司", False)
    ]
    assert f"🤝 配合材料《{LEDGER}》（区供电公司，10-15 10:00）待采用" in owe_text(report, SEED_NOW)
    assert report.as_json()["items"][0]["contributions"][0]["contributed_by"] == "区供电公司"
    assert (result.obligations, result.done) == (4, 0)
    assert lead_table.run(review_queue, COORDINATOR).total == 0  # nothing to review yet


def test_the_supporting_unit_sees_its_contribution_under_the_indicator_it_supports(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    contribute(lead_table, store, matchers)
    with lead_table.uow() as uow:
        report = owed_items(uow, "区供电公司", SEED_NOW)
    [supported] = report.supported
    assert supported.lead_status == "missing"
    assert f"已提供：《{LEDGER}》待采用" in owe_text(report, SEED_NOW)


def test_adopting_a_contribution_delivers_the_leads_obligation(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = contribute(lead_table, store, matchers)
    done = lead_table.run(adopt_contribution, LEAD_GROUP_MEMBER, filed.submission_id, SEED_NOW)
    assert adopted(done) == (
        f"✅ 已采用【区供电公司】的配合材料《{LEDGER}》为【{LEAD}】指标2 获得电力的报送材料，"
        "等待协调人审核。"
    )
    assert lead_status(lead_table) == "submitted"
    with lead_table.uow() as uow:
        campaign = find_campaign(uow.session)
        assert still_owed(uow.session, campaign, find_unit(uow.session, LEAD)) == []
        report = owed_items(uow, LEAD, SEED_NOW)
        result = summary(uow, SEED_NOW)
        supporter = owed_items(uow, "区供电公司", SEED_NOW)
    assert f"《{LEDGER}》10-15 10:00 待审核（区供电公司提供的配合材料）" in owe_text(
        report, SEED_NOW
    )
    assert (result.obligations, result.done) == (4, 1)
    assert f"已提供：《{LEDGER}》已采用" in owe_text(supporter, SEED_NOW)
    assert supporter.supported[0].lead_delivered
    assert lead_table.run(review_queue, COORDINATOR).total == 1


def test_the_summary_workbook_lists_contributions_on_their_own_sheet(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = contribute(lead_table, store, matchers)
    send(lead_table, store, matchers, JUSTICE, "差评整改记录.xlsx", caption="指标3")
    lead_table.run(adopt_contribution, COORDINATOR, filed.submission_id, SEED_NOW)
    with lead_table.uow() as uow:
        result = summary(uow, SEED_NOW)
    workbook = load_workbook(io.BytesIO(summary_workbook(result)))
    assert workbook.sheetnames == ["汇总", "提交明细", "配合材料"]
    rows = list(workbook["配合材料"].iter_rows(values_only=True))
    assert rows[0] == texts.XLSX_CONTRIBUTION_HEADERS
    assert [(r[0], r[2], r[3], r[4], r[6]) for r in rows[1:]] == [
        ("2", LEAD, "区供电公司", LEDGER, "是"),
        ("3", "区政务服务中心", "区司法局", "差评整改记录.xlsx", "否"),
    ]
    assert workbook["汇总"]["A2"].value.startswith("总进度：1/4")
