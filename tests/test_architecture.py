"""The architecture as rules that fail when broken (the layout is in the
README): permissions are decided in the access package only, views never
touch the ORM, and the import contracts in pyproject.toml hold."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ["collaborations", "reporting", "portal"]
ACCESS = ROOT / "collaborations" / "access"
PERMISSION_ATTRIBUTES = {"is_superuser", "has_perm", "has_perms", "get_all_permissions"}


def python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def permission_questions(path: Path) -> list[tuple[int, str]]:
    """(line, what) where `path` imports guardian or asks a user about permissions itself."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "guardian" for a in node.names):
            found.append((node.lineno, "imports guardian"))
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "guardian":
            found.append((node.lineno, "imports guardian"))
        if isinstance(node, ast.Attribute) and node.attr in PERMISSION_ATTRIBUTES:
            found.append((node.lineno, f"asks .{node.attr}"))
    return sorted(found)


def test_it_decides_permissions_only_in_the_access_package():
    offenders = [f"{path.relative_to(ROOT)}:{line} {what}" for path in python_files() if ACCESS not in path.parents
                 for line, what in permission_questions(path)]
    assert offenders == []


def test_it_keeps_permission_questions_out_of_the_templates():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if any(word in p.read_text() for word in ("is_superuser", "perms.", "has_perm"))]
    assert offenders == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from guardian.shortcuts import assign_perm\nimport guardian\nif user.is_superuser:\n"
                      "    user.has_perm('x')\nUser(is_superuser=True)\n")
    assert permission_questions(sample) == [(1, "imports guardian"), (2, "imports guardian"),
                                            (3, "asks .is_superuser"), (4, "asks .has_perm")]


def test_it_keeps_the_orm_out_of_views():
    offenders = []
    for path in python_files():
        if path.stem != "views":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if (module or "").startswith("django.db") or any(n.startswith("django.db") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses .objects")
    assert offenders == []


def test_it_keeps_the_import_contracts():
    """import-linter's contracts in pyproject.toml (also run by `make lint`)."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
