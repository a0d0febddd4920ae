"""Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import Database
from bot.models import Base


def test_upgrading_an_empty_database_to_head_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrating_twice_is_harmless(database: Database) -> None:
    database.migrate()
    database.migrate()
