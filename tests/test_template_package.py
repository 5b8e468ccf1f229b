"""The built-in templates ship inside the package: a non-editable build carries every
file of every template folder, and briefgen run from that build finds them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.templates import BUILTIN_DIR

from .conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as setuptools builds it for a wheel (``build_py``), from a clean copy."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools not installed")
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "briefgen", src / "briefgen", ignore=shutil.ignore_patterns("__pycache__")
    )
    lib = src.parent / "lib"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import setup; setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(lib),
        ],
        cwd=src,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return lib


def test_build_carries_every_template_file(built: Path) -> None:
    wanted = sorted(p.relative_to(BUILTIN_DIR) for p in BUILTIN_DIR.rglob("*") if p.is_file())
    assert len(wanted) >= 12
    shipped = built / "briefgen" / "templates"
    assert sorted(p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file()) == wanted


def test_installed_package_finds_and_uses_its_templates(built: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(built)}
    listed = subprocess.run(
        [sys.executable, "-m", "briefgen", "templates"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    for name in ("board", "default", "ic", "teaser"):
        assert f"built-in: {built / 'briefgen' / 'templates' / name}" in listed.stdout
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "briefgen",
            "build",
            str(FIXTURES / "full"),
            "--template",
            "ic",
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "out" / "full-ic.pptx").is_file()
