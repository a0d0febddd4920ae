"""Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

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


def schema_of(database: Database) -> dict[str, Any]:
    """Every table's columns (with types), indexes, unique constraints and foreign keys."""
    with database.engine.connect() as connection:
        inspector = inspect(connection)
        return {
            table: {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
                ],
                "indexes": sorted(
                    (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    (u["name"] or "", tuple(u["column_names"]))
                    for u in inspector.get_unique_constraints(table)
                ),
                "foreign_keys": sorted(
                    (f["referred_table"], tuple(f["constrained_columns"]))
                    for f in inspector.get_foreign_keys(table)
                ),
            }
            for table in sorted(inspector.get_table_names())
        }


def data_of(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, and the Alembic revision."""
    with database.engine.connect() as connection:
        rows = {
            table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }
        rows["alembic_version"] = list(
            connection.execute(text("SELECT version_num FROM alembic_version"))
        )
    return rows


def test_migrating_twice_is_harmless(seeded: Database) -> None:
    schema, data = schema_of(seeded), data_of(seeded)
    # The seed campaign is there, so "data unchanged" compares something.
    assert len(data["indicator"]) == 7
    assert len(data["obligation"]) == 19
    assert len(data["alembic_version"]) == 1

    seeded.migrate()
    seeded.migrate()

    assert schema_of(seeded) == schema
    assert data_of(seeded) == data
