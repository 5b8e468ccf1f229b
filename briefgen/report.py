"""Check reports: text for people, JSON for tools, GitHub annotations, JUnit XML."""

from __future__ import annotations

import json
from typing import Literal
from xml.etree import ElementTree

from briefgen.errors import Problem
from briefgen.verify import Report

Format = Literal["text", "json", "github", "junit"]
FORMATS: tuple[Format, ...] = ("text", "json", "github", "junit")


def _totals(report: Report) -> dict[str, object]:
    return {
        "figures": report.figures,
        "cited": report.cited,
        "derived": report.derived,
        "verified": report.verified,
        "coverage": round(report.coverage, 1),
        "errors": len(report.errors),
        "warnings": len(report.problems) - len(report.errors),
    }


def _problem_json(problem: Problem) -> dict[str, object]:
    return {
        "severity": problem.severity,
        "code": problem.code,
        "message": problem.message,
        "file": problem.file,
        "line": problem.line,
        "field": problem.field,
        "figure": problem.figure,
        "source": problem.source,
    }


def _problems(report: Report) -> list[Problem]:
    return sorted(report.problems, key=Problem.sort_key)


def render_json(report: Report, pack: str) -> str:
    payload = {
        "pack": pack,
        "ok": report.ok,
        "totals": _totals(report),
        "problems": [_problem_json(p) for p in _problems(report)],
        "conflicts": [
            {
                "figures": list(c.figures),
                "values": list(c.values),
                "sources": list(c.sources),
                "resolution": c.resolution,
                "stands": c.stands,
            }
            for c in report.conflicts
        ],
        "citations": [
            {"figure": c.figure, "source": c.source, "locator": c.locator, "verified": c.ok}
            for c in report.citations
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def render_text(report: Report, pack: str) -> str:
    lines = [p.format() for p in _problems(report)]
    for conflict in report.conflicts:
        a, b = conflict.figures
        status = (
            f"resolved by '{conflict.resolution}': '{conflict.stands}' stands"
            if conflict.resolution
            else "UNRESOLVED"
        )
        lines.append(
            f"conflict: {a} = {conflict.values[0]} ({conflict.sources[0]}) vs "
            f"{b} = {conflict.values[1]} ({conflict.sources[1]}): {status}"
        )
    totals = _totals(report)
    verdict = "ok" if report.ok else "FAILED"
    lines.append(
        f"{pack}: {verdict}: {totals['verified']}/{totals['figures']} figures verified "
        f"({totals['coverage']}%), {totals['cited']} cited, {totals['derived']} derived; "
        f"{totals['errors']} errors, {totals['warnings']} warnings"
    )
    return "\n".join(lines) + "\n"


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_github(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, pack: str) -> str:
    lines = []
    for problem in _problems(report):
        level = "error" if problem.severity == "error" else "warning"
        props = []
        if problem.file:
            props.append(f"file={_escape_property(problem.file)}")
        if problem.line:
            props.append(f"line={problem.line}")
        props.append(f"title={_escape_property(problem.code)}")
        where = f"{problem.field}: " if problem.field else ""
        lines.append(f"::{level} {','.join(props)}::{_escape_github(where + problem.message)}")
    lines.append(render_text(report, pack).strip().splitlines()[-1])
    return "\n".join(lines) + "\n"


def render_junit(report: Report, pack: str) -> str:
    """One test case per figure, failed by its errors; pack-wide errors get a case of their own."""
    suite = ElementTree.Element("testsuite", name=f"briefgen check {pack}")
    by_figure: dict[str | None, list[Problem]] = {}
    for problem in report.errors:
        by_figure.setdefault(problem.figure, []).append(problem)
    names = [c.figure for c in report.citations]
    cases = list(dict.fromkeys([*names, *(k for k in by_figure if k)]))
    if None in by_figure:
        cases.append("pack")
    for name in cases:
        case = ElementTree.SubElement(suite, "testcase", classname=pack, name=name or "pack")
        for problem in by_figure.get(None if name == "pack" else name, []):
            failure = ElementTree.SubElement(
                case, "failure", message=problem.message, type=problem.code
            )
            failure.text = problem.format()
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(len(v) for v in by_figure.values())))
    suite.set("errors", "0")
    ElementTree.indent(suite)
    body = ElementTree.tostring(suite, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def render(report: Report, pack: str, fmt: Format) -> str:
    renderers = {
        "text": render_text,
        "json": render_json,
        "github": render_github,
        "junit": render_junit,
    }
    return renderers[fmt](report, pack)
