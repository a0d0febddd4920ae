"""The command line: every service of the bot, without Telegram.

python -m bot migrate | import PATH… | units | owe --unit NAME [--json]
              | summary [--json] [--xlsx PATH] | match | invite | deadline | reminders
              | export | run
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import texts
from bot.config import DEFAULT_TIMEZONE, Settings, get_settings
from bot.db import Database
from bot.importer import DEADLINE_TIME, ImportFailure, Overrides, read_workbook
from bot.refusals import Refusal
from bot.schedule import RuleError
from bot.services import reminders
from bot.services.access import Actor
from bot.services.campaigns import (
    find_campaign,
    import_campaign,
    list_units,
    unit_registry,
)
from bot.services.export import build_package
from bot.services.obligations import owed_items
from bot.services.onboarding import create_invite
from bot.services.summary import summary
from bot.services.uploads import MatcherCache, match_upload
from bot.storage import FileStore
from bot.wording.imports import import_failure_text, import_report_text
from bot.wording.owe import owe_text, summary_lines
from bot.workbooks import summary_workbook

log = logging.getLogger(__name__)

# Failures whose message is meant for the person at the terminal: every Refusal.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (Refusal,)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; exit code 0 on success, 1 on a failure explained to the user."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    command: Callable[[argparse.Namespace, Settings], int] = args.command
    try:
        return command(args, settings)
    except EXPECTED_ERRORS as error:
        print(texts.CLI_ERROR.format(message=error), file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="迎检助手")
    parser.add_argument(
        "--now",
        type=_aware_datetime,
        default=None,
        help="pretend it is this time (ISO-8601), for demos and checks",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    cmd = commands.add_parser("migrate", help="bring the database schema up to date")
    cmd.set_defaults(command=cmd_migrate)

    cmd = commands.add_parser("import", help="import task-division workbooks (.xlsx)")
    cmd.add_argument(
        "paths", nargs="*", type=Path, help="workbooks; default: every .xlsx in data/campaigns/"
    )
    cmd.add_argument("--code", help="campaign code (default: from the workbook or file name)")
    cmd.add_argument("--title", help="campaign title")
    cmd.add_argument("--deadline", type=_deadline, help="materials deadline, YYYY-MM-DD[THH:MM]")
    cmd.add_argument("--timezone", help=f"campaign timezone (default {DEFAULT_TIMEZONE})")
    cmd.add_argument(
        "--force",
        action="store_true",
        help="apply the table even if it is unchanged since the last import",
    )
    cmd.add_argument(
        "--strict",
        action="store_true",
        help="refuse unit names that are not known exactly or by alias",
    )
    cmd.set_defaults(command=cmd_import)

    cmd = commands.add_parser("units", help="list units and their aliases")
    cmd.set_defaults(command=cmd_units)

    cmd = commands.add_parser("owe", help="what a unit still owes")
    cmd.add_argument("--unit", required=True)
    cmd.add_argument("--campaign")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(command=cmd_owe)

    cmd = commands.add_parser("summary", help="who has delivered what")
    cmd.add_argument("--campaign")
    cmd.add_argument("--json", action="store_true")
    cmd.add_argument("--xlsx", type=Path, help="also write the Excel summary here")
    cmd.set_defaults(command=cmd_summary)

    cmd = commands.add_parser("match", help="match uploads read as JSON lines on stdin")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=cmd_match)

    cmd = commands.add_parser("invite", help="print a single-use invite deep link")
    who = cmd.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit")
    who.add_argument("--coordinator", action="store_true")
    cmd.add_argument("--hours", type=int, help="valid for this many hours")
    cmd.set_defaults(command=cmd_invite)

    cmd = commands.add_parser("export", help="write the final package (zip parts) to a folder")
    cmd.add_argument("--campaign")
    cmd.add_argument("--out", type=Path, default=Path("export"), help="folder (default ./export)")
    cmd.set_defaults(command=cmd_export)

    cmd = commands.add_parser("run", help="start the bot (offline sandbox without a token)")
    cmd.set_defaults(command=cmd_run)
    # --- reminders and deadlines
    cmd = commands.add_parser("deadline", help="set the materials deadline, or one indicator's")
    cmd.add_argument("when", type=_deadline, help="YYYY-MM-DD[THH:MM] in the campaign's zone")
    cmd.add_argument("--indicator", help="only this indicator (its number)")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=cmd_deadline)

    cmd = commands.add_parser("reminders", help="reminder rules, next rounds, one dispatch")
    actions = cmd.add_subparsers(required=True, metavar="ACTION")
    sub = actions.add_parser(
        "set",
        help="replace the rules: reminders set '-3d 09:00' '+1d 09:00 daily' "
        "(put -- before a rule like -2h that has no space)",
    )
    sub.add_argument("rules", nargs="+")
    sub.add_argument("--campaign")
    sub.set_defaults(command=cmd_reminders_set)
    sub = actions.add_parser("list", help="the next due rounds")
    sub.add_argument("--campaign")
    sub.add_argument("--limit", type=int, default=20)
    sub.set_defaults(command=cmd_reminders_list)
    sub = actions.add_parser(
        "run-once", help="plan and send what is due, printed here instead of Telegram (recorded)"
    )
    sub.set_defaults(command=cmd_reminders_run_once)
    return parser


def open_database(settings: Settings) -> Database:
    """The configured database, migrated to the newest schema."""
    database = Database(settings.database_url)
    database.migrate()
    return database


def now_of(args: argparse.Namespace) -> datetime:
    return args.now or datetime.now(UTC)


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
        _print_json(report.as_json())
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
        _print_json(result.as_json())
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


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    hours = args.hours or settings.invite_ttl_hours
    with database.uow() as uow:
        created = create_invite(
            uow,
            unit_name=args.unit,
            coordinator=args.coordinator,
            created_by="cli",
            now=now_of(args),
            ttl=timedelta(hours=hours),
        )
    username = settings.bot_username or _bot_username(settings) or "your_bot"
    who = (
        texts.INVITE_WHO_COORDINATOR
        if created.unit is None
        else texts.INVITE_WHO_UNIT.format(unit=created.unit)
    )
    print(texts.INVITE_CREATED.format(who=who, hours=hours, link=created.link(username)))
    return 0


def _bot_username(settings: Settings) -> str:
    """Ask Telegram (getMe) for the bot's username; empty when offline."""
    if not settings.telegram_bot_token:
        return ""
    import httpx  # local: only this command talks to Telegram directly

    try:
        answer = httpx.get(
            f"{settings.telegram_base_url}{settings.telegram_bot_token}/getMe", timeout=10
        ).json()
    except (httpx.HTTPError, ValueError):
        return ""
    return str(answer.get("result", {}).get("username", ""))


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    with database.uow() as uow:
        result = build_package(
            uow, FileStore(settings.storage_dir), args.out, now_of(args), args.campaign
        )
    if not result.parts:
        print(texts.EXPORT_NOTHING)
        return 0
    print(texts.EXPORT_READY.format(files=result.files, parts=len(result.parts)))
    for part in result.parts:
        print(texts.CLI_EXPORT_WRITTEN.format(path=part, size=part.stat().st_size))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    open_database(settings).dispose()
    from handlers.run import run_bot  # the one lazy import of the Telegram layer

    return run_bot(settings, args.now)


