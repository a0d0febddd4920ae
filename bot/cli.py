"""The command line: every service of the bot, without Telegram.

python -m bot migrate | import PATH… | units | owe --unit NAME [--json]
              | summary [--json] [--xlsx PATH] | match | invite | link | deadline | reminders
              | export | selfreport [--unit U] --out PATH | excuse | extend | template
              | run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import cli_templates, texts
from bot.config import DEFAULT_TIMEZONE, MIN_WEBHOOK_SECRET, Settings, get_settings
from bot.db import Database
from bot.importer import DEADLINE_TIME, ImportFailure, Overrides, read_workbook
from bot.package import write_package
from bot.redaction import redact_logs
from bot.refusals import Refusal
from bot.selfreport_docx import draft_document
from bot.services import reminders
from bot.services.access import Actor
from bot.services.campaigns import (
    find_campaign,
    import_campaign,
    list_units,
    unit_registry,
)
from bot.services.exemptions import excuse
from bot.services.export import plan_package
from bot.services.extensions import extend
from bot.services.housekeeping import sweep_orphan_blobs
from bot.services.obligations import owed_items
from bot.services.onboarding import create_invite
from bot.services.people import list_people, revoke, set_role
from bot.services.selfreport import self_report
from bot.services.summary import summary
from bot.services.uploads import MatcherCache, link_submission, match_upload
from bot.sizes import human_size
from bot.storage import FileStore
from bot.wording import plain
from bot.wording import reminders as reminder_words
from bot.wording.exemptions import decided_text, extended_text
from bot.wording.imports import import_failure_text, import_report_text
from bot.wording.onboarding import invite_text
from bot.wording.owe import owe_text, summary_lines
from bot.wording.people import people_text, revoked_text, role_text
from bot.wording.refusals import refusal_text
from bot.wording.review import export_text
from bot.wording.selfreport import self_report_filename, self_report_text
from bot.wording.uploads import linked
from bot.workbooks import summary_workbook

log = logging.getLogger(__name__)

# The operator at the server's shell may do what a coordinator may (DESIGN.md).
OPERATOR = Actor.operator()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; exit code 0 on success, 1 on a failure explained to the user."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    redact_logs(settings)  # proxy and database passwords, token and webhook secret masked
    command: Callable[[argparse.Namespace, Settings], int] = args.command
    try:
        return command(args, settings)
    except Refusal as refusal:  # meant for the person at the terminal, as the bot says it
        print(texts.CLI_ERROR.format(message=refusal_text(refusal)), file=sys.stderr)
        return 1
    except Exception:
        # Through logging (its redacting filter), not Python's own traceback printer: an
        # error from the proxy or the database may carry their credentials.
        log.critical("%s failed", command.__name__, exc_info=True)
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

    cmd = commands.add_parser("link", help="let a submission's file count for another indicator")
    cmd.add_argument("submission", type=int, help="the submission id (/review shows it)")
    cmd.add_argument("indicator", help="another indicator of the same unit")
    cmd.set_defaults(command=cmd_link)

    cmd = commands.add_parser("people", help="coordinators, contacts, bound groups, open invites")
    cmd.set_defaults(command=cmd_people)
    cmd = commands.add_parser("revoke", help="take back a person's, an invite's or a group's power")
    cmd.add_argument("target", help="Telegram id, @username, name, 邀请N, or a group's chat id")
    cmd.set_defaults(command=cmd_revoke)
    cmd = commands.add_parser("role", help="make someone a coordinator or a contact")
    cmd.add_argument("target", help="Telegram id, @username or name")
    cmd.add_argument("role", help="协调人|coordinator or 联系人|contact")
    cmd.set_defaults(command=cmd_role)

    cmd = commands.add_parser(
        "sweep", help="remove stored files nothing refers to (after ORPHAN_BLOB_GRACE_HOURS)"
    )
    cmd.add_argument("--grace-hours", type=int, help="default: ORPHAN_BLOB_GRACE_HOURS")
    cmd.set_defaults(command=cmd_sweep)

    cmd = commands.add_parser("selfreport", help="write the 自评报告 draft (.docx)")
    cmd.add_argument("--unit", help="only this unit's draft (default: the whole campaign)")
    cmd.add_argument("--campaign")
    cmd.add_argument(
        "--out", type=Path, default=Path(), help="file, or folder for the default name (./)"
    )
    cmd.set_defaults(command=cmd_selfreport)

    cli_templates.add_commands(commands)

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
        "run-once",
        help="print what one check would send now (a dry run: nothing is recorded)",
    )
    sub.add_argument(
        "--send",
        action="store_true",
        help="really run the check: print each message here instead of Telegram, and record "
        "it as sent",
    )
    sub.set_defaults(command=cmd_reminders_run_once)
    # --- 不适用 and extensions
    cmd = commands.add_parser("excuse", help="excuse a unit from an indicator (不适用)")
    cmd.add_argument("--unit", required=True)
    cmd.add_argument("indicator", help="the indicator's number")
    cmd.add_argument("reason", nargs="+", help="why it does not apply")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=cmd_excuse)
    cmd = commands.add_parser("extend", help="give one unit its own deadline (延期)")
    cmd.add_argument("--unit", required=True)
    cmd.add_argument("--indicator", help="only this indicator (default: all of the unit's)")
    cmd.add_argument("when", type=_deadline, help="YYYY-MM-DD[THH:MM] in the campaign's zone")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=cmd_extend)
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
        for line in cli_templates.import_folder(
            database, settings, path, report.code, now_of(args)
        ):
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
    target = texts.COORDINATOR_INVITE_WORDS[0] if args.coordinator else args.unit
    created = database.run(
        create_invite, OPERATOR, target, now=now_of(args), ttl=timedelta(hours=hours)
    )
    username = settings.bot_username or _bot_username(settings) or "your_bot"
    print(invite_text(created, username, hours, plain))
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


def cmd_people(args: argparse.Namespace, settings: Settings) -> int:
    people = open_database(settings).run(list_people, OPERATOR, now_of(args))
    print(people_text(people, settings.tz))
    return 0


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    revoked = open_database(settings).run(revoke, OPERATOR, args.target, now_of(args))
    print(revoked_text(revoked))
    return 0


def cmd_role(args: argparse.Namespace, settings: Settings) -> int:
    changed = open_database(settings).run(set_role, OPERATOR, args.target, args.role)
    print(role_text(changed))
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
    result = database.run(reminders.set_deadline, OPERATOR, when, args.indicator, args.campaign)
    print(reminder_words.deadline_text(result))
    return 0


def cmd_reminders_set(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    result = database.run(reminders.set_rules, OPERATOR, args.rules, args.campaign)
    print(reminder_words.rules_text(result, changed=True))
    return 0


def cmd_reminders_list(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    now = now_of(args)
    rules = database.run(reminders.current_rules, OPERATOR, args.campaign)
    rounds = database.run(reminders.upcoming_rounds, OPERATOR, now, args.campaign, args.limit)
    print(reminder_words.upcoming_text(rules, rounds))
    return 0


class PrintingSender:
    """A Sender for the terminal: prints each message, worded plain."""

    def __init__(self) -> None:
        self.count = 0

    async def send(self, chat_id: int, message: reminders.Outgoing) -> int:
        self.count += 1
        print(reminder_words.printed_message_text(chat_id, message, self.count))
        return self.count


def cmd_reminders_run_once(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    if not args.send:
        preview = database.run(reminders.preview_round, OPERATOR, now_of(args))
        print(reminder_words.preview_text(preview))
        return 0
    report = asyncio.run(reminders.run_reminders(database, PrintingSender(), now_of(args)))
    if report.locked_out:
        print(texts.CLI_DISPATCH_BUSY, file=sys.stderr)
        return 1
    print(reminder_words.run_once_text(report))
    return 0


# --- 不适用 and extensions ---------------------------------------------------------------------


def cmd_excuse(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    reason = " ".join(args.reason)
    decision = database.run(
        excuse, OPERATOR, args.unit, args.indicator, reason, now_of(args), args.campaign
    )
    print(decided_text(decision))
    return 0


def cmd_extend(args: argparse.Namespace, settings: Settings) -> int:
    when = args.when
    if not isinstance(when, datetime):
        when = datetime.combine(when, DEADLINE_TIME)  # a date means the end of that day
    database = open_database(settings)
    result = database.run(extend, OPERATOR, args.unit, args.indicator, when, args.campaign)
    print(extended_text(result))
    return 0
