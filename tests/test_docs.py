"""Documentation stays true: every problem code the code can raise is explained."""

from __future__ import annotations

import re

from .conftest import ROOT

_NOT_CODES = {"built-in", "utf-8", "value-ok"}


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "briefgen").rglob("*.py"):
        codes |= set(re.findall(r'"([a-z]+(?:-[a-z0-9]+)+)"', path.read_text(encoding="utf-8")))
    return codes - _NOT_CODES


def test_every_problem_code_is_documented() -> None:
    documented = set(
        re.findall(r"`([a-z]+(?:-[a-z0-9*]+)+)`", (ROOT / "docs" / "problems.md").read_text())
    )
    missing = sorted(_codes_in_source() - documented)
    assert not missing, f"add these codes to docs/problems.md: {missing}"


def test_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in readme
    assert ".venv/bin/python -m pytest" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in ci  # CI runs the README's test command
