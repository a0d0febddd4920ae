"""Excel out: the summary workbook (units × indicators, coloured, totals, submissions sheet,
and the supporting units' contributions when there are any).

Inert: every string we write (display names, file names, captions, unit and indicator names,
reasons — anything a user typed or an imported table held) is stored as text, never as a
formula or an error value. openpyxl reads a string starting with "=" as a formula, so a display
name `=HYPERLINK("http://…"&A2,"点此查看")` would otherwise become a live link in the
coordinator's Excel; `_inert` turns every such cell back into a plain string.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot import texts
from bot.progress import ObligationState, Summary
from bot.structure.sentences import differences_text

GREY = PatternFill("solid", fgColor="EDEDED")  # not responsible; excused
FILLS = {
    "accepted": PatternFill("solid", fgColor="C6EFCE"),
    "submitted": PatternFill("solid", fgColor="FFEB9C"),
    "missing": PatternFill("solid", fgColor="FFC7CE"),
    "returned": PatternFill("solid", fgColor="F8CBAD"),
    "excused": GREY,
}
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def cell_text(state: ObligationState) -> str:
    """ "✅ 已通过", with the late mark where it applies."""
    text = f"{texts.STATUS_MARK[state.status]} {texts.STATUS_NAME[state.status]}"
    if state.late:
        text += f"（{texts.LATE_MARK}）"
    elif state.overdue:
        text += f"（{texts.OVERDUE_MARK}）"
    if state.extended and state.deadline is not None and not state.excused:
        deadline = state.deadline.strftime(texts.DATETIME_FORMAT)
        text += f"（{texts.XLSX_EXTENDED.format(deadline=deadline)}）"
    return text


def summary_workbook(summary: Summary) -> bytes:
    """The summary as .xlsx bytes."""
    workbook = Workbook()
    matrix = workbook.active
    matrix.title = texts.XLSX_SHEET_MATRIX
    zone = ZoneInfo(summary.timezone)
    now = summary.generated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    last_col = len(summary.indicators) + 3
    matrix.cell(1, 1, texts.XLSX_TITLE.format(title=summary.campaign_title, now=now))
    matrix.cell(1, 1).font = Font(bold=True, size=14)
    matrix.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    matrix.cell(
        2,
        1,
        texts.XLSX_PROGRESS.format(
            done=summary.done,
            total=summary.obligations,
            percent=summary.percent,
            accepted=summary.accepted,
        ),
    )
    matrix.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    header = [texts.XLSX_UNIT]
    header += [
        texts.XLSX_INDICATOR_HEADER.format(number=c.number, title=c.title)
        for c in summary.indicators
    ]
    header += [texts.XLSX_DELIVERED, texts.XLSX_OVERDUE]
    for col, value in enumerate(header, start=1):
        cell = matrix.cell(3, col, value)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    styles = _register_status_styles(workbook)
    row_number = 3
    for row in summary.rows:
        row_number += 1
        matrix.cell(row_number, 1, row.unit).style = "plain"
        for col, column in enumerate(summary.indicators, start=2):
            state = row.cells.get(column.number)
            cell = matrix.cell(
                row_number, col, cell_text(state) if state else texts.XLSX_NOT_RESPONSIBLE
            )
            # One named style per status: far cheaper than fill + alignment + border per cell.
            cell.style = styles[state.status] if state else styles["none"]
        matrix.cell(row_number, last_col - 1, f"{row.delivered}/{row.required}").style = "plain"
        matrix.cell(row_number, last_col, texts.YES if row.overdue else "").style = "plain"
    row_number += 1
    matrix.cell(row_number, 1, texts.XLSX_TOTAL).font = Font(bold=True)
    for col, column in enumerate(summary.indicators, start=2):
        matrix.cell(row_number, col, f"{column.delivered}/{column.required}").alignment = CENTER
    matrix.cell(row_number, last_col - 1, f"{summary.done}/{summary.obligations}")
    for col in range(1, last_col + 1):
        matrix.cell(row_number, col).border = BORDER
        matrix.cell(row_number, col).font = Font(bold=True)
    matrix.freeze_panes = "B4"
    matrix.column_dimensions["A"].width = 16
    for col in range(2, last_col + 1):
        matrix.column_dimensions[get_column_letter(col)].width = 16
    matrix.row_dimensions[3].height = 48
    _submissions_sheet(workbook, summary)
    _notes_sheet(workbook, summary)
    _contributions_sheet(workbook, summary)
    for sheet in workbook.worksheets:
        _inert(sheet)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _inert(sheet: Worksheet) -> None:
    """Store every string cell as a string: nothing we write is ever a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell, Cell) and isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"


