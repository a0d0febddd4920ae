"""Campaign commands: migrate, import, units, owe, summary, match, export, link, selfreport,
sweep, run."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from bot import texts
from bot.cli import templates
from bot.cli.common import OPERATOR, now_of, open_database, print_json
from bot.config import MIN_WEBHOOK_SECRET, Settings
from bot.importer import ImportFailure, Overrides, read_workbook
from bot.package import write_package
from bot.selfreport_docx import draft_document
from bot.services.access import Actor
from bot.services.campaigns import (
    find_campaign,
    import_campaign,
    list_units,
    unit_registry,
)
from bot.services.export import plan_package
from bot.services.housekeeping import sweep_orphan_blobs
from bot.services.obligations import owed_items
from bot.services.selfreport import self_report
from bot.services.summary import summary
from bot.services.uploads import MatcherCache, link_submission, match_upload
from bot.sizes import human_size
from bot.storage import FileStore
from bot.wording.imports import import_failure_text, import_report_text
from bot.wording.owe import owe_text, summary_lines
from bot.wording.review import export_text
from bot.wording.selfreport import self_report_filename, self_report_text
from bot.wording.uploads import linked
from bot.workbooks import summary_workbook


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    print(texts.CLI_MIGRATED.format(url=database.engine.url.render_as_string(hide_password=True)))
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    paths = args.paths or sorted(settings.campaigns_dir.glob("*.xlsx"))
    if not paths:
        print(texts.CLI_IMPORT_NOTHING, file=sys.stderr)
        return 1
    database = open_database(settings)
    overrides = Overrides(
        code=args.code, title=args.title, deadline=args.deadline, timezone=args.timezone
    )
    failed = 0
    for path in paths:
        try:
            spec = read_workbook(path, overrides)
            report = database.run(
                import_campaign,
                Actor.operator(),
                spec,
                units_file=settings.units_file,
                strict=args.strict,
                force=args.force,
            )
        except ImportFailure as error:
            print(
                texts.CLI_ERROR.format(message=import_failure_text(path.name, error)),
                file=sys.stderr,
            )
            failed += 1
            continue
        print(import_report_text(report))
        for line in templates.import_folder(database, settings, path, report.code, now_of(args)):
            print(line)
    return 1 if failed else 0


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    with database.uow() as uow:
        for name, aliases in list_units(uow):
            print(
                texts.CLI_UNITS_LINE.format(
                    name=name, aliases="、".join(aliases) or texts.NONE_MARK
                )
            )
    return 0


def cmd_owe(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    now = now_of(args)
    with database.uow() as uow:
        report = owed_items(uow, args.unit, now, args.campaign)
    if args.json:
        print_json(report.as_json())
    else:
        print(owe_text(report, now))
    return 0


def cmd_summary(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    now = now_of(args)
    with database.uow() as uow:
        result = summary(uow, now, args.campaign)
    if args.xlsx:
        args.xlsx.write_bytes(summary_workbook(result))
    if args.json:
        print_json(result.as_json())
    else:
        print("\n".join(summary_lines(result, now)))
        if args.xlsx:
            print(texts.CLI_XLSX_WRITTEN.format(path=args.xlsx))
    return 0


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    matchers = MatcherCache(settings.glossary_file)
    with database.uow() as uow:
        campaign = find_campaign(uow.session, args.campaign)
        matcher = matchers.for_campaign(uow.session, campaign)
        registry = unit_registry(uow.session)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            upload = json.loads(line)
        except json.JSONDecodeError as error:
            print(texts.CLI_BAD_JSON_LINE.format(line=number, error=error), file=sys.stderr)
            print(json.dumps({"indicator": None, "confident": False, "candidates": []}))
            continue
        unit = upload.get("unit")
        if unit:
            unit = registry.resolve(unit).name
        path = Path(upload["path"]) if upload.get("path") else None
        result = match_upload(
            matcher, unit, upload.get("filename") or "", upload.get("caption") or "", path
        )
        print(
            json.dumps(
                {
                    "indicator": result.indicator,
                    "confident": result.confident,
                    "candidates": [
                        {"indicator": c.indicator, "score": round(c.score, 1)}
                        for c in result.candidates[:5]
                    ],
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    plan = database.run(plan_package, OPERATOR, now_of(args), args.campaign)
    result = write_package(plan, FileStore(settings.storage_dir), args.out)
    print(export_text(result))
    for part in result.parts:
        print(texts.CLI_EXPORT_WRITTEN.format(path=part, size=part.stat().st_size))
    return 0


def cmd_link(args: argparse.Namespace, settings: Settings) -> int:
    link = open_database(settings).run(
        link_submission, OPERATOR, args.submission, args.indicator, now_of(args)
    )
    print(linked(link))
    return 0


def cmd_sweep(args: argparse.Namespace, settings: Settings) -> int:
    hours = settings.orphan_blob_grace_hours if args.grace_hours is None else args.grace_hours
    database = open_database(settings)
    report = database.run(
        sweep_orphan_blobs, FileStore(settings.storage_dir), now_of(args), timedelta(hours=hours)
    )
    print(
        texts.CLI_SWEEP_DONE.format(
            removed=report.removed,
            size=report.removed_bytes,
            in_use=report.kept_in_use,
            young=report.kept_young,
            hours=hours,
        )
    )
    return 0


def cmd_selfreport(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    report = database.run(self_report, OPERATOR, now_of(args), args.unit, args.campaign)
    data = draft_document(report, FileStore(settings.storage_dir))
    path = args.out / self_report_filename(report) if args.out.is_dir() else args.out
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(self_report_text(report))
    print(texts.CLI_SELFREPORT_WRITTEN.format(path=path, size=human_size(len(data))))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token and settings.webhook_url and not settings.webhook_secret_ok:
        # Refused before anything starts; the message never repeats the secret it was given.
        print(texts.WEBHOOK_SECRET_NEEDED.format(minimum=MIN_WEBHOOK_SECRET), file=sys.stderr)
        return 1
    open_database(settings).dispose()
    from handlers.run import run_bot  # the one lazy import of the Telegram layer

    return run_bot(settings, args.now)
