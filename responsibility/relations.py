"""Following relations for the scope: the organisation an object belongs to, whether a path of
relations fans out, and a condition moved along a path.

Support for the scope (`scope/`), which holds the rules that use them; nothing here decides
access."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model, Q

from .models import Organisation


def organisation_of(obj: Any) -> Organisation:
    """The organisation a permission is decided on: the object itself, or the one it belongs to
    (directly, or through its checklist)."""
    if isinstance(obj, Organisation):
        return obj
    organisation = getattr(obj, "organisation", None)
    if isinstance(organisation, Organisation):
        return organisation
    checklist = getattr(obj, "checklist", None)
    if checklist is not None:
        return organisation_of(checklist)
    raise TypeError(f"{type(obj).__name__} has no organisation to check permissions against")


def many_valued(model: type[Model], path: str) -> bool:
    """Does the relation path cross a one-to-many or many-to-many relation?"""
    for name in path.split("__"):
        if name == "pk":
            return False
        relation = model._meta.get_field(name)
        if relation.many_to_many or relation.one_to_many:
            return True
        related = relation.related_model
        # Once the apps are loaded a relation names its model class, never "self" or a label.
        if related is None or isinstance(related, str):
            return False
        model = related
    return False


def prefixed(condition: Q, via: str) -> Q:
    """`condition` on a related model, as the same condition seen across the relation `via`."""
    moved = Q()
    moved.connector, moved.negated = condition.connector, condition.negated
    moved.children = [
        prefixed(child, via) if isinstance(child, Q) else _prefixed_leaf(child, via)
        for child in condition.children
    ]
    return moved


def _prefixed_leaf(child: object, via: str) -> tuple[str, Any]:
    # A Q's children are Qs or (lookup, value) pairs; the stubs type them as any node.
    lookup, value = cast(tuple[str, Any], child)
    return f"{via}__{lookup}", value
