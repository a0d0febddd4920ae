"""Campaign facts: the 活动设置 sheet, the 注 row, dates and deadlines, statistics period, zone.

Command-line overrides win over the settings sheet, which wins over what the table's title
and note rows say. Every date a person typed is checked: an impossible one (2023-02-30) is a
clear refusal naming the setting, never a traceback and never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import texts
from bot.importer.spec import (
    DEADLINE_TIME,
    SPACES,
    CampaignSpec,
    ImportFailure,
    Overrides,
    cell_text,
)

SETTINGS_SHEET_NAMES = ("活动设置", "设置", "配置", "参数", "settings", "config")
SETTINGS_KEYS: dict[str, tuple[str, ...]] = {
    "code": ("活动代码", "代码", "code"),
    "title": ("活动名称", "名称", "标题", "title"),
    "issuer": ("发文单位", "牵头单位", "组织单位", "issuer"),
    "doc_number": ("文号", "发文字号"),
    "division_deadline": ("任务分工截止", "分工截止"),
    "deadline": ("材料报送截止", "报送截止", "截止日期", "截止时间", "deadline"),
    "stats_start": ("统计开始", "统计起始"),
    "stats_end": ("统计结束", "统计截止"),
    "stats_period": ("统计期", "统计时间", "统计区间"),
    "timezone": ("时区", "timezone"),
    "reminder_rules": ("提醒规则", "提醒", "reminders"),
    "quiet_dates": ("不提醒日期", "休息日", "节假日"),
    "extra_workdays": ("调休上班日", "补班日期", "补班日", "调休上班", "调休工作日", "上班日"),
}

# "2023年10月18日", "2023.10.18", "2023-10-18", "2023/10/18".
_CN_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_CLOCK = re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})")
_DEADLINE_HINT = re.compile(r"截止|前报送|前完成|之前|前提交|前上报|日前|报送时间|报送日期|时限")


@dataclass(frozen=True)
class Setting:
    """One row of the settings sheet: the key as written (for messages) and its value."""

    key: str
    value: str


def is_settings_sheet(title: str) -> bool:
    return SPACES.sub("", title).lower() in SETTINGS_SHEET_NAMES


def read_settings(workbook: Any) -> dict[str, Setting]:
    """Key-value rows of an optional settings sheet (活动设置), by setting name."""
    for sheet in workbook.worksheets:
        if not is_settings_sheet(sheet.title):
            continue
        settings: dict[str, Setting] = {}
        for row in sheet.iter_rows(values_only=True):
            if len(row) < 2:
                continue
            key, value = SPACES.sub("", cell_text(row[0])), cell_text(row[1])
            for name, words in SETTINGS_KEYS.items():
                if key.lower() in words and value:
                    settings[name] = Setting(key, value)
        return settings
    return {}


def first_date(text: str) -> date | None:
    """The first real date written in `text`, or None (also for an impossible one)."""
    match = _CN_DATE.search(text or "")
    if not match:
        try:
            return date.fromisoformat(text.strip()[:10]) if text else None
        except ValueError:
            return None
    return _real_date(*match.groups())


def facts_from_notes(spec: CampaignSpec, notes: list[str]) -> None:
    """Statistics period and deadline written in note rows ("注：…统计时间为…至…")."""
    for note in dict.fromkeys(notes):
        for sentence in re.split(r"[。；;\n，,]", note):
            found = [_real_date(*parts) for parts in _CN_DATE.findall(sentence)]
            dates = [d for d in found if d is not None]
            if (
                len(dates) >= 2
                and ("统计" in sentence or "至" in sentence)
                and spec.stats_start is None
            ):
                spec.stats_start, spec.stats_end = dates[0], dates[1]
            elif len(dates) == 1 and _DEADLINE_HINT.search(sentence) and spec.deadline is None:
                spec.deadline = datetime.combine(dates[0], DEADLINE_TIME)


def apply_facts(
    spec: CampaignSpec, settings: dict[str, Setting], path: Path, overrides: Overrides
) -> None:
    """Settle the campaign's facts: overrides, then the settings sheet, then the table."""
    values = {name: setting.value for name, setting in settings.items()}
    spec.code = overrides.code or values.get("code") or _code_from_filename(path)
    spec.title = overrides.title or values.get("title") or spec.title or path.stem
    spec.issuer = values.get("issuer", spec.issuer)
    spec.doc_number = values.get("doc_number", spec.doc_number)
    spec.timezone = overrides.timezone or values.get("timezone") or spec.timezone
    try:
        zone = ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ImportFailure(texts.IMPORT_BAD_TIMEZONE, tz=spec.timezone) from error
    for key in ("stats_start", "stats_end"):
        if key in settings:
            setattr(spec, key, _date_setting(settings[key]))
    if "stats_period" in settings:
        found = _dates_setting(settings["stats_period"])
        if len(found) >= 2:
            spec.stats_start, spec.stats_end = found[0], found[1]
    if "deadline" in settings:
        spec.deadline = _datetime_setting(settings["deadline"])
    if "division_deadline" in settings:
        spec.division_deadline = _datetime_setting(settings["division_deadline"])
    if overrides.deadline is not None:
        spec.deadline = (
            overrides.deadline
            if isinstance(overrides.deadline, datetime)
            else datetime.combine(overrides.deadline, DEADLINE_TIME)
        )
    if "reminder_rules" in values:
        spec.reminder_rules = [
            r.strip() for r in re.split(r"[,，;；\n]+", values["reminder_rules"]) if r.strip()
        ]
    if "quiet_dates" in settings:
        spec.quiet_dates = [d.isoformat() for d in _dates_setting(settings["quiet_dates"])]
    if "extra_workdays" in settings:
        spec.extra_workdays = [d.isoformat() for d in _dates_setting(settings["extra_workdays"])]
        if both := sorted(set(spec.quiet_dates) & set(spec.extra_workdays)):
            raise ImportFailure(texts.IMPORT_WORKDAY_CONFLICT, days="、".join(both))
    if spec.deadline is None:
        # No campaign-wide deadline written: the latest of the indicators' own (完成时限) stands in.
        own = [i.deadline for i in spec.indicators if i.deadline is not None]
        spec.deadline = max(own) if own else None
    # Deadlines are wall-clock times of the campaign's zone; store them aware.
    spec.deadline = _localise(spec.deadline, zone)
    spec.division_deadline = _localise(spec.division_deadline, zone)
    spec.indicators = [replace(i, deadline=_localise(i.deadline, zone)) for i in spec.indicators]


