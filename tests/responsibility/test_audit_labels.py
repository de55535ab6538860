"""Every audit action the code can write, and every field it records, reads in Chinese.

The action codes and change keys are collected from the source itself (ast), so a new
audit_record(...) call or a new key in a snapshot fails here until audit_labels names it.
Whatever the collector cannot follow (an f-string, a variable it cannot trace) fails too, unless
it is handled explicitly below.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import translation

from responsibility import audit_labels
from responsibility.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
APPS = ("responsibility", "assessment", "accountability")
# The functions that write entries, and the parameters they hand on to the next one.
WRITERS = {"audit_record", "audit_entry", "record", "record_export"}
PASSED_ON = {"action", "changes", "details"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fstring_actions(template: str) -> set[str]:
    """The f-string action codes, each followed by hand: a new one fails until it is added."""
    if template == "review.{action}":
        from assessment.services import TRANSITIONS

        return {f"review.{name}" for name in TRANSITIONS}
    raise AssertionError(f"an f-string action the test does not know: {template!r}")


class Unresolved(AssertionError):
    pass


@cache
def _models() -> dict[str, type[Model]]:
    """The apps' models by class name, as the source names them (`Scheme.EDITABLE_FIELDS`)."""
    found = [model for app in APPS for model in apps.get_app_config(app).get_models()]
    by_name = {model.__name__: model for model in found}
    assert len(by_name) == len(found), "two apps' models share a name: resolve by module"
    return by_name


@dataclass
class Found:
    actions: set[str] = field(default_factory=set)
    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # action → keys
    keyed_by_value: set[str] = field(default_factory=set)  # actions with computed keys


class Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.functions = {
            node.name: node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.constants = {
            target.id: node.value
            for node in self.tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    def imported(self, name: str) -> object:
        """A constant the module imports by name (`from .importing import CREATE`): its value."""
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
                package = ".".join(self.path.relative_to(ROOT).with_suffix("").parts[:-1])
                module = "." * node.level + (node.module or "")
                return getattr(importlib.import_module(module, package), name, None)
        return None

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"

    def function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def is_passed_on(self, name: str, scope: ast.FunctionDef | None) -> bool:
        return scope is not None and scope.name in WRITERS and name in PASSED_ON

    def assignments(self, name: str, scope: ast.FunctionDef | None) -> list[ast.expr]:
        body = scope if scope is not None else self.tree
        values: list[ast.expr] = []
        for node in ast.walk(body):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        values.append(node.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        values += [
                            value
                            for element, value in zip(target.elts, node.value.elts, strict=True)
                            if isinstance(element, ast.Name) and element.id == name
                        ]
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == name
                and node.value is not None
            ):
                values.append(node.value)
        if not values and name in self.constants:
            values.append(self.constants[name])
        return values

    def strings(self, node: ast.expr, scope: ast.FunctionDef | None) -> set[str]:
        """The string values an expression can take (an action code, a tuple of names)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self.strings(node.body, scope) | self.strings(node.orelse, scope)
        if isinstance(node, ast.Tuple | ast.List):
            return set().union(*(self.strings(e, scope) for e in node.elts))
        if isinstance(node, ast.JoinedStr):
            template = "".join(
                v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                for v in node.values
            )
            return _fstring_actions(template)
        if isinstance(node, ast.Name):
            if self.is_passed_on(node.id, scope):
                return set()
            values = self.assignments(node.id, scope) or self.assignments(node.id, None)
            if values:
                return set().union(*(self.strings(v, scope) for v in values))
            imported = self.imported(node.id)
            if isinstance(imported, str):
                return {imported}
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            # A model's field list (Scheme.EDITABLE_FIELDS): read from the class itself.
            value = getattr(_models().get(node.value.id), node.attr, None)
            if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
                return set(value)
        raise Unresolved(f"{self.where(node)}: cannot follow {ast.unparse(node)!r}")

    def keys(self, node: ast.expr | None, scope: ast.FunctionDef | None, found: set[str]) -> bool:
        """Add the keys a changes dict can have to `found`; True if some key is computed."""
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            return False
        computed = False
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    computed |= self.keys(value, scope, found)
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.add(key.value)
                    self._nested(value, scope, found)
                else:
                    raise Unresolved(f"{self.where(key)}: a computed key {ast.unparse(key)!r}")
            return computed
        if isinstance(node, ast.DictComp):
            (generator,) = node.generators
            if not (
                isinstance(node.key, ast.Name)
                and isinstance(generator.target, ast.Name)
                and node.key.id == generator.target.id
            ):
                raise Unresolved(f"{self.where(node)}: cannot follow {ast.unparse(node)!r}")
            found |= self.strings(generator.iter, scope)
            return False
        if isinstance(node, ast.IfExp):
            return self.keys(node.body, scope, found) | self.keys(node.orelse, scope, found)
        if isinstance(node, ast.BoolOp):
            for value in node.values:  # every operand, not any(): each adds its keys
                computed |= self.keys(value, scope, found)
            return computed
        if isinstance(node, ast.Call):
            name = (
                node.func.attr if isinstance(node.func, ast.Attribute) else ast.unparse(node.func)
            )
            if name == "diff":  # services.diff(before, after): the keys of `after`
                return self.keys(node.args[1], scope, found)
            if name in self.functions:  # a snapshot or helper in the same module
                function = self.functions[name]
                for ret in ast.walk(function):
                    if isinstance(ret, ast.Return):
                        computed |= self.keys(ret.value, function, found)
                return computed
        if isinstance(node, ast.Name):
            if self.is_passed_on(node.id, scope):
                return False
            values = self.assignments(node.id, scope)
            if values:
                for value in values:
                    computed |= self.keys(value, scope, found)
                return computed | self._subscripts(node.id, scope, found)
        raise Unresolved(f"{self.where(node)}: cannot follow {ast.unparse(node)!r}")

    def _subscripts(self, name: str, scope: ast.FunctionDef | None, found: set[str]) -> bool:
        """`changes["evidence"] = ...` after the dict was built."""
        computed = False
        for node in ast.walk(scope or self.tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == name
                    ):
                        if isinstance(target.slice, ast.Constant):
                            found.add(target.slice.value)
                        else:
                            computed = True
        return computed

    def _nested(self, value: ast.expr, scope: ast.FunctionDef | None, found: set[str]) -> None:
        """A dict recorded as one value ({"counts": counts}) shows its keys too."""
        if isinstance(value, ast.Dict):
            self.keys(value, scope, found)
        elif isinstance(value, ast.Name) and not self.is_passed_on(value.id, scope):
            assigned = self.assignments(value.id, scope)
            if assigned and all(isinstance(v, ast.Dict) for v in assigned):
                self.keys(value, scope, found)


def _is_writer_call(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name in {"audit_record", "audit_entry", "record_export"}:
        return name
    if name == "record" and (
        isinstance(func, ast.Name)
        or (isinstance(func.value, ast.Name) and func.value.id == "audit")
    ):
        return name
    if ast.unparse(func) in {"AuditEntry", "AuditEntry.objects.create"}:
        return "AuditEntry"
    return None


def collect() -> Found:
    found = Found()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = Module(path)
            for node in ast.walk(module.tree):
                if not isinstance(node, ast.Call) or not (writer := _is_writer_call(node)):
                    continue
                scope = module.function_of(node)
                kwargs = {k.arg: k.value for k in node.keywords}
                if writer == "record_export":
                    actions = {"export"}
                elif writer == "record":
                    actions = module.strings(node.args[1], scope)
                else:
                    actions = module.strings(kwargs["action"], scope)
                keys: set[str] = set()
                computed = module.keys(kwargs.get("changes", kwargs.get("details")), scope, keys)
                found.actions |= actions
                # A writer that hands its action on (record() adds the client's address to every
                # request entry) records these keys for whatever action it is given: under "".
                for action in actions or {""}:
                    found.keys[action] |= keys
                    if computed:
                        found.keyed_by_value.add(action)
    return found


def missing_labels(found: Found) -> list[str]:
    missing = [
        f"action {code!r}"
        for code in sorted(found.actions)
        if not CJK.search(audit_labels.action_label(code))
    ]
    # Each (action, key) pair must read in Chinese under that action.
    missing += [
        f"field {key!r} of {action!r}"
        for action in sorted(found.keys)
        for key in sorted(found.keys[action])
        if not CJK.search(audit_labels.field_label(key, action))
    ]
    return missing


@pytest.fixture(scope="module")
def found() -> Found:
    return collect()


@pytest.fixture(autouse=True)
def _chinese():  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        yield


def test_it_finds_the_actions_and_fields_the_code_writes(found: Found) -> None:
    # Each way the collector follows a value shows here once, so a collector that silently stops
    # following one (and so passes everything) fails.
    assert {
        "auth.login_failed",  # record(request, "...") in audit.py
        "export",  # record_export(...)
        "review.publish",  # f"review.{action}"
        "rectification.close",  # action, title = "...", ...
        "ledger.reject",  # "..." if approve else "..."
        "template.import",
        "demo.seed_province",
    } <= found.actions
    assert {"ip", "user_agent"} <= found.keys[""]  # record() adds them to every request entry
    assert {"username", "locked_out"} <= found.keys["auth.login_failed"]
    assert {"what", "path", "filters"} <= found.keys["export"]
    assert {"sort_order", "responsible_post", "ref"} <= found.keys["checklist_item.update"]
    assert {"meeting", "evidence", "is_late"} <= found.keys["obligation.fill"]
    assert {"weight_process", "report_deadline"} <= found.keys["scheme.update"]
    assert {"create", "update", "deactivate"} <= found.keys["template.import"]
    assert {"counts", "provinces", "opinions"} <= found.keys["demo.seed_province"]
    assert {"comment", "status"} <= found.keys["review.return"]
    assert {"source", "responsible_person"} <= found.keys["rectification.create"]
    assert {"target", "form", "decided_on"} <= found.keys["accountability.update"]


def test_it_labels_every_action_and_field_in_chinese(found: Found) -> None:
    missing = missing_labels(found)
    assert not missing, "add to responsibility/audit_labels.py: " + ", ".join(missing)


def test_it_labels_computed_keys_explicitly(found: Found) -> None:
    # Changes keyed by something computed (a review's scores by item ref) need their own rule.
    assert found.keyed_by_value == audit_labels.KEYED_BY_ITEM_REF
    assert audit_labels.field_label("1.2", "review.score") == "事项 1.2"


@pytest.mark.parametrize(
    ("table", "key"),
    [(audit_labels.ACTIONS, "rectification.close"), (audit_labels.FIELDS, "responsible_person")],
)
def test_it_names_a_removed_label(found: Found, monkeypatch, table, key) -> None:
    monkeypatch.delitem(table, key)
    assert any(repr(key) in line for line in missing_labels(found))


def _choices() -> list[tuple[str, Any]]:
    from accountability.models import AccountabilityCase, Finding, Rectification
    from assessment.models import Grade, LedgerEntry, OrganisationReview
    from assessment.stale import Change
    from responsibility.models import Frequency, Obligation, Post, ReopenRequest

    return [  # an action that records the codes, and the choices they come from
        ("obligation.fill", Obligation.Status),
        ("checklist_item.update", Frequency),
        ("checklist_item.update", Post.Kind),
        ("grade_cap.add", Grade),
        ("reopen_request.grant", ReopenRequest.State),
        ("review.submit", OrganisationReview.Status),
        ("ledger.propose", LedgerEntry.Kind),
        ("ledger.approve", LedgerEntry.Status),
        ("results.stale", Change),
        ("person_results.stale", Change),
        ("rectification.update", Rectification.State),
        ("rectification.create", Rectification.SourceType),
        ("finding.create", Finding.Severity),
        ("accountability.update", AccountabilityCase.TargetType),
        ("accountability.update", AccountabilityCase.Form),
    ]


@pytest.mark.parametrize(
    ("action", "choices"), _choices(), ids=lambda c: getattr(c, "__qualname__", c)
)
def test_it_shows_coded_values_as_the_models_show_them(action, choices) -> None:
    for value, label in choices.choices:
        assert audit_labels.value_label(value, action) == str(label), value


def _words(html: str) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", html)
    return set(re.findall(r"[A-Za-z_]{2,}", text))


def test_it_renders_every_history_field_in_chinese(found: Found) -> None:
    codes = set(found.actions) | {key for keys in found.keys.values() for key in keys}
    codes |= {part for code in found.actions for part in code.split(".")}
    values = set(audit_labels.VALUES) | {
        v for table in audit_labels.VALUES_FOR.values() for v in table
    }
    for action in sorted(found.actions):
        if action in audit_labels.KEYED_BY_ITEM_REF:
            keys = {"1.2"}
        else:
            keys = found.keys[action] | found.keys[""]
        entry = AuditEntry(action=action, changes={key: [None, 1] for key in keys})
        html = render_to_string("_history_entry.html", {"entry": entry})
        assert CJK.search(html)
        leaked = _words(html) & codes
        assert not leaked, f"{action}: {sorted(leaked)} shown as code"
    for action, choices in _choices():
        codes_of = [value for value, _label in choices.choices]
        entry = AuditEntry(action=action, changes={"status": codes_of[:2], "kind": codes_of})
        html = render_to_string("_history_entry.html", {"entry": entry})
        leaked = _words(html) & values
        assert not leaked, f"{choices.__qualname__}: {sorted(leaked)} shown as code"


def test_it_shows_references_and_lists_readably() -> None:
    rows = audit_labels.change_rows(
        {"source": "accountability:12", "raters": ["张三", "李四"], "ref": "A1"}, "grade_cap.add"
    )
    assert rows == [
        ("来源", "问责记录 #12", None),
        ("测评人", "张三、李四", None),
        ("编号", "A1", None),
    ]
