"""The production image installs production dependencies only:
requirements.lock holds no test or lint tool, the Dockerfile installs it (and
not requirements-dev.lock), and every dependency pyproject.toml declares is
pinned in it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEV_TOOLS = ["pytest", "pytest-django", "playwright", "hypothesis", "ruff", "import-linter"]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(lock: str) -> dict[str, str]:
    """{name: version} of a `uv pip compile` lock file."""
    pins = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", line):
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def requirement_name(requirement: str) -> str:
    return canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group(0))


def test_the_production_lock_holds_no_test_or_lint_tool():
    production = pinned("requirements.lock")

    assert len(production) > 20
    assert [tool for tool in DEV_TOOLS if tool in production] == []
    assert all(tool in pinned("requirements-dev.lock") for tool in DEV_TOOLS)


def test_the_dockerfile_installs_the_production_lock_only():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    code = "\n".join(instructions)

    assert re.search(r"^COPY requirements\.lock ", code, re.M)
    assert re.search(r"^RUN pip install -r requirements\.lock\b", code, re.M)
    assert "requirements-dev" not in code
    assert not re.search(r"pip install[^\n]*\b(" + "|".join(map(re.escape, DEV_TOOLS)) + r")\b", code)


def test_every_declared_dependency_is_pinned_in_both_locks_at_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    production, development = pinned("requirements.lock"), pinned("requirements-dev.lock")

    for requirement in project["dependencies"]:
        name = requirement_name(requirement)
        assert name in production, f"{name} is declared in pyproject.toml but not pinned in requirements.lock"
        assert development.get(name) == production[name], f"{name}: the two locks pin different versions"
    for requirement in project["optional-dependencies"]["dev"]:
        assert requirement_name(requirement) in development