def _register_status_styles(workbook: Workbook) -> dict[str, str]:
    """Named styles for the matrix cells; returns status → style name."""
    names = {}
    for status, fill in [*FILLS.items(), ("none", GREY)]:
        style = NamedStyle(name=f"status_{status}", fill=fill, alignment=CENTER, border=BORDER)
        workbook.add_named_style(style)
        names[status] = style.name
    workbook.add_named_style(NamedStyle(name="plain", border=BORDER))
    return names


def _list_sheet(workbook: Workbook, title: str, headers: Sequence[str]) -> Worksheet:
    """A sheet of rows under one bold, shaded header row."""
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    return sheet


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def _submissions_sheet(workbook: Workbook, summary: Summary) -> None:
    headers = [*texts.XLSX_SUBMISSION_HEADERS, texts.SUBMISSIONS_SHEET_DIFFERENCES]
    sheet = _list_sheet(workbook, texts.XLSX_SHEET_SUBMISSIONS, headers)
    for state in summary.states():
        for sub in state.submissions:
            sheet.append(
                [
                    state.unit,
                    state.indicator,
                    state.title,
                    sub.version,
                    sub.filename,
                    sub.size,
                    sub.uploader,
                    sub.uploaded_at.strftime("%Y-%m-%d %H:%M:%S"),
                    texts.MATCH_METHOD_NAME.get(sub.match_method, sub.match_method),
                    texts.STATUS_NAME.get(sub.review_status, sub.review_status),
                    sub.review_comment,
                    sub.sha256,
                    texts.XLSX_PASSWORD_PROTECTED if sub.password_protected else "",
                    differences_text(sub.differences),  # "" when it agrees with its template
                ]
            )
    sheet.freeze_panes = "A2"
    _widths(sheet, (14, 6, 30, 6, 40, 12, 14, 20, 12, 10, 24, 20, 10, 40))


def _notes_sheet(workbook: Workbook, summary: Summary) -> None:
    """情况说明: each excused obligation (reason, who asked, who approved, when) and each
    unit's own deadline; no sheet when there is nothing to explain."""
    noted = summary.noted()
    if not noted:
        return
    sheet = _list_sheet(workbook, texts.XLSX_SHEET_NOTES, texts.XLSX_NOTES_HEADERS)
    zone = ZoneInfo(summary.timezone)
    for state in noted:
        note = state.exemption
        if state.excused and note is not None:
            when = note.decided_at.astimezone(zone) if note.decided_at else None
            what = [texts.NOTE_EXCUSED, note.reason, note.requester, note.decider]
            what.append(when.strftime(texts.NOTE_DATETIME_FORMAT) if when else "")
        else:
            deadline = state.deadline.astimezone(zone) if state.deadline else None
            shown = deadline.strftime(texts.NOTE_DATETIME_FORMAT) if deadline else ""
            what = [texts.NOTE_EXTENDED.format(deadline=shown), "", "", "", ""]
        sheet.append([state.unit, state.indicator, state.title, *what])
    _widths(sheet, (14, 6, 30, 20, 40, 14, 14, 18))


def _contributions_sheet(workbook: Workbook, summary: Summary) -> None:
    """配合材料: each supporting unit's file under the lead's indicator, adopted or not (outside
    the progress figures). Only in a campaign where some unit contributed."""
    contributions = summary.contributions()
    if not contributions:
        return
    sheet = _list_sheet(workbook, texts.XLSX_SHEET_CONTRIBUTIONS, texts.XLSX_CONTRIBUTION_HEADERS)
    for state, sub in contributions:
        sheet.append(
            [
                state.indicator,
                state.title,
                state.unit,
                sub.contributed_by,
                sub.filename,
                sub.uploaded_at.strftime("%Y-%m-%d %H:%M:%S"),
                texts.YES if sub.adopted else texts.NO,
            ]
        )
    sheet.freeze_panes = "A2"
    _widths(sheet, (6, 30, 16, 16, 40, 20, 10))
