"""The durable inbox: fetched updates survive a crash and are handled once."""

from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.services.inbox import (
    MAX_ATTEMPTS,
    begin_handling,
    forget_handled,
    mark_handled,
    record_updates,
    updates_to_replay,
)
from tests.conftest import SEED_NOW

BOT = 7000000001


def update(update_id: int) -> dict:
    return {"update_id": update_id, "message": {"message_id": 1, "text": "还差什么"}}


def test_recorded_updates_that_were_never_handled_are_replayed(database: Database) -> None:
    with database.uow() as uow:
        assert record_updates(uow, BOT, [update(1), update(2)], SEED_NOW) == [1, 2]
    with database.uow() as uow:
        mark_handled(uow, BOT, 1, SEED_NOW)
    with database.uow() as uow:
        assert [u["update_id"] for u in updates_to_replay(uow, BOT)] == [2]


def test_recording_the_same_update_twice_keeps_one(database: Database) -> None:
    with database.uow() as uow:
        record_updates(uow, BOT, [update(7)], SEED_NOW)
    with database.uow() as uow:
        assert record_updates(uow, BOT, [update(7), update(8)], SEED_NOW) == [8]
    with database.uow() as uow:
        assert len(updates_to_replay(uow, BOT)) == 2


def test_a_redelivered_handled_update_is_skipped(database: Database) -> None:
    with database.uow() as uow:
        record_updates(uow, BOT, [update(3)], SEED_NOW)
    with database.uow() as uow:
        assert begin_handling(uow, BOT, 3) is True
        mark_handled(uow, BOT, 3, SEED_NOW)
    with database.uow() as uow:
        assert begin_handling(uow, BOT, 3) is False


def test_an_update_not_from_the_inbox_is_handled(database: Database) -> None:
    with database.uow() as uow:
        assert begin_handling(uow, BOT, 99) is True


def test_an_update_that_keeps_crashing_the_bot_is_given_up(database: Database) -> None:
    with database.uow() as uow:
        record_updates(uow, BOT, [update(5)], SEED_NOW)
    for _ in range(MAX_ATTEMPTS):
        with database.uow() as uow:
            assert [u["update_id"] for u in updates_to_replay(uow, BOT)] == [5]
    with database.uow() as uow:
        assert updates_to_replay(uow, BOT) == []


def test_old_handled_updates_are_forgotten(database: Database) -> None:
    with database.uow() as uow:
        record_updates(uow, BOT, [update(1), update(2)], SEED_NOW)
        mark_handled(uow, BOT, 1, SEED_NOW)
    with database.uow() as uow:
        assert forget_handled(uow, timedelta(days=1), SEED_NOW + timedelta(days=2)) == 1
        assert [u["update_id"] for u in updates_to_replay(uow, BOT)] == [2]


def test_update_ids_of_another_bot_on_the_same_database_are_not_confused(
    database: Database,
) -> None:
    with database.uow() as uow:
        record_updates(uow, BOT, [update(1)], SEED_NOW)
        mark_handled(uow, BOT, 1, SEED_NOW)
    with database.uow() as uow:
        assert record_updates(uow, BOT + 1, [update(1)], SEED_NOW) == [1]
        assert begin_handling(uow, BOT + 1, 1) is True


def test_handled_marks_are_written_in_one_batch(database: Database) -> None:
    with database.uow() as uow:
        record_updates(uow, BOT, [update(1), update(2), update(3)], SEED_NOW)
    with database.uow() as uow:
        mark_handled(uow, BOT, [1, 3], SEED_NOW)
    with database.uow() as uow:
        assert [u["update_id"] for u in updates_to_replay(uow, BOT)] == [2]
