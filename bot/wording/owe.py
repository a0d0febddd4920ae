"""What a unit owes and the campaign's progress, as text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.progress import ObligationState, OweReport, SubmissionInfo, Summary, SupportState
from bot.schedule import describe_time_left
from bot.wording import Escape
from bot.wording import plain as _plain


def deadline_line(deadline: datetime, now: datetime, zone: ZoneInfo) -> str:
    return texts.OWE_DEADLINE.format(
        deadline=deadline.astimezone(zone).strftime(texts.DATE_FORMAT),
        left=describe_time_left(deadline, now, zone),
    ).strip()


def owed_item_lines(
    item: ObligationState, now: datetime, zone: ZoneInfo, escape: Escape = _plain
) -> list[str]:
    """One owed indicator: number, title, material, template hint, deadline and time left."""
    lines = [
        texts.OWE_ITEM.format(
            mark=texts.STATUS_MARK[item.status],
            number=escape(item.indicator),
            title=escape(item.title),
        )
    ]
    if item.status == "returned" and item.submissions:
        comment = item.submissions[-1].review_comment or texts.NONE_MARK
        lines.append(texts.OWE_ITEM_RETURNED.format(comment=escape(comment)))
    if item.material:
        lines.append(texts.OWE_MATERIAL.format(material=escape(item.material.replace("\n", " "))))
    if item.template_hint:
        lines.append(texts.OWE_TEMPLATE.format(hint=escape(item.template_hint)))
    if item.deadline:
        extended = texts.OWE_EXTENDED_SUFFIX if item.extended else ""
        lines.append("   " + deadline_line(item.deadline, now, zone) + extended)
    lines.extend(exemption_lines(item, escape))
    lines.extend(contribution_lines(item.contributions, escape))
    return lines


def exemption_lines(item: ObligationState, escape: Escape = _plain) -> list[str]:
    """Under an owed item: its 不适用 request waiting, or the reason it was refused."""
    note = item.exemption
    if note is None or note.approved:
        return []
    if note.status == "requested":
        return [texts.OWE_EXEMPTION_WAITING.format(reason=escape(note.reason))]
    return [texts.OWE_EXEMPTION_REFUSED.format(reason=escape(note.decision_reason))]


def excused_item_line(item: ObligationState, escape: Escape = _plain) -> str:
    reason = item.exemption.reason if item.exemption else ""
    return texts.OWE_EXCUSED_ITEM.format(
        number=escape(item.indicator), title=escape(item.title), reason=escape(reason)
    )


def contribution_lines(
    contributions: tuple[SubmissionInfo, ...], escape: Escape = _plain
) -> list[str]:
    """Supporting units' files the lead received under an indicator, each adopted or not."""
    return [
        texts.OWE_CONTRIBUTION.format(
            filename=escape(c.filename),
            unit=escape(c.contributed_by),
            when=c.uploaded_at.strftime(texts.DATETIME_FORMAT),
            state=texts.OWE_CONTRIBUTION_ADOPTED if c.adopted else texts.OWE_CONTRIBUTION_WAITING,
        )
        for c in contributions
    ]


def delivered_item_line(item: ObligationState, escape: Escape = _plain) -> str:
    files = "；".join(
        texts.OWE_FILE.format(
            filename=escape(s.filename),
            when=s.uploaded_at.strftime(texts.DATETIME_FORMAT),
            status=texts.STATUS_NAME.get(s.review_status, s.review_status),
        )
        + (texts.OWE_FILE_FROM.format(unit=escape(s.contributed_by)) if s.contributed_by else "")
        for s in item.submissions
    )
    line = texts.OWE_DELIVERED_ITEM.format(
        mark=texts.STATUS_MARK[item.status],
        number=escape(item.indicator),
        title=escape(item.title),
        files=files,
    )
    return line + (texts.OWE_LATE if item.late else "")


