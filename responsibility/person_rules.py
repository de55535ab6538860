"""How a person-level right is read: the shape of a `Rule` and its `Grant`s, and the one reading
of a rule both for one object (`allows`) and as a filter on a list (`row_filter`), so the two
never disagree.

The rules themselves, one per action and model, are `scope.RULES`; this module decides nothing
by itself: every organisation right it needs it asks the scope for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Field, Manager, Model, Q

from .models import Organisation
from .relations import many_valued, prefixed

if TYPE_CHECKING:
    from .scope import Action, PersonAction, Scope


@dataclass(frozen=True)
class Grant:
    """An organisation right that reaches an object: `action` on the organisation at `via` (a
    path of relations; many-valued, any of them will do), once the field `when` is set."""

    action: Action
    via: str = "organisation"
    when: str = ""


@dataclass(frozen=True)
class Rule:
    """One person-level right on one kind of object.

    `names` is the relation naming the people whose right it is (a foreign key or many-to-many
    to User; "pk" when the object is the person). `unless` names the one person who never may
    (four-eyes), admins included. `refuse_inside` is the right whose absence is a 404: without
    it the object does not exist for the person; with it, a missing right is a 403. Empty: 404.
    `names_when` is a field that must be set before the people `names` have the right (a
    person reads their own result once it is published). Single-valued `via` paths must be
    non-null foreign keys (`scope.joined`)."""

    names: str = ""
    names_when: str = ""
    grants: tuple[Grant, ...] = ()
    admin: bool = True
    unless: str = ""
    refuse_inside: Action | PersonAction | None = None


def allows(scope: Scope, rule: Rule, obj: Model) -> bool:
    """`rule` for one object: what the object itself says first, then at most one query
    per many-valued relation (a report's raters, a notice's recipients)."""
    if rule.unless and _names(scope, rule.unless, obj):
        return False
    if rule.admin and scope.is_admin:
        return True
    model = type(obj)
    cheap = [g for g in rule.grants if not many_valued(model, g.via)]
    costly = [g for g in rule.grants if many_valued(model, g.via)]
    for grant in cheap:
        if grant.when and getattr(obj, grant.when) is None:
            continue
        target = obj
        for name in grant.via.split("__"):
            target = getattr(target, name)
        if scope.can(grant.action, target):
            return True
    if (
        rule.names
        and (not rule.names_when or getattr(obj, rule.names_when) is not None)
        and _names(scope, rule.names, obj)
    ):
        return True
    return any(
        model._default_manager.filter(_grant_filter(scope, grant, model), pk=obj.pk).exists()
        for grant in costly
        if not grant.when or getattr(obj, grant.when) is not None
    )


def row_filter(scope: Scope, rule: Rule, model: type[Model]) -> Q:
    """A Q on `model` matching the rows `allows` allows: the same `Rule`."""
    if rule.admin and scope.is_admin:
        condition = Q()
    else:
        condition = Q(pk__in=[])
        if rule.names and scope.user_id is not None:
            if rule.names == "pk":
                named_q = Q(pk=scope.user_id)
            elif many_valued(model, rule.names):
                named = model._default_manager.filter(**{rule.names: scope.user_id})
                named_q = Q(pk__in=named.values("pk"))
            else:
                named_q = Q(**{rule.names: scope.user_id})
            if rule.names_when:
                named_q &= Q(**{f"{rule.names_when}__isnull": False})
            condition |= named_q
        for grant in rule.grants:
            condition |= _grant_filter(scope, grant, model)
    if rule.unless and scope.user_id is not None:
        # Nobody recorded counts as someone else (a negated lookup keeps the NULL rows).
        condition &= ~Q(**{rule.unless: scope.user_id})
    return condition


def _names(scope: Scope, relation: str, obj: Model) -> bool:
    if scope.user_id is None:
        return False
    if relation == "pk":
        pk: object = obj.pk
        return pk == scope.user_id
    field = obj._meta.get_field(relation)
    if field.many_to_many or field.one_to_many:
        related: Manager[Model] = getattr(obj, relation)
        return related.filter(pk=scope.user_id).exists()
    if not isinstance(field, Field):
        raise TypeError(f"{relation} names a reverse relation, not a column")
    value: object = getattr(obj, field.attname)
    return value == scope.user_id


def _grant_filter(scope: Scope, grant: Grant, model: type[Model]) -> Q:
    condition = scope.organisation_filter(grant.action)
    if many_valued(model, grant.via):
        reached = Organisation.objects.filter(condition)
        rows = model._default_manager.filter(**{f"{grant.via}__in": reached})
        condition = Q(pk__in=rows.values("pk"))
    else:
        condition = prefixed(condition, grant.via)
    if grant.when:
        condition &= Q(**{f"{grant.when}__isnull": False})
    return condition
