"""Who may do what (DESIGN.md's authorisation table), for every use case, at the service level.

Six people ask: a stranger, another unit's contact (文旅局), 公安局's own contact, a member of
公安局's bound group, a coordinator, and the operator at the command line. Each use case is
run as each of them on a fresh database; "refused" means the use case said NotAllowed, and
"allowed" that it did not (it may still have found nothing to do: the operator has no group to
pause, another unit's contact uploads for their own unit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.importer import read_workbook
from bot.models import Chat, Contact, PendingUpload, Unit
from bot.refusals import Refusal
from bot.services import reminders
from bot.services.access import Actor, NotAllowed, identify
from bot.services.campaigns import import_campaign
from bot.services.export import plan_package
from bot.services.handouts import owe_with_templates, templates_for
from bot.services.obligations import owe_for
from bot.services.onboarding import bind_chat, create_invite, unbind_chat, welcome
from bot.services.people import list_people, revoke, set_role
from bot.services.review import accept, describe, return_submission, review_queue
from bot.services.selfreport import self_report
from bot.services.summary import summary_for
from bot.services.templates import (
    StoredTemplate,
    add_template,
    check_attach,
    list_templates,
    remove_template,
)
from bot.services.uploads import (
    MatcherCache,
    UploadRequest,
    admit_upload,
    all_choices,
    cancel_pending,
    choose_indicator,
    receive_upload,
    reclassify,
    reclassify_choices,
    withdraw,
)
from bot.storage import FileStore
from tests.conftest import DATA, SEED_NOW, SEED_WORKBOOK, UNITS_FILE

PEOPLE = ("stranger", "other unit", "own contact", "group member", "coordinator", "operator")
ANYONE_OF_THE_UNIT = {"own contact", "group member", "coordinator", "operator"}
COORDINATORS = {"coordinator", "operator"}
REGISTERED = set(PEOPLE) - {"stranger"}
GROUP = -100  # 公安局's bound group
CASES_NAME = "侵犯知识产权行政案件信息表.xlsx"  # files to 4 without asking


@dataclass
class World:
    """A seeded database with 公安局's filed submission and open question, and a store."""

    db: Database
    store: FileStore
    matchers: MatcherCache
    submission_id: int
    pending_id: int

    def actor(self, who: str) -> Actor:
        if who == "operator":
            return Actor.operator()
        user, chat, private = {
            "stranger": (9, 9, True),
            "other unit": (3, 3, True),
            "own contact": (2, 2, True),
            "group member": (4, GROUP, False),
            "coordinator": (1, 1, True),
        }[who]
        with self.db.uow() as uow:
            return identify(uow.session, user, chat, private=private, name=who)

    def request(self, name: str, data: bytes) -> UploadRequest:
        return UploadRequest(name, "", "", self.store.put_bytes(data))

    def template(self) -> StoredTemplate:
        stored = self.store.put_bytes(b"a template")
        return StoredTemplate(stored.sha256, stored.size, stored.key, None)


@pytest.fixture
def world(sqlite_template: Path, tmp_path: Path) -> World:
    import shutil

    path = tmp_path / "matrix.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    operator = Actor.operator()
    with db.uow() as uow:
        import_campaign(uow, operator, read_workbook(SEED_WORKBOOK), units_file=UNITS_FILE)
        units = {u.name: u.id for u in uow.session.scalars(select(Unit))}
        uow.session.add_all(
            [
                Contact(telegram_user_id=1, role="coordinator", display_name="coordinator"),
                Contact(telegram_user_id=2, unit_id=units["公安局"], display_name="own"),
                Contact(telegram_user_id=3, unit_id=units["文旅局"], display_name="other"),
                Chat(telegram_chat_id=GROUP, kind="unit", unit_id=units["公安局"], title="公安"),
            ]
        )
        uow.commit()
    store, matchers = FileStore(tmp_path / "files"), MatcherCache(DATA / "glossary.toml")
    police = identify_in(db, 2, 2)
    filed = db.run(
        receive_upload,
        police,
        store,
        matchers,
        UploadRequest(CASES_NAME, "", "", store.put_bytes(b"4")),
        SEED_NOW,
    )
    db.run(
        receive_upload,
        police,
        store,
        matchers,
        UploadRequest("扫描件.pdf", "", "", store.put_bytes(b"?")),
        SEED_NOW,
    )
    with db.uow() as uow:
        pending_id = uow.session.scalars(select(PendingUpload.id)).one()
    return World(db, store, matchers, filed.submission_id, pending_id)


def identify_in(db: Database, user: int, chat: int) -> Actor:
    with db.uow() as uow:
        return identify(uow.session, user, chat, private=chat > 0)


Call = Callable[[World, Actor], Any]
NOW = SEED_NOW
LATER = SEED_NOW + timedelta(hours=1)
DEADLINE = datetime(2023, 10, 20, 10, 0, tzinfo=SEED_NOW.tzinfo)

