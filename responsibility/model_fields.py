"""A model's own fields by name, typed: `_meta.get_field` also finds reverse relations, which
have no column (`max_length`, `verbose_name`, `attname`)."""

from __future__ import annotations

from typing import Any

from django.db import models


def concrete_field(model: type[models.Model] | models.Model, name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is a reverse relation, not a field")
    return field


def max_length(model: type[models.Model], name: str) -> int:
    """The length limit of a text column that has one."""
    length = concrete_field(model, name).max_length
    if length is None:
        raise TypeError(f"{model._meta.label}.{name} has no max_length")
    return length
