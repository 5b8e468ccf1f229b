"""Authoring commands: scaffolding packs, finding quotes, schemas, auditing decks."""

from __future__ import annotations

from briefgen.cli import app, user_errors  # noqa: F401
