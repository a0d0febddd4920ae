"""收一次，用多处: one delivered file counted for several obligations of its unit.

A link is a submission of its own for the other obligation (next version number there, its
own review and withdrawal) that shares the stored file: same storage key and sha256, so the
bytes are on disk once. `link_of` names the submission it was linked from (the first one,
when linking from a link), and its match method is "linked". Withdrawing or returning one of
them leaves the others as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, Indicator, Obligation, Submission, Unit
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed
from bot.services.audit import audit
from bot.services.obligations import still_owed
from bot.services.uploads.choices import ChoiceGone
from bot.services.uploads.files import FileFacts
from bot.services.uploads.filing import file_submission, filed, own_obligations
from bot.services.uploads.results import Choice, Filed

LINKED = "linked"  # Submission.match_method of a link


class NothingToLink(Refusal):
    """The unit owes nothing else the file could also count for."""


class AlreadyLinked(Refusal):
    """The same file is already live for that indicator."""


@dataclass(frozen=True)
class LinkChoices:
    """[也用于…]: the unit's other owed indicators the file may also count for."""

    submission_id: int
    filename: str
    number: str  # where the file is filed now
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Linked:
    """The file now also counts for `filed.number`; `source_number` is where it came from."""

    source_id: int
    source_number: str
    filed: Filed


@read_only
def link_choices(uow: UnitOfWork, actor: Actor, submission_id: int) -> LinkChoices:
    """The unit's owed indicators that do not hold this file yet, for [也用于…]."""
    source = _linkable(uow.session, actor, submission_id)
    obligation = source.obligation
    campaign, unit = obligation.indicator.campaign, obligation.unit
    holding = _numbers_holding(uow.session, campaign, unit, source.sha256)
    choices = tuple(
        Choice(owed.indicator, owed.title, 0.0)
        for owed in still_owed(uow.session, campaign, unit)
        if owed.indicator not in holding
    )
    if not choices:
        raise NothingToLink(texts.LINK_NOTHING_OWED, unit=unit.name)
    return LinkChoices(source.id, source.filename, obligation.indicator.number, choices)


def link_submission(
    uow: UnitOfWork, actor: Actor, submission_id: int, number: str, now: datetime
) -> Linked:
    """Let a submission's file count for another obligation of the same unit, stored once.

    The unit's contacts and group members may link their own files (the receipt's button);
    coordinators any (/link).
    """
    session = uow.session
    source = _linkable(session, actor, submission_id)
    obligation = source.obligation
    campaign, unit = obligation.indicator.campaign, obligation.unit
    wanted = number.strip().rstrip(".、")
    own = own_obligations(session, campaign, unit)
    target = own.get(wanted)
    if target is None:
        numbers = "、".join(own) or texts.NONE_MARK
        raise NotAllowed(texts.LINK_NOT_OWED, unit=unit.name, number=wanted, numbers=numbers)
    if wanted in _numbers_holding(session, campaign, unit, source.sha256):
        raise AlreadyLinked(texts.LINK_ALREADY, filename=source.filename, number=wanted)
    filing = file_submission(
        session, actor, campaign, unit, target, FileFacts.of(source), LINKED, None, now
    )
    root = source.link_of or source.id  # a link of a link points to the first delivery
    session.get_one(Submission, filing.submission_id).link_of = root
    audit(
        session,
        actor,
        "link",
        campaign_id=campaign.id,
        unit_id=unit.id,
        submission=filing.submission_id,
        link_of=root,
    )
    return Linked(source.id, obligation.indicator.number, filed(uow, campaign, unit, filing))


def _linkable(session: Session, actor: Actor, submission_id: int) -> Submission:
    """A live submission the actor may act on (their unit's, or any for a coordinator)."""
    source = session.get(Submission, submission_id)
    if source is None or source.withdrawn_at is not None:
        raise ChoiceGone(texts.LINK_NO_SUBMISSION, id=submission_id)
    if not actor.is_coordinator and actor.unit != source.obligation.unit.name:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    return source


def _numbers_holding(session: Session, campaign: Campaign, unit: Unit, sha256: str) -> set[str]:
    """Indicators of the unit where these bytes are live already (linking there is moot)."""
    return set(
        session.scalars(
            select(Indicator.number)
            .join(Obligation, Obligation.indicator_id == Indicator.id)
            .join(Submission, Submission.obligation_id == Obligation.id)
            .where(
                Indicator.campaign_id == campaign.id,
                Obligation.unit_id == unit.id,
                Submission.sha256 == sha256,
                Submission.withdrawn_at.is_(None),
            )
        )
    )
