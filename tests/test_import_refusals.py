"""Import and lookup refusals carry their catalog sentence and separate fields, escaped once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.importer import ImportFailure, read_workbook
from bot.models import AuditEvent
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import (
    CampaignNotFound,
    StrictImportRefused,
    UnitNotFound,
    find_campaign,
    find_unit,
    import_campaign,
)
from bot.wording import html_escape
from bot.wording.refusals import refusal_text
from tests.conftest import SEED_WORKBOOK, UNITS_FILE


def test_an_unknown_unit_is_a_refusal_whose_name_is_escaped_for_the_bot(seeded: Database) -> None:
    with seeded.uow() as uow, pytest.raises(UnitNotFound) as refused:
        find_unit(uow.session, "<b>县公按局x</b>")
    error = refused.value
    assert isinstance(error, Refusal)
    assert error.fields["name"] == "<b>县公按局x</b>"
    assert "&lt;b&gt;县公按局x&lt;/b&gt;" in error.sentence(html_escape)
    assert str(error).startswith("找不到单位“<b>县公按局x</b>”")


def test_an_unknown_campaign_names_the_code_and_the_known_ones(seeded: Database) -> None:
    with seeded.uow() as uow, pytest.raises(CampaignNotFound) as refused:
        find_campaign(uow.session, "nope")
    assert refused.value.fields == {"code": "nope", "codes": "yongning-ip-2023"}


def test_a_file_gate_refusal_keeps_the_file_name_as_a_field(tmp_path: Path) -> None:
    path = tmp_path / "<x>.xlsx"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ImportFailure) as refused:
        read_workbook(path)
    assert refused.value.fields == {"name": "<x>.xlsx"}
    assert "“&lt;x&gt;.xlsx”不是 Excel 工作簿" in refused.value.sentence(html_escape)


def test_a_strict_refusal_lists_each_name_with_its_fields_escaped(
    database: Database, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(SEED_WORKBOOK)
    workbook["任务分工"]["G5"] = "<县民政局>"
    path = tmp_path / "yongning-ip-2023.xlsx"
    workbook.save(path)
    spec = read_workbook(path)
    with database.uow() as uow, pytest.raises(StrictImportRefused) as refused:
        import_campaign(uow, Actor.operator(), spec, units_file=UNITS_FILE, strict=True)
    [name] = refused.value.fields["names"]
    assert (name.cell, name.how) == ("任务分工!G5", "new")
    assert "&lt;县民政局&gt;" in refusal_text(refused.value, html_escape)
    assert "“<县民政局>” 不是已知单位" in refusal_text(refused.value)


def test_only_a_coordinator_or_the_operator_may_import(database: Database) -> None:
    contact = Actor(7, 7, "private", False, True, "公安局", "联络员")
    with database.uow() as uow, pytest.raises(NotAllowed):
        import_campaign(uow, contact, read_workbook(SEED_WORKBOOK), units_file=UNITS_FILE)


def test_an_import_is_audited_as_the_operator(seeded: Database) -> None:
    with seeded.uow() as uow:
        row = uow.session.execute(
            select(AuditEvent.actor, AuditEvent.detail).where(AuditEvent.action == "import")
        ).one()
    assert row.actor == "cli"
    assert row.detail["source"] == "yongning-ip-2023.xlsx"
