"""Commands for many packs or repeated builds: batch builds and watch mode."""

from __future__ import annotations

from briefgen.cli import app, user_errors  # noqa: F401
