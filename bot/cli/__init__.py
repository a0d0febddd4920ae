"""The command line: every service of the bot, without Telegram.

python -m bot migrate | import PATH… | units | owe --unit NAME [--json]
              | summary [--json] [--xlsx PATH] | match | invite | link | deadline | reminders
              | export | selfreport [--unit U] --out PATH | excuse | extend | template
              | run
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import texts
from bot.cli import campaigns, people, reminders, templates
from bot.cli.common import aware_datetime, deadline_arg
from bot.config import DEFAULT_TIMEZONE, Settings, get_settings
from bot.redaction import redact_logs
from bot.refusals import Refusal
from bot.wording.refusals import refusal_text

log = logging.getLogger(__name__)


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
        type=aware_datetime,
        default=None,
        help="pretend it is this time (ISO-8601), for demos and checks",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    cmd = commands.add_parser("migrate", help="bring the database schema up to date")
    cmd.set_defaults(command=campaigns.cmd_migrate)

    cmd = commands.add_parser("import", help="import task-division workbooks (.xlsx)")
    cmd.add_argument(
        "paths", nargs="*", type=Path, help="workbooks; default: every .xlsx in data/campaigns/"
    )
    cmd.add_argument("--code", help="campaign code (default: from the workbook or file name)")
    cmd.add_argument("--title", help="campaign title")
    cmd.add_argument("--deadline", type=deadline_arg, help="materials deadline, YYYY-MM-DD[THH:MM]")
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
    cmd.set_defaults(command=campaigns.cmd_import)

    cmd = commands.add_parser("units", help="list units and their aliases")
    cmd.set_defaults(command=campaigns.cmd_units)

    cmd = commands.add_parser("owe", help="what a unit still owes")
    cmd.add_argument("--unit", required=True)
    cmd.add_argument("--campaign")
    cmd.add_argument("--json", action="store_true")
    cmd.set_defaults(command=campaigns.cmd_owe)

    cmd = commands.add_parser("summary", help="who has delivered what")
    cmd.add_argument("--campaign")
    cmd.add_argument("--json", action="store_true")
    cmd.add_argument("--xlsx", type=Path, help="also write the Excel summary here")
    cmd.set_defaults(command=campaigns.cmd_summary)

    cmd = commands.add_parser("match", help="match uploads read as JSON lines on stdin")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=campaigns.cmd_match)

    cmd = commands.add_parser("invite", help="print a single-use invite deep link")
    who = cmd.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit")
    who.add_argument("--coordinator", action="store_true")
    cmd.add_argument("--hours", type=int, help="valid for this many hours")
    cmd.set_defaults(command=people.cmd_invite)

    cmd = commands.add_parser("export", help="write the final package (zip parts) to a folder")
    cmd.add_argument("--campaign")
    cmd.add_argument("--out", type=Path, default=Path("export"), help="folder (default ./export)")
    cmd.set_defaults(command=campaigns.cmd_export)

    cmd = commands.add_parser("link", help="let a submission's file count for another indicator")
    cmd.add_argument("submission", type=int, help="the submission id (/review shows it)")
    cmd.add_argument("indicator", help="another indicator of the same unit")
    cmd.set_defaults(command=campaigns.cmd_link)

    cmd = commands.add_parser("people", help="coordinators, contacts, bound groups, open invites")
    cmd.set_defaults(command=people.cmd_people)
    cmd = commands.add_parser("revoke", help="take back a person's, an invite's or a group's power")
    cmd.add_argument("target", help="Telegram id, @username, name, 邀请N, or a group's chat id")
    cmd.set_defaults(command=people.cmd_revoke)
    cmd = commands.add_parser("role", help="make someone a coordinator or a contact")
    cmd.add_argument("target", help="Telegram id, @username or name")
    cmd.add_argument("role", help="协调人|coordinator or 联系人|contact")
    cmd.set_defaults(command=people.cmd_role)

    cmd = commands.add_parser(
        "sweep", help="remove stored files nothing refers to (after ORPHAN_BLOB_GRACE_HOURS)"
    )
    cmd.add_argument("--grace-hours", type=int, help="default: ORPHAN_BLOB_GRACE_HOURS")
    cmd.set_defaults(command=campaigns.cmd_sweep)

    cmd = commands.add_parser("selfreport", help="write the 自评报告 draft (.docx)")
    cmd.add_argument("--unit", help="only this unit's draft (default: the whole campaign)")
    cmd.add_argument("--campaign")
    cmd.add_argument(
        "--out", type=Path, default=Path(), help="file, or folder for the default name (./)"
    )
    cmd.set_defaults(command=campaigns.cmd_selfreport)

    templates.add_commands(commands)

    cmd = commands.add_parser("run", help="start the bot (offline sandbox without a token)")
    cmd.set_defaults(command=campaigns.cmd_run)
    # --- reminders and deadlines
    cmd = commands.add_parser("deadline", help="set the materials deadline, or one indicator's")
    cmd.add_argument("when", type=deadline_arg, help="YYYY-MM-DD[THH:MM] in the campaign's zone")
    cmd.add_argument("--indicator", help="only this indicator (its number)")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=reminders.cmd_deadline)

    cmd = commands.add_parser("reminders", help="reminder rules, next rounds, one dispatch")
    actions = cmd.add_subparsers(required=True, metavar="ACTION")
    sub = actions.add_parser(
        "set",
        help="replace the rules: reminders set '-3d 09:00' '+1d 09:00 daily' "
        "(put -- before a rule like -2h that has no space)",
    )
    sub.add_argument("rules", nargs="+")
    sub.add_argument("--campaign")
    sub.set_defaults(command=reminders.cmd_reminders_set)
    sub = actions.add_parser("list", help="the next due rounds")
    sub.add_argument("--campaign")
    sub.add_argument("--limit", type=int, default=20)
    sub.set_defaults(command=reminders.cmd_reminders_list)
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
    sub.set_defaults(command=reminders.cmd_reminders_run_once)
    # --- 不适用 and extensions
    cmd = commands.add_parser("excuse", help="excuse a unit from an indicator (不适用)")
    cmd.add_argument("--unit", required=True)
    cmd.add_argument("indicator", help="the indicator's number")
    cmd.add_argument("reason", nargs="+", help="why it does not apply")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=reminders.cmd_excuse)
    cmd = commands.add_parser("extend", help="give one unit its own deadline (延期)")
    cmd.add_argument("--unit", required=True)
    cmd.add_argument("--indicator", help="only this indicator (default: all of the unit's)")
    cmd.add_argument("when", type=deadline_arg, help="YYYY-MM-DD[THH:MM] in the campaign's zone")
    cmd.add_argument("--campaign")
    cmd.set_defaults(command=reminders.cmd_extend)
    return parser
