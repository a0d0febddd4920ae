"""Templates handed out: what units get (by /template, 模板, the [模板] buttons, the welcome),
and what the upload path asks of templates (a blank one sent back, their structures)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, Indicator, Obligation, Template, Unit
from bot.progress import OweReport
from bot.services.access import Actor, NotAllowed
from bot.services.campaigns import find_campaign, find_unit
from bot.services.obligations import UnitChoice, owe_for, still_owed
from bot.services.templates import (
    TemplateInfo,
    TemplateRefused,
    indicator_numbered,
    template_info,
    templates_of,
)
from bot.structure import Structure

# --- everybody registered: get them --------------------------------------------------------------


@read_only
def templates_for(
    uow: UnitOfWork, actor: Actor, numbers: Sequence[str], *, campaign_code: str | None = None
) -> tuple[TemplateInfo, ...]:
    """The templates to send: of `numbers`, or (none named) of every indicator the actor's
    unit still owes; a coordinator outside a unit's group gets every template. A unit may only
    ask for its own indicators."""
    session = uow.session
    campaign = find_campaign(session, campaign_code)
    wanted = [n.strip().removeprefix("指标") for n in numbers if n.strip()]
    asked = bool(wanted)
    # In a unit's group (or as its contact) the unit's own indicators; a coordinator who
    # names indicators may have any of them.
    for_unit = actor.unit is not None and not (asked and actor.is_coordinator)
    if for_unit:
        unit = find_unit(session, actor.unit or "")
        if asked:
            _require_responsible(session, campaign, unit, wanted)
        else:
            wanted = [owed.indicator for owed in still_owed(session, campaign, unit)]
    elif not actor.is_coordinator:
        _refuse_stranger(actor)
    elif asked:
        wanted = [indicator_numbered(session, campaign, n).number for n in wanted]
    found = templates_of(session, campaign, wanted if for_unit or asked else None)
    if not found:
        if asked:
            raise TemplateRefused(texts.TEMPLATE_NONE_FOR, numbers="、".join(wanted))
        if for_unit:
            raise TemplateRefused(texts.TEMPLATE_NONE_OWED, unit=actor.unit)
        raise TemplateRefused(texts.TEMPLATE_NONE_AT_ALL, campaign=campaign.title)
    return tuple(found)


def record_sent_file_id(uow: UnitOfWork, template_id: int, file_id: str) -> None:
    """Telegram's id of a template's file, from its first send: later sends reuse it."""
    template = uow.session.get(Template, template_id)
    if template is not None and template.telegram_file_id != file_id:
        template.telegram_file_id = file_id
        uow.commit()


@read_only
def owe_with_templates(
    uow: UnitOfWork, actor: Actor, named: str, now: datetime
) -> OweWithTemplates | UnitChoice:
    """/owe (bot.services.obligations.owe_for), plus which owed indicators have templates."""
    found = owe_for(uow, actor, named, now)
    if isinstance(found, UnitChoice):
        return found
    return OweWithTemplates(found, owed_with_templates(uow.session, found))


def owed_with_templates(session: Session, report: OweReport) -> tuple[str, ...]:
    """The numbers of `report`'s owed indicators that have at least one template."""
    owed = [item.indicator for item in report.owed]
    if not owed:
        return ()
    having = set(
        session.scalars(
            select(Indicator.number)
            .join(Campaign, Indicator.campaign_id == Campaign.id)
            .join(Template, Template.indicator_id == Indicator.id)
            .where(Campaign.code == report.campaign, Indicator.number.in_(owed))
        )
    )
    return tuple(number for number in owed if number in having)


# --- the upload path: blank templates, structures ------------------------------------------------


@read_only
def is_blank_template(uow: UnitOfWork, campaign: Campaign, sha256: str) -> TemplateInfo | None:
    """The template whose bytes these exactly are (sent back unfilled), if any."""
    row = uow.session.execute(
        select(Template, Indicator)
        .join(Indicator, Template.indicator_id == Indicator.id)
        .where(Indicator.campaign_id == campaign.id, Template.sha256 == sha256)
        .order_by(Indicator.position, Template.id)
        .limit(1)
    ).first()
    return None if row is None else template_info(row.Template, row.Indicator)


@read_only
def template_structures(uow: UnitOfWork, campaign: Campaign) -> dict[str, list[Structure]]:
    """{indicator number: structures of its templates}, for the comparison and the matcher."""
    found: dict[str, list[Structure]] = defaultdict(list)
    for template in templates_of(uow.session, campaign):
        if template.structure is not None:
            found[template.number].append(template.structure)
    return dict(found)


@dataclass(frozen=True)
class OweWithTemplates:
    """/owe's report, and the owed indicators that have templates (their buttons)."""

    report: OweReport
    templates: tuple[str, ...]


def _require_responsible(
    session: Session, campaign: Campaign, unit: Unit, numbers: Sequence[str]
) -> None:
    own = set(
        session.scalars(
            select(Indicator.number)
            .join(Obligation, Obligation.indicator_id == Indicator.id)
            .where(
                Indicator.campaign_id == campaign.id,
                Indicator.archived.is_(False),
                Obligation.archived.is_(False),
                Obligation.unit_id == unit.id,
            )
        )
    )
    for number in numbers:
        if number not in own:
            indicator_numbered(session, campaign, number)  # an unknown number is told as such
            raise TemplateRefused(texts.TEMPLATE_NOT_RESPONSIBLE, number=number, unit=unit.name)


def _refuse_stranger(actor: Actor) -> None:
    if actor.chat_kind == "unbound":
        raise NotAllowed(texts.GROUP_NOT_BOUND)
    raise NotAllowed(texts.NOT_REGISTERED)
