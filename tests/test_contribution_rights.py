"""Contributions (配合材料): who may adopt a supporting unit's file (the lead's people and
coordinators), who may withdraw or move it (its unit until adopted, the lead after), and what
the final package and the self-report keep of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import texts
from bot.db import Database
from bot.models import Obligation, Submission, Unit
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import find_campaign
from bot.services.export import package_entries
from bot.services.selfreport import campaign_self_report
from bot.services.uploads import (
    ChoiceGone,
    Filed,
    MatcherCache,
    adopt_contribution,
    reclassify,
    withdraw,
)
from bot.storage import FileStore
from tests.conftest import SEED_NOW
from tests.test_contributions import (  # the fixtures too: the same table, store and matchers
    COORDINATOR,
    JUSTICE,
    LEAD,
    LEAD_CONTACT,
    LEAD_GROUP_MEMBER,
    LEDGER,
    MARKET,
    POWER,
    TAX,
    contribute,
    lead_status,
    lead_table,
    matchers,
    send,
    store,
)

__all__ = ["lead_table", "matchers", "store"]  # fixtures used by name


# ----- who may adopt, withdraw or move -----------------------------------------------------------


@pytest.mark.parametrize(
    "actor",
    [LEAD_CONTACT, LEAD_GROUP_MEMBER, COORDINATOR, Actor.operator()],
    ids=["lead contact", "lead group", "coordinator", "operator"],
)
def test_the_leads_people_and_coordinators_may_adopt(
    lead_table: Database, store: FileStore, matchers: MatcherCache, actor: Actor
) -> None:
    filed = contribute(lead_table, store, matchers)
    lead_table.run(adopt_contribution, actor, filed.submission_id, SEED_NOW)
    assert lead_status(lead_table) == "submitted"


@pytest.mark.parametrize("actor", [POWER, MARKET], ids=["the supporter", "another unit"])
def test_nobody_else_may_adopt(
    lead_table: Database, store: FileStore, matchers: MatcherCache, actor: Actor
) -> None:
    filed = contribute(lead_table, store, matchers)
    with pytest.raises(NotAllowed) as refused:
        lead_table.run(adopt_contribution, actor, filed.submission_id, SEED_NOW)
    assert str(refused.value) == texts.CONTRIBUTION_NOT_LEAD.format(lead=LEAD)
    assert lead_status(lead_table) == "missing"


def test_a_contribution_is_adopted_once_and_a_withdrawn_one_not_at_all(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = contribute(lead_table, store, matchers)
    lead_table.run(adopt_contribution, LEAD_CONTACT, filed.submission_id, SEED_NOW)
    with pytest.raises(ChoiceGone) as twice:
        lead_table.run(adopt_contribution, LEAD_CONTACT, filed.submission_id, SEED_NOW)
    assert str(twice.value) == texts.CONTRIBUTION_ALREADY_ADOPTED
    other = send(lead_table, store, matchers, JUSTICE, "差评整改记录.xlsx", caption="指标3")
    assert isinstance(other, Filed)
    lead_table.run(withdraw, JUSTICE, other.submission_id, SEED_NOW)
    with pytest.raises(ChoiceGone):
        lead_table.run(adopt_contribution, COORDINATOR, other.submission_id, SEED_NOW)


def test_the_lead_cannot_adopt_its_own_file(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    own = send(lead_table, store, matchers, LEAD_CONTACT, LEDGER, caption="指标2")
    assert isinstance(own, Filed)
    assert own.lead == ""
    with pytest.raises(ChoiceGone):
        lead_table.run(adopt_contribution, LEAD_CONTACT, own.submission_id, SEED_NOW)


def test_the_supporting_unit_may_withdraw_or_move_its_contribution_and_the_lead_may_not(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = send(lead_table, store, matchers, TAX, "开办企业时限统计表.xlsx", caption="指标1")
    assert isinstance(filed, Filed)
    with pytest.raises(NotAllowed):
        lead_table.run(withdraw, MARKET, filed.submission_id, SEED_NOW)
    # 区税务局 meant it for its own indicator 4: moved there, it is its own delivery.
    move = lead_table.run(reclassify, TAX, filed.submission_id, "4", SEED_NOW)
    assert (move.old_number, move.filed.number, move.filed.lead) == ("1", "4", "")
    assert lead_status(lead_table, "4", "区税务局") == "submitted"
    with lead_table.uow() as uow:
        moved = uow.session.get_one(Submission, move.filed.submission_id)
        assert moved.contributed_by_unit_id is None
        assert moved.obligation.unit.name == "区税务局"
    # …and back: a contribution again, not the lead's delivery.
    back = lead_table.run(reclassify, TAX, move.filed.submission_id, "1", SEED_NOW)
    assert back.filed.lead == "区市场监管局"
    assert lead_status(lead_table, "1", "区市场监管局") == "missing"
    assert lead_status(lead_table, "4", "区税务局") == "missing"


def test_a_unit_that_neither_owes_nor_supports_is_still_refused(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    with lead_table.uow() as uow:
        uow.session.add(Unit(name="区档案馆"))
        uow.commit()
    archive = Actor(17, 17, "private", False, True, "区档案馆", "档案馆")
    with pytest.raises(NotAllowed) as refused:
        send(lead_table, store, matchers, archive, LEDGER, caption="指标2")
    assert str(refused.value) == texts.UPLOAD_NO_OBLIGATIONS.format(unit="区档案馆")
    with lead_table.uow() as uow:
        assert uow.session.scalars(select(Submission)).all() == []
        assert len(uow.session.scalars(select(Obligation)).all()) == 4


def test_once_adopted_the_file_is_the_leads_to_withdraw_not_the_supporters(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    filed = contribute(lead_table, store, matchers)
    lead_table.run(adopt_contribution, LEAD_CONTACT, filed.submission_id, SEED_NOW)
    with pytest.raises(NotAllowed):
        lead_table.run(withdraw, POWER, filed.submission_id, SEED_NOW)
    lead_table.run(withdraw, LEAD_CONTACT, filed.submission_id, SEED_NOW)
    assert lead_status(lead_table) == "missing"


def test_the_export_and_the_self_report_leave_out_contributions_not_adopted(
    lead_table: Database, store: FileStore, matchers: MatcherCache
) -> None:
    contribute(lead_table, store, matchers)
    adopted_one = send(lead_table, store, matchers, TAX, "开办企业时限统计表.xlsx", caption="指标1")
    assert isinstance(adopted_one, Filed)
    lead_table.run(adopt_contribution, MARKET, adopted_one.submission_id, SEED_NOW)
    with lead_table.uow() as uow:
        entries = package_entries(uow)
        draft = campaign_self_report(uow.session, find_campaign(uow.session), SEED_NOW)
    assert [entry.arcname.rsplit("/", 2)[1:] for entry in entries] == [
        ["区市场监管局", "v1_开办企业时限统计表.xlsx"]
    ]
    files = {
        (indicator.number, unit.unit): [f.filename for f in unit.files]
        for group in draft.groups
        for indicator in group.indicators
        for unit in indicator.units
    }
    assert files[("1", "区市场监管局")] == ["开办企业时限统计表.xlsx"]
    assert files[("2", LEAD)] == []