# use case → (how it is called, who may)
USE_CASES: dict[str, tuple[Call, set[str]]] = {
    # onboarding and people
    "welcome without an invite": (lambda w, a: w.db.run(welcome, a, "", username="", now=NOW, timezone="Asia/Shanghai"), {"other unit", "own contact", "coordinator", "operator"}),
    "create an invite": (lambda w, a: w.db.run(create_invite, a, "公安局", now=NOW, ttl=timedelta(days=1)), COORDINATORS),
    "bind a group": (lambda w, a: w.db.run(bind_chat, a, "公安", "公安局"), {"coordinator"}),
    "unbind a group": (lambda w, a: w.db.run(unbind_chat, a), COORDINATORS),
    "list people": (lambda w, a: w.db.run(list_people, a, NOW), COORDINATORS),
    "revoke a person": (lambda w, a: w.db.run(revoke, a, "3", NOW), COORDINATORS),
    "change a role": (lambda w, a: w.db.run(set_role, a, "2", "协调人"), COORDINATORS),
    # what is owed, progress, review, export, self report
    "ask what is owed": (lambda w, a: w.db.run(owe_for, a, "", NOW), REGISTERED),
    "see the summary": (lambda w, a: w.db.run(summary_for, a, NOW), COORDINATORS),
    "see the review queue": (lambda w, a: w.db.run(review_queue, a), COORDINATORS),
    "accept a submission": (lambda w, a: w.db.run(accept, a, w.submission_id, LATER), COORDINATORS),
    "ask why to return": (lambda w, a: w.db.run(describe, a, w.submission_id), COORDINATORS),
    "return a submission": (lambda w, a: w.db.run(return_submission, a, w.submission_id, "缺章", LATER), COORDINATORS),
    "export the package": (lambda w, a: w.db.run(plan_package, a, NOW), COORDINATORS),
    "draft the self report": (lambda w, a: w.db.run(self_report, a, NOW, "公安局"), ANYONE_OF_THE_UNIT),
    # uploads and their buttons
    "upload a file": (lambda w, a: w.db.run(receive_upload, a, w.store, w.matchers, w.request(CASES_NAME, b"new"), LATER), {"own contact", "group member", "operator", "other unit"}),
    "be admitted to upload": (lambda w, a: w.db.run(admit_upload, a, CASES_NAME, 10, 2**20), {"own contact", "group member", "operator", "other unit"}),
    "pick an indicator": (lambda w, a: w.db.run(choose_indicator, a, w.pending_id, "5", LATER), ANYONE_OF_THE_UNIT),
    "see all indicators": (lambda w, a: w.db.run(all_choices, a, w.pending_id), ANYONE_OF_THE_UNIT),
    "cancel a question": (lambda w, a: w.db.run(cancel_pending, a, w.pending_id, LATER), ANYONE_OF_THE_UNIT),
    "withdraw a submission": (lambda w, a: w.db.run(withdraw, a, w.submission_id, LATER), ANYONE_OF_THE_UNIT),
    "ask where to move": (lambda w, a: w.db.run(reclassify_choices, a, w.submission_id), ANYONE_OF_THE_UNIT),
    "move a submission": (lambda w, a: w.db.run(reclassify, a, w.submission_id, "5", LATER), ANYONE_OF_THE_UNIT),
    # templates
    "be admitted to attach a template": (lambda w, a: w.db.run(check_attach, a, "4", "t.xlsx", 10, 2**20), COORDINATORS),
    "attach a template": (lambda w, a: w.db.run(add_template, a, "4", w.template(), "t.xlsx", NOW), COORDINATORS),
    "list templates": (lambda w, a: w.db.run(list_templates, a), COORDINATORS),
    "remove templates": (lambda w, a: w.db.run(remove_template, a, "4"), COORDINATORS),
    "get an indicator's templates": (lambda w, a: w.db.run(templates_for, a, ["4"]), REGISTERED),
    "get the owed indicators' templates": (lambda w, a: w.db.run(templates_for, a, []), REGISTERED),
    "ask what is owed, with templates": (lambda w, a: w.db.run(owe_with_templates, a, "", NOW), REGISTERED),
    # reminders and deadlines
    "read the reminder rules": (lambda w, a: w.db.run(reminders.current_rules, a), REGISTERED),
    "set the reminder rules": (lambda w, a: w.db.run(reminders.set_rules, a, ["-1d 09:00"]), COORDINATORS),
    "move a deadline": (lambda w, a: w.db.run(reminders.set_deadline, a, DEADLINE), COORDINATORS),
    "list coming rounds": (lambda w, a: w.db.run(reminders.upcoming_rounds, a, NOW), COORDINATORS),
    "pause a group": (lambda w, a: w.db.run(reminders.pause, a), COORDINATORS),
    "remind now": (lambda w, a: w.db.run(reminders.plan_manual_round, a, NOW), COORDINATORS),
    # campaigns
    "import a table": (lambda w, a: w.db.run(import_campaign, a, read_workbook(SEED_WORKBOOK), units_file=UNITS_FILE, force=True), COORDINATORS),
}  # fmt: skip


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("use_case", list(USE_CASES))
def test_each_use_case_is_allowed_exactly_to_the_people_the_table_names(
    world: World, use_case: str, who: str
) -> None:
    call, allowed = USE_CASES[use_case]
    actor = world.actor(who)
    if who == "coordinator" and use_case in {"bind a group", "pause a group"}:
        actor = identify_in(world.db, 1, GROUP)  # group use cases: asked in the group
    try:
        call(world, actor)
        outcome = "allowed"
    except NotAllowed:
        outcome = "refused"
    except Refusal:
        outcome = "allowed"  # past the permission check, and told why nothing was done
    expected = "allowed" if who in allowed else "refused"
    assert outcome == expected, f"{use_case} as {who}"
