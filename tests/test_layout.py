"""The shape of the code: a module past ~500 lines becomes a package (docs/style.md).

Migrations are generated and data files (under a `data/` folder) are not code to read, so they
do not count."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("responsibility", "assessment", "accountability", "config")
MAX_LINES = 500


def modules(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (root / app).rglob("*.py")
        if not {"migrations", "data"} & set(path.relative_to(root).parts)
    )


def too_long(paths: list[Path], root: Path = ROOT) -> list[str]:
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_no_module_passes_500_lines() -> None:
    found = too_long(modules())
    assert not found, f"split by concern (at most {MAX_LINES} lines):\n" + "\n".join(found)


def test_it_reads_the_apps_and_skips_migrations_and_data(tmp_path: Path) -> None:
    listed = {path.relative_to(ROOT).as_posix() for path in modules()}
    assert {
        "responsibility/scope/__init__.py",
        "config/settings.py",
        "assessment/models/schemes.py",
        "accountability/demo/__init__.py",
    } <= listed
    assert not any("/migrations/" in path for path in listed)
    # A long module is caught, a long migration or data file is not.
    for relative in ("assessment/long.py", "assessment/migrations/0001_x.py", "config/data/x.py"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    (tmp_path / "assessment" / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert too_long(modules(tmp_path), tmp_path) == [f"assessment/long.py: {MAX_LINES + 1} lines"]