def supported_item_lines(
    item: SupportState, now: datetime, zone: ZoneInfo, escape: Escape = _plain
) -> list[str]:
    """One supported indicator: the lead unit and whether it delivered, material, deadline."""
    lines = [
        texts.OWE_SUPPORT_ITEM.format(number=escape(item.indicator), title=escape(item.title)),
        texts.OWE_SUPPORT_LEAD.format(
            lead=escape(item.lead),
            mark=texts.STATUS_MARK[item.lead_status],
            status=texts.STATUS_NAME[item.lead_status],
        ),
    ]
    if item.material:
        material = escape(item.material.replace("\n", " "))
        lines.append(texts.OWE_SUPPORT_MATERIAL.format(material=material))
    if item.deadline:
        lines.append("   " + deadline_line(item.deadline, now, zone))
    if item.contributions:
        files = "；".join(
            texts.OWE_SUPPORT_FILE.format(
                filename=escape(c.filename),
                state=texts.OWE_CONTRIBUTION_ADOPTED
                if c.adopted
                else texts.OWE_CONTRIBUTION_WAITING,
            )
            for c in item.contributions
        )
        lines.append(texts.OWE_SUPPORT_CONTRIBUTED.format(files=files))
    return lines


def owe_text(report: OweReport, now: datetime, escape: Escape = _plain) -> str:
    """What the unit still owes, then what it has delivered, then what it supports."""
    zone = ZoneInfo(report.timezone)
    lines = [
        texts.OWE_HEADER.format(unit=escape(report.unit), campaign=escape(report.campaign_title))
    ]
    total = len(report.items) - len(report.excused)  # excused: out of what the unit owes
    if not total:
        lines.append(texts.OWE_NOTHING.format(unit=escape(report.unit)))
    elif report.owed:
        lines.append(texts.OWE_COUNT.format(owed=len(report.owed), total=total))
        for item in report.owed:
            lines.extend(owed_item_lines(item, now, zone, escape))
    else:
        lines.append(texts.OWE_ALL_DONE.format(total=total))
    if report.delivered:
        lines.append("")
        lines.append(texts.OWE_DELIVERED_HEADER)
        for item in report.delivered:
            lines.append(delivered_item_line(item, escape))
            lines.extend(contribution_lines(item.contributions, escape))
    if report.excused:
        lines.append("")
        lines.append(texts.OWE_EXCUSED_HEADER)
        lines.extend(excused_item_line(item, escape) for item in report.excused)
    if report.supported:
        lines.append("")
        lines.append(texts.OWE_SUPPORT_HEADER)
        for supported in report.supported:
            lines.extend(supported_item_lines(supported, now, zone, escape))
    return "\n".join(lines)


def summary_lines(summary: Summary, now: datetime, escape: Escape = _plain) -> list[str]:
    """Progress, then one line per unit with a mark per indicator (overdue units first)."""
    zone = ZoneInfo(summary.timezone)
    lines = [
        texts.SUMMARY_HEADER.format(title=escape(summary.campaign_title)),
        texts.SUMMARY_PROGRESS.format(
            done=summary.done,
            total=summary.obligations,
            percent=summary.percent,
            accepted=summary.accepted,
        ),
    ]
    excused = sum(1 for state in summary.states() if state.excused)
    if excused:
        lines.append(texts.SUMMARY_EXCUSED.format(count=excused))
    if summary.deadline:
        lines.append(
            texts.SUMMARY_DEADLINE.format(
                deadline=summary.deadline.astimezone(zone).strftime(texts.DATE_FORMAT),
                left=describe_time_left(summary.deadline, now, zone),
            )
        )
    lines.append(texts.SUMMARY_LEGEND)
    for row in summary.rows:
        marks = " ".join(
            texts.SUMMARY_MARK.format(number=escape(number), mark=texts.STATUS_MARK[state.status])
            + (texts.SUMMARY_LATE_SUFFIX if state.late else "")
            + (texts.SUMMARY_EXTENDED_SUFFIX if state.extended else "")
            for number, state in row.cells.items()
        )
        lines.append(
            texts.SUMMARY_ROW.format(
                flag=texts.SUMMARY_OVERDUE_FLAG if row.overdue else "",
                unit=escape(row.unit),
                delivered=row.delivered,
                required=row.required,
                marks=marks,
            )
        )
    return lines
