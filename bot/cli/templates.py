"""The command line's `template` subcommands, and the template folder `import` picks up.

python -m bot template add 2 FILE… | template list | template remove 2 [FILE_NAME] | remove #ID
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import texts
from bot.cli.common import OPERATOR
from bot.config import Settings
from bot.db import Database
from bot.services.templates import (
    add_template,
    import_templates,
    list_templates,
    remove_template,
    store_template_file,
    template_folder,
)
from bot.storage import FileStore
from bot.wording.templates import added_text, folder_lines, listing_text, removed_text


def add_commands(commands: Any) -> None:
    """Add `template add|list|remove` to the CLI's subcommands."""
    cmd = commands.add_parser("template", help="templates handed out per indicator")
    actions = cmd.add_subparsers(required=True, metavar="ACTION")
    sub = actions.add_parser("add", help="attach files to an indicator: template add 2 FILE…")
    sub.add_argument("number", help="the indicator's number")
    sub.add_argument("files", nargs="+", type=Path)
    sub.add_argument("--campaign")
    sub.set_defaults(command=cmd_template_add)
    sub = actions.add_parser("list", help="every template, with its id and header")
    sub.add_argument("--campaign")
    sub.set_defaults(command=cmd_template_list)
    sub = actions.add_parser(
        "remove", help="template remove 2 [FILE_NAME] (all of 2's, or one), or remove #ID"
    )
    sub.add_argument("target", help="the indicator's number, or #ID from `template list`")
    sub.add_argument("filename", nargs="?", default="")
    sub.add_argument("--campaign")
    sub.set_defaults(command=cmd_template_remove)


def _database(settings: Settings) -> Database:
    database = Database(settings.database_url)
    database.migrate()
    return database


def _now(args: argparse.Namespace) -> datetime:
    return args.now or datetime.now(UTC)


def cmd_template_add(args: argparse.Namespace, settings: Settings) -> int:
    database = _database(settings)
    store = FileStore(settings.storage_dir)
    missing = [path for path in args.files if not path.is_file()]
    for path in missing:
        print(
            texts.CLI_ERROR.format(message=texts.IMPORT_NO_FILE.format(path=path)), file=sys.stderr
        )
    for path in args.files:
        if path in missing:
            continue
        stored = store_template_file(store, path, path.name)
        added = database.run(
            add_template,
            OPERATOR,
            args.number,
            stored,
            path.name,
            _now(args),
            campaign_code=args.campaign,
        )
        print(added_text(added))
    return 1 if missing else 0


def cmd_template_list(args: argparse.Namespace, settings: Settings) -> int:
    listing = _database(settings).run(list_templates, OPERATOR, campaign_code=args.campaign)
    print(listing_text(listing))
    return 0


def cmd_template_remove(args: argparse.Namespace, settings: Settings) -> int:
    removed = _database(settings).run(
        remove_template, OPERATOR, args.target, args.filename, campaign_code=args.campaign
    )
    print(removed_text(removed))
    return 0


def import_folder(
    database: Database, settings: Settings, workbook: Path, code: str, now: datetime
) -> list[str]:
    """`import`: attach the files of the folder beside the workbook (yongning-ip-2023/模板/)."""
    folder = template_folder(workbook)
    if not folder.is_dir():
        return []
    store = FileStore(settings.storage_dir)
    files = database.run(import_templates, OPERATOR, store, folder, now, campaign_code=code)
    return folder_lines(files)
