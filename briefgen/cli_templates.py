"""Template commands: listing, inspecting and creating templates."""

from __future__ import annotations

from briefgen.cli import app, user_errors  # noqa: F401
