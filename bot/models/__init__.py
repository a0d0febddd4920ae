"""Typed SQLAlchemy 2 models of the domain in DESIGN.md.

Status of an obligation is never stored: it is derived from its submissions (see
bot.services.obligations), so it cannot disagree with them.
"""

from __future__ import annotations

from bot.models.base import NAMING_CONVENTION, Base, UTCDateTime, utcnow
from bot.models.campaign import (
    Campaign,
    Exemption,
    Indicator,
    IndicatorGroup,
    IndicatorSupport,
    Obligation,
    Template,
    Unit,
    UnitAlias,
)
from bot.models.files import FileColumns, PendingImport, PendingUpload, Submission
from bot.models.ledger import AuditEvent, InboxUpdate, ReminderDispatch
from bot.models.people import Chat, Contact, Invite

__all__ = [
    "NAMING_CONVENTION",
    "AuditEvent",
    "Base",
    "Campaign",
    "Chat",
    "Contact",
    "Exemption",
    "FileColumns",
    "InboxUpdate",
    "Indicator",
    "IndicatorGroup",
    "IndicatorSupport",
    "Invite",
    "Obligation",
    "PendingImport",
    "PendingUpload",
    "ReminderDispatch",
    "Submission",
    "Template",
    "UTCDateTime",
    "Unit",
    "UnitAlias",
    "utcnow",
]
