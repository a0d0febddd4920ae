"""Shared fixtures: a real database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

# PTB 22 warns on each RetryAfter unless told to use timedelta, and warnings are errors here.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.db import Database
from bot.importer import read_workbook
from bot.models import Base
from bot.services.access import Actor
from bot.services.campaigns import import_campaign

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED_WORKBOOK = DATA / "campaigns" / "yongning-ip-2023.xlsx"
UNITS_FILE = DATA / "units.toml"
SHARED = ROOT.parent / "shared"
# Three days before the seed's materials deadline (2023-10-18), at 10:00 in Shanghai.
SEED_NOW = datetime(2023, 10, 15, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL run skipped")
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.migrate()
    database.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Database]:
    """An empty, migrated database; each test gets its own."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()


@pytest.fixture
def seeded(database: Database) -> Database:
    """The database with the seed campaign imported."""
    import_workbook(database, SEED_WORKBOOK)
    return database


def import_workbook(database: Database, path: Path, **overrides: object):
    """Read and import one workbook; returns the import report."""
    from bot.importer import Overrides

    spec = read_workbook(path, Overrides(**overrides))  # type: ignore[arg-type]
    with database.uow() as uow:
        return import_campaign(uow, Actor.operator(), spec, units_file=UNITS_FILE)
