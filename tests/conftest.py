"""Shared fixtures: the small packs under tests/fixtures and the real sources."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REAL_PACK = ROOT / "content" / "alibaba-ai-2025"


def shared_sources() -> Path:
    """The real source texts: $BRIEFGEN_SOURCES, else ../shared/sources beside the repo."""
    return Path(os.environ.get("BRIEFGEN_SOURCES", ROOT.parent / "shared" / "sources"))


@pytest.fixture
def mini_pack(tmp_path: Path) -> Path:
    """A writable copy of the smallest valid pack."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture
def sources_dir() -> Path:
    path = shared_sources()
    if not path.is_dir():
        pytest.skip(f"real sources not found at {path}")
    return path


INSTALL = "libreoffice-impress poppler-utils"
VERBOSE = FIXTURES / "verbose"  # a pack with every text near its limit: pack/ and sources/


def require_tools(*tools: str) -> None:
    """Skip when a rendering tool (``soffice``, ``pdftoppm`` ...) is missing; fail under CI."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = f"not installed: {', '.join(missing)} (sudo apt-get install {INSTALL})"
    if os.environ.get("CI"):
        pytest.fail(f"CI must render decks; {message}")
    pytest.skip(message)


def default_ctrl_c() -> None:
    """For a child process that tests send SIGINT: a job started in the background
    inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A writable copy of the checked fixture: ``pack/`` and ``sources/``."""
    target = tmp_path / "case"
    shutil.copytree(FIXTURES / "checked", target)
    return target


def edit_text(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path`` by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
