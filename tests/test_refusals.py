"""A refusal is a catalog sentence with its fields: escaped for Telegram, plain for the CLI."""

from __future__ import annotations

from bot import texts
from bot.refusals import Refusal
from bot.services.access import NotAllowed
from bot.services.campaigns import UnitNotFound
from bot.wording import html_escape, plain


def test_a_refusal_escapes_its_fields_and_not_its_sentence() -> None:
    refusal = UnitNotFound(texts.UNIT_NOT_FOUND, name="<b>公安局</b>", hint="")
    assert "&lt;b&gt;公安局&lt;/b&gt;" in refusal.sentence(html_escape)
    assert "<b>公安局</b>" in refusal.sentence(plain)


def test_a_refusal_reads_as_its_plain_sentence() -> None:
    refusal = UnitNotFound(texts.UNIT_NOT_FOUND, ["公安局"], name="公按局", hint="")
    assert str(refusal) == texts.UNIT_NOT_FOUND.format(name="公按局", hint="")
    assert refusal.suggestions == ["公安局"]


def test_every_use_case_refusal_shares_one_base() -> None:
    assert issubclass(NotAllowed, Refusal)
    assert issubclass(UnitNotFound, Refusal)
    assert NotAllowed(texts.NOT_ALLOWED_COORDINATOR).sentence(html_escape) == (
        texts.NOT_ALLOWED_COORDINATOR
    )