def _print_json(document: Any) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2))


def _aware_datetime(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _deadline(text: str) -> date | datetime:
    parsed = datetime.fromisoformat(text)
    return parsed if "T" in text or " " in text else parsed.date()


# --- reminders and deadlines ------------------------------------------------------------------


def cmd_deadline(args: argparse.Namespace, settings: Settings) -> int:
    when = args.when
    if not isinstance(when, datetime):
        when = datetime.combine(when, DEADLINE_TIME)  # a date means the end of that day
    database = open_database(settings)
    try:
        with database.uow() as uow:
            result = reminders.set_deadline(uow, when, args.indicator, args.campaign)
    except reminders.ReminderError as error:
        print(texts.CLI_ERROR.format(message=error), file=sys.stderr)
        return 1
    deadline = result.deadline.strftime(texts.DEADLINE_FORMAT)
    if result.indicator is None:
        print(
            texts.DEADLINE_SET_CAMPAIGN.format(
                title=result.title, deadline=deadline, tz=result.timezone
            )
        )
    else:
        print(
            texts.DEADLINE_SET_INDICATOR.format(
                number=result.indicator, title=result.title, deadline=deadline, tz=result.timezone
            )
        )
    return 0


def cmd_reminders_set(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    try:
        with database.uow() as uow:
            result = reminders.set_rules(uow, args.rules, args.campaign)
    except RuleError as error:
        print(texts.CLI_ERROR.format(message=error), file=sys.stderr)
        return 1
    print(texts.RULES_SET.format(campaign=result.campaign, rules="、".join(result.rules)))
    return 0


def cmd_reminders_list(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    now = now_of(args)
    with database.uow() as uow:
        rules = reminders.current_rules(uow, args.campaign)
        rounds = reminders.upcoming_rounds(uow, now, args.campaign, args.limit)
    print(texts.RULES_CURRENT.format(campaign=rules.campaign, rules="、".join(rules.rules)))
    print(texts.UPCOMING_HEADER.format(campaign=rules.campaign))
    for round_ in rounds:
        print(
            texts.UPCOMING_LINE.format(
                when=round_.due_at.strftime(texts.DEADLINE_FORMAT),
                rules="、".join(round_.rules),
                indicators="、".join(round_.indicators),
                units="、".join(round_.units),
            )
        )
    if not rounds:
        print(texts.UPCOMING_NONE)
    return 0


class PrintingSender:
    """A Sender for the terminal: prints each message (tags and escapes undone)."""

    def __init__(self) -> None:
        self.count = 0

    async def send(self, chat_id: int, text_html: str) -> int:
        self.count += 1
        plain = html.unescape(re.sub(r"</?b>", "", text_html))
        print(texts.CLI_PRINTED_MESSAGE.format(chat=chat_id, message_id=self.count, text=plain))
        return self.count


def cmd_reminders_run_once(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    report = asyncio.run(reminders.run_reminders(database, PrintingSender(), now_of(args)))
    if report.locked_out:
        print(texts.CLI_DISPATCH_BUSY, file=sys.stderr)
        return 1
    print(
        texts.CLI_RUN_ONCE.format(
            sent=report.sent, failed=report.failed, skipped=report.skipped, retrying=report.retrying
        )
    )
    return 0
