"""Task-division workbook → a plain CampaignSpec (read_workbook); bot.services.campaigns applies it.

Three parts: the file gate (gate.py: only a readable .xlsx gets past), finding and reading the
table (columns.py: header words and columns; table.py: rows → indicators and units), and the
campaign's facts (settings.py: 活动设置, the 注 row, dates, deadlines, zone). Nothing here
knows the seed campaign: every indicator, unit and keyword comes from the workbook.
"""

from __future__ import annotations

from pathlib import Path

from bot.importer.columns import HEADER_ROLES, find_table
from bot.importer.gate import MAX_FILE_BYTES, MAX_ROWS, fingerprint, open_workbook
from bot.importer.settings import (
    SETTINGS_KEYS,
    SETTINGS_SHEET_NAMES,
    apply_facts,
    facts_from_notes,
    read_settings,
)
from bot.importer.spec import (
    DEADLINE_TIME,
    CampaignSpec,
    GroupSpec,
    ImportFailure,
    IndicatorSpec,
    Overrides,
    WrittenUnit,
)
from bot.importer.table import read_table, split_roles

__all__ = [
    "DEADLINE_TIME",
    "HEADER_ROLES",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "SETTINGS_KEYS",
    "SETTINGS_SHEET_NAMES",
    "CampaignSpec",
    "GroupSpec",
    "ImportFailure",
    "IndicatorSpec",
    "Overrides",
    "WrittenUnit",
    "read_workbook",
    "split_roles",
]


def read_workbook(path: Path, overrides: Overrides | None = None) -> CampaignSpec:
    """Read a task-division workbook into a CampaignSpec, or raise ImportFailure."""
    overrides = overrides or Overrides()
    workbook = open_workbook(path)
    try:
        settings = read_settings(workbook)
        sheet, header_row = find_table(workbook)
        spec, notes = read_table(sheet, header_row)
    finally:
        workbook.close()
    facts_from_notes(spec, notes)
    spec.source = path.name
    spec.fingerprint = fingerprint(path, overrides)
    apply_facts(spec, settings, path, overrides)
    return spec
