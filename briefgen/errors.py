"""Errors and problems.

A *problem* is one thing wrong with the user's input, located by file, line and
field. Stages collect every problem they can find and raise them together as one
:class:`PackError`, so a user fixes a whole run's worth of mistakes at once.
The CLI turns a :class:`BriefgenError` into messages and an exit code; anything
else escaping is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One located finding: ``file:line: field: message [code]``."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    severity: Severity = "error"
    figure: str | None = None
    source: str | None = None

    def format(self) -> str:
        where = self.file or "<pack>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        prefix = ": ".join(parts)
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{prefix}: {tag}{self.message} [{self.code}]"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file or "", self.line or 0, self.field or "", self.code)


class BriefgenError(Exception):
    """Base class for every error that is the user's to fix (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems: list[Problem] = sorted(problems, key=Problem.sort_key)

    def lines(self) -> list[str]:
        if self.problems:
            return [p.format() for p in self.problems]
        return [str(self)]


class PackError(BriefgenError):
    """The content pack could not be loaded or resolved."""


class TemplateError(BriefgenError):
    """A template could not be found, read or rendered."""


class SourceError(BriefgenError):
    """A source document could not be read."""


class VerificationError(BriefgenError):
    """The pack is well formed, but its figures do not hold up against their sources."""

    exit_code = 1


class RenderError(BriefgenError):
    """An output could not be produced from valid input (for example over budget)."""


@dataclass
class ProblemLog:
    """Collects problems during a stage, then raises them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def error(self, code: str, message: str, **where: str | int | None) -> None:
        self.problems.append(Problem(code=code, message=message, **where))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def raise_if_errors(self, error_type: type[BriefgenError], summary: str) -> None:
        errors = self.errors
        if errors:
            count = len(errors)
            noun = "problem" if count == 1 else "problems"
            raise error_type(f"{summary}: {count} {noun}", errors)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
