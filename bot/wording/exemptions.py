"""不适用 requests, decisions and extensions, as text; the export's 情况说明."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.services.exemptions import ExemptionDecision, ExemptionItem, ObligationRef
from bot.services.extensions import Extension
from bot.wording import Escape, plain


def _named(item: ExemptionItem | ObligationRef, escape: Escape) -> dict[str, object]:
    return {
        "unit": escape(item.unit),
        "number": escape(item.number),
        "title": escape(item.title),
    }


def ask_request_reason_text(ref: ObligationRef, escape: Escape = plain) -> str:
    """The prompt under [申请不适用]: the reply to it is the reason."""
    return texts.EXEMPTION_ASK_REASON.format(id=ref.obligation_id, **_named(ref, escape))


def requested_text(item: ExemptionItem, escape: Escape = plain) -> str:
    return texts.EXEMPTION_REQUESTED.format(**_named(item, escape), reason=escape(item.reason))


def requests_header(count: int) -> str:
    return texts.REVIEW_EXEMPTIONS_HEADER.format(count=count)


def request_item_text(item: ExemptionItem, timezone: str, escape: Escape = plain) -> str:
    """One request waiting in /review: unit, indicator, reason, who asked and when."""
    when = item.requested_at.astimezone(ZoneInfo(timezone)).strftime(texts.DATETIME_FORMAT)
    return texts.EXEMPTION_REVIEW_ITEM.format(
        id=item.exemption_id,
        **_named(item, escape),
        reason=escape(item.reason),
        requester=escape(item.requester),
        when=when,
    )


def ask_refusal_reason_text(item: ExemptionItem, escape: Escape = plain) -> str:
    return texts.EXEMPTION_ASK_REFUSAL.format(id=item.exemption_id, **_named(item, escape))


def decided_text(decision: ExemptionDecision, escape: Escape = plain) -> str:
    """To the coordinator: what was approved or refused."""
    item = decision.item
    if item.status == "approved":
        return texts.EXEMPTION_APPROVED.format(**_named(item, escape), reason=escape(item.reason))
    return texts.EXEMPTION_REFUSED.format(
        **_named(item, escape), reason=escape(item.decision_reason)
    )


def decided_notice(decision: ExemptionDecision, escape: Escape = plain) -> str:
    """To the unit: the decision and its reason."""
    item = decision.item
    if item.status == "approved":
        return texts.EXEMPTION_APPROVED_NOTICE.format(
            **_named(item, escape), reason=escape(item.reason)
        )
    return texts.EXEMPTION_REFUSED_NOTICE.format(
        **_named(item, escape), reason=escape(item.decision_reason)
    )


def extended_text(extension: Extension, escape: Escape = plain) -> str:
    if extension.every:
        which = texts.EXTEND_WHICH_ALL.format(numbers=escape("、".join(extension.indicators)))
    else:
        which = texts.EXTEND_WHICH_ONE.format(number=escape(extension.indicators[0]))
    return texts.EXTENDED.format(
        unit=escape(extension.unit),
        which=which,
        deadline=extension.deadline.strftime(texts.NOTE_DATETIME_FORMAT),
    )


# --- 情况说明 ----------------------------------------------------------------------------------
