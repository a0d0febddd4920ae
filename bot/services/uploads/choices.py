"""The buttons under a question and under a receipt: pick, all indicators, cancel, withdraw,
move. Anyone acting for the file's unit may press them (in a unit group, every member), and
coordinators may press any. A contribution is the supporting unit's file until the lead adopts
it: that unit (not the lead) may withdraw or move it; once adopted, it is the lead's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import texts
from bot.db import UnitOfWork, read_only
from bot.models import Campaign, PendingUpload, Submission, Unit
from bot.refusals import Refusal
from bot.services.access import Actor, NotAllowed
from bot.services.audit import audit
from bot.services.uploads.checking import TemplateCheck
from bot.services.uploads.files import FileFacts
from bot.services.uploads.filing import choices_for, file_submission, filed, filing_targets
from bot.services.uploads.results import (
    Cancelled,
    Choice,
    Filed,
    MoveChoices,
    Moved,
    NeedsChoice,
    Withdrawn,
)
from bot.storage import FileStore
from bot.structure import Difference


class ChoiceGone(Refusal):
    """The button refers to something already handled (answered, withdrawn, cancelled)."""


@read_only
def all_choices(uow: UnitOfWork, actor: Actor, pending_id: int) -> NeedsChoice:
    """Every indicator the unit owes or supports, for [全部指标]."""
    pending = _open_pending(uow.session, actor, pending_id)
    campaign = uow.session.get_one(Campaign, pending.campaign_id)
    unit = uow.session.get_one(Unit, pending.unit_id)
    own = filing_targets(uow.session, campaign, unit)
    return NeedsChoice(pending.id, pending.filename, choices_for(pending, own))


def choose_indicator(
    uow: UnitOfWork,
    actor: Actor,
    pending_id: int,
    number: str,
    now: datetime,
    store: FileStore | None = None,
) -> Filed:
    """File a pending upload to the indicator the person picked (its uploader is kept),
    compared with that indicator's template when `store` holds the file."""
    session = uow.session
    pending = _open_pending(session, actor, pending_id)
    campaign = session.get_one(Campaign, pending.campaign_id)
    unit = session.get_one(Unit, pending.unit_id)
    own = filing_targets(session, campaign, unit)
    if number not in own:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    score = pending.scores.get(number)
    facts = FileFacts.of(pending)
    filing = file_submission(
        session,
        actor,
        campaign,
        unit,
        own[number],
        facts,
        "chosen",
        float(score) if score is not None else None,
        now,
        _differences(uow, campaign, facts, number, store),
    )
    pending.resolved_at = now
    pending.resolution = f"chosen:{number}"
    return filed(uow, campaign, unit, filing)


def cancel_pending(uow: UnitOfWork, actor: Actor, pending_id: int, now: datetime) -> Cancelled:
    """Drop a pending upload: its file is not filed."""
    pending = _open_pending(uow.session, actor, pending_id)
    pending.resolved_at = now
    pending.resolution = "cancelled"
    uow.commit()
    return Cancelled(pending.filename)


def withdraw(uow: UnitOfWork, actor: Actor, submission_id: int, now: datetime) -> Withdrawn:
    """Withdraw a submission of the actor's unit (or any, for a coordinator)."""
    submission = _own_submission(uow.session, actor, submission_id)
    submission.withdrawn_at = now
    obligation = submission.obligation
    audit(
        uow.session,
        actor,
        "withdraw",
        campaign_id=obligation.indicator.campaign_id,
        unit_id=_filing_unit(submission).id,
        submission=submission.id,
    )
    uow.commit()
    return Withdrawn(submission.filename, obligation.indicator.number)


def _filing_unit(submission: Submission) -> Unit:
    """The unit whose file it is: the supporting unit of a contribution not adopted yet, else
    the obligation's (an adopted contribution is the lead's own from then on)."""
    if submission.contributor is not None and submission.adopted_at is None:
        return submission.contributor
    return submission.obligation.unit


@read_only
def reclassify_choices(uow: UnitOfWork, actor: Actor, submission_id: int) -> MoveChoices:
    """The file name and the other indicators its unit owes or supports, for [改归类]."""
    submission = _own_submission(uow.session, actor, submission_id)
    obligation = submission.obligation
    campaign = obligation.indicator.campaign
    own = filing_targets(uow.session, campaign, _filing_unit(submission))
    choices = tuple(
        Choice(n, o.title, 0.0, o.lead) for n, o in own.items() if o.obligation_id != obligation.id
    )
    return MoveChoices(submission.id, submission.filename, choices)


def reclassify(
    uow: UnitOfWork,
    actor: Actor,
    submission_id: int,
    number: str,
    now: datetime,
    store: FileStore | None = None,
) -> Moved:
    """Move a submission to another indicator of its unit: withdrawn there, filed here (and
    compared with that indicator's template when `store` holds the file)."""
    session = uow.session
    old = _own_submission(session, actor, submission_id)
    obligation = old.obligation
    campaign = obligation.indicator.campaign
    unit = _filing_unit(old)
    own = filing_targets(session, campaign, unit)
    if number not in own:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)
    old.withdrawn_at = now
    facts = FileFacts.of(old)
    moved = file_submission(
        session,
        actor,
        campaign,
        unit,
        own[number],
        facts,
        "corrected",
        None,
        now,
        _differences(uow, campaign, facts, number, store),
    )
    old_number = obligation.indicator.number
    return Moved(old_number, filed(uow, campaign, unit, moved))


def _differences(
    uow: UnitOfWork, campaign: Campaign, facts: FileFacts, number: str, store: FileStore | None
) -> tuple[Difference, ...]:
    path = store.path_for(facts.storage_key) if store is not None else None
    return TemplateCheck(uow, campaign, facts.filename, path).differences(number)


def _may_handle(actor: Actor, unit_name: str) -> None:
    if not actor.is_coordinator and actor.unit != unit_name:
        raise NotAllowed(texts.UPLOAD_NOT_YOURS)


def _open_pending(session: Session, actor: Actor, pending_id: int) -> PendingUpload:
    pending = session.get(PendingUpload, pending_id)
    if pending is None or pending.resolved_at is not None:
        raise ChoiceGone(texts.UPLOAD_CHOICE_GONE)
    _may_handle(actor, session.get_one(Unit, pending.unit_id).name)
    return pending


def _own_submission(session: Session, actor: Actor, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None or submission.withdrawn_at is not None:
        raise ChoiceGone(texts.UPLOAD_CHOICE_GONE)
    _may_handle(actor, _filing_unit(submission).name)
    return submission
