"""The architecture holds: layers point down, each state machine has one driver, every event is handled
and documented."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps

from govern import events

ROOT = Path(__file__).resolve().parent.parent
# The project's apps, as the import contracts list them (one list to keep up to date).
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
    "root_packages"
]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    """A copy of the project where the registry imports the notice app: lint-imports refuses it."""
    for name in APPS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    services = tmp_path / "enterprises" / "services.py"
    services.write_text(
        services.read_text(encoding="utf-8") + "\nfrom notices.services import notice_issue\n",
        encoding="utf-8",
    )
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "enterprises is not allowed to import notices" in result.stdout
    assert "enterprises.services -> notices.services" in result.stdout


ORDER_STATE_WRITES = re.compile(
    r"\.(accept|mark_overdue|reject_evidence|reopen|submit_evidence)\(\)"
    r"|RectificationOrder\.objects[^\n]*\.update\([^)]*status"
    r"|\border\.status\s*="
)


def test_only_inspections_changes_a_rectification_orders_status():
    offenders = []
    for name in APPS:
        if name in ("inspections", "enterprises"):  # enterprises drives the remediation task's
            continue
        for path in (ROOT / name).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ORDER_STATE_WRITES.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def _event_classes() -> list[type[events.Event]]:
    found = []
    for config in apps.get_app_configs():
        if config.name not in APPS:
            continue
        try:
            module = __import__(f"{config.name}.events", fromlist=["*"])
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, events.Event)
                and value.__module__ == module.__name__
                and not value.__name__.endswith("Event")  # abstract bases
            ):
                found.append(value)
    return found


def test_every_event_and_every_reaction_is_in_the_architecture_doc():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    classes = _event_classes()
    assert len(classes) >= 20
    assert [c.__name__ for c in classes if f"`{c.__name__}`" not in doc] == []
    handlers = {s.handler.__name__ for c in classes for s in events.subscriptions(c)}
    assert len(handlers) >= 20
    assert sorted(h for h in handlers if f"`{h}`" not in doc) == []


@pytest.mark.parametrize("name", APPS)
def test_receivers_are_the_only_subscribers(name):
    """Subscriptions are made in receivers.py, so each app's reactions read as one table."""
    for path in (ROOT / name).rglob("*.py"):
        if path.name == "receivers.py" or "migrations" in path.parts:
            continue
        assert "@subscribe(" not in path.read_text(encoding="utf-8"), path
