"""The reads every page makes, as SQL built once per process.

The ORM compiles a query afresh on every call, and for the few small reads behind every page
(the person's posts with their organisation and tier, the current year, the unread count)
compiling cost several times the query itself: the posts took 4.5 M instructions a call
through the ORM and 0.45 M as fixed SQL; the year and the count ~1.2 M each against ~0.3 M
(counted with callgrind on the province benchmark, see bench/README.md). Together that was a
fifth of what the floor page costs.

The SQL is built from the models' metadata, so a renamed column or table cannot go stale, and
tests compare each read with its ORM equivalent. Nothing here writes.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def column(model: type[Model], field: str, alias: str = "") -> str:
    """`alias."column"` of a model field, by the field's name."""
    name = quote(model._meta.get_field(field).column)
    return f"{alias}.{name}" if alias else name


def table(model: type[Model], alias: str = "") -> str:
    name = quote(model._meta.db_table)
    return f"{name} {alias}" if alias else name


@functools.cache
def field_names(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


@functools.cache
def select_list(model: type[Model], alias: str = "") -> str:
    """Every concrete column of the model, in `from_db` order."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{quote(f.column)}" for f in model._meta.concrete_fields)


def select_from(model: type[Model]) -> str:
    """`SELECT <every column> FROM <table>`, for reads of one model; add the WHERE."""
    return f"SELECT {select_list(model)} FROM {table(model)}"  # noqa: S608 (identifiers only)


def instance(model: type[M], values: tuple[Any, ...]) -> M:
    """A model instance from one row's slice, as the ORM would load it (converters included:
    SQLite returns dates and decimals as text)."""
    fields = model._meta.concrete_fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        for converter in _converters(field):
            value = converter(value, field, connection)
        converted.append(value)
    return model.from_db(connection.alias, field_names(model), converted)


@functools.cache
def _converters(field: Any) -> tuple[Any, ...]:
    expression = field.get_col(field.model._meta.db_table)
    return tuple(
        connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    )


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def date_param(value: Any) -> Any:
    return connection.ops.adapt_datefield_value(value)
