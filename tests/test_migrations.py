"""Migrations are history: their code must not follow the project's modules as those move on.

makemigrations names a field's callable (a validator, a default) through a top-level
`import app.module`; Django requires those to stay importable, and that is the one way a
migration may refer to the project. The data a migration writes is frozen in the migration (or a
file beside it): no function of a migration reaches into a project module.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_PACKAGES = {path.parent.name for path in BASE_DIR.glob("*/__init__.py")}
MIGRATION_FILES = sorted(
    path
    for app in apps.get_app_configs()
    if Path(app.path).is_relative_to(BASE_DIR)
    for path in (Path(app.path) / "migrations").glob("[0-9]*.py")
)


def project_references(path: Path) -> list[str]:
    """What the migration takes from the project beyond makemigrations' field references."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    imported = {
        alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.split(".")[0] in PROJECT_PACKAGES
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if node.level or module.split(".")[0] in PROJECT_PACKAGES:
                found.append(f"from {module} import …")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT_PACKAGES and node not in tree.body:
                    found.append(f"import {alias.name} (inside a function)")
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.Lambda):
            found += [
                f"{node.id} used in a function"
                for node in ast.walk(function)
                if isinstance(node, ast.Name) and node.id in imported
            ]
    return found


def test_it_finds_the_migrations_of_every_project_app() -> None:
    assert {path.parent.parent.name for path in MIGRATION_FILES} >= {
        "responsibility",
        "assessment",
        "accountability",
    }


@pytest.mark.parametrize("path", MIGRATION_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_it_takes_nothing_from_the_project_in_a_migration(path: Path) -> None:
    assert project_references(path) == [], path.relative_to(BASE_DIR)


@pytest.mark.parametrize(
    "source",
    [
        "def forward(apps, schema_editor):\n    from responsibility.default_templates import X\n",
        "def forward(apps, schema_editor):\n    import responsibility.default_templates\n",
        "import responsibility.default_templates\n"
        "def forward(apps, schema_editor):\n    responsibility.default_templates.load()\n",
        "from ..default_templates import X\n",
    ],
)
def test_it_catches_a_migration_that_reaches_into_the_project(tmp_path: Path, source: str) -> None:
    migration = tmp_path / "0099_data.py"
    migration.write_text(source, encoding="utf-8")
    assert project_references(migration)
