"""Adopting a supporting unit's contribution (配合材料) as the lead's own delivery.

A contribution is filed to the lead's obligation but does not deliver it by itself: the lead
decides whether the file is what it hands in. Its people (a contact, a member of its group)
or a coordinator adopt it with the button under the notice the lead received; from then on
it counts like the lead's own file (status, lateness, review).
"""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.db import UnitOfWork
from bot.models import Submission
from bot.services.access import Actor, NotAllowed
from bot.services.audit import audit
from bot.services.uploads.choices import ChoiceGone
from bot.services.uploads.results import Adopted


def adopt_contribution(uow: UnitOfWork, actor: Actor, submission_id: int, now: datetime) -> Adopted:
    """[采用为本单位材料]: the contribution now counts as the lead's delivery."""
    submission = uow.session.get(Submission, submission_id)
    if submission is None or submission.withdrawn_at is not None:
        raise ChoiceGone(texts.UPLOAD_CHOICE_GONE)
    obligation = submission.obligation
    lead = obligation.unit.name
    if not actor.is_coordinator and actor.unit != lead:
        raise NotAllowed(texts.CONTRIBUTION_NOT_LEAD, lead=lead)
    contributor = submission.contributor
    if contributor is None:
        raise ChoiceGone(texts.UPLOAD_CHOICE_GONE)  # the lead's own file: nothing to adopt
    if submission.adopted_at is not None:
        raise ChoiceGone(texts.CONTRIBUTION_ALREADY_ADOPTED)
    submission.adopted_at = now
    submission.adopted_by = actor.user_id
    indicator = obligation.indicator
    audit(
        uow.session,
        actor,
        "adopt",
        campaign_id=indicator.campaign_id,
        unit_id=obligation.unit_id,
        submission=submission.id,
        contributor=contributor.name,
    )
    adopted = Adopted(
        submission.id,
        submission.filename,
        indicator.number,
        indicator.title,
        lead,
        contributor.name,
    )
    uow.commit()
    return adopted