def _real_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _localise(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def _refuse_impossible(setting: Setting) -> None:
    """A date that looks like one but does not exist (2023-02-30) is named, not skipped."""
    for parts in _CN_DATE.findall(setting.value):
        if _real_date(*parts) is None:
            raise ImportFailure(texts.IMPORT_IMPOSSIBLE_DATE, key=setting.key, value=setting.value)


def _date_setting(setting: Setting) -> date:
    _refuse_impossible(setting)
    found = first_date(setting.value)
    if found is None:
        raise ImportFailure(texts.IMPORT_BAD_DATE, key=setting.key, value=setting.value)
    return found


def _datetime_setting(setting: Setting) -> datetime:
    _refuse_impossible(setting)
    text = setting.value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        day = _date_setting(setting)
        clock = _CLOCK.search(text)
        if clock is None:
            return datetime.combine(day, DEADLINE_TIME)
        try:
            return datetime.combine(day, time(int(clock.group(1)), int(clock.group(2))))
        except ValueError:  # 25:00 is no time: refused rather than cut to the date
            raise ImportFailure(texts.IMPORT_BAD_DATE, key=setting.key, value=text) from None
    return parsed if len(text) > 10 else datetime.combine(parsed.date(), DEADLINE_TIME)


def _dates_setting(setting: Setting) -> list[date]:
    _refuse_impossible(setting)
    found = []
    for part in re.split(r"[,，;；、\s]+", setting.value):
        value = first_date(part)
        if value:
            found.append(value)
    return found


def _code_from_filename(path: Path) -> str:
    code = re.sub(r"[^0-9A-Za-z_-]+", "-", path.stem).strip("-").lower()
    return code or "campaign"
