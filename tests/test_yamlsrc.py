"""The YAML reader: the quick pass over events and the careful reader agree.

A well-formed file is read in one pass over libyaml's events; anything out of the
ordinary goes to the careful reader, which reports each problem on its line. Both
must give the same data (types included: ``1.0`` is not ``1.00``), the same line
for every path, and for a file with problems, the careful reader's problems.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from briefgen.yamlcheck import parse_carefully
from briefgen.yamlsrc import _parse_quickly, parse_yaml

from .conftest import FIXTURES, ROOT


def _typed(value: Any) -> Any:
    """``value`` with every leaf tagged by its type and exact text, for comparison."""
    if isinstance(value, dict):
        return ("map", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("seq", [_typed(item) for item in value])
    return (type(value).__name__, repr(value))


def _agree(text: str) -> bool:
    """Whether the quick pass read ``text`` (False: it handed it on), asserting agreement."""
    careful, problems = parse_carefully(text, "f.yaml")
    quick = _parse_quickly(text)
    doc, found = parse_yaml(text, "f.yaml")
    assert [p.format() for p in found] == [p.format() for p in problems]
    if quick is None:
        return False
    assert not problems, "the quick pass read a file that has problems"
    assert careful is not None and doc is not None
    assert _typed(quick[0]) == _typed(careful.data) == _typed(doc.data)
    assert list(quick[1].items()) == list(careful.lines.items()) == list(doc.lines.items())
    return True


_PACK_FILES = sorted(
    [
        *(ROOT / "content").rglob("*.yaml"),
        *FIXTURES.rglob("*.yaml"),
        *(ROOT / "briefgen" / "templates").rglob("*.yaml"),
    ]
)


@pytest.mark.parametrize("path", _PACK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_of_the_project_reads_the_same_both_ways(path: Any) -> None:
    quick = _agree(path.read_text(encoding="utf-8"))
    assert quick or path.parent.name == "hostile"


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # alias
        "a: 1\na: 2\n",  # duplicate key
        "a: !!python/name:os.system x\n",  # tag
        "a: !!str 12\n",  # a harmless tag: same data, read carefully
        "? [a, b]\n: 1\n",  # a key that is a list
        "<<: {a: 1}\n",  # merge key
        '"two\\nlines": 1\n',  # a key that is no plain name
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # syntax error
        'a: "x\\x01y"\n',  # a control character made by an escape
        "a: " + "9" * 101 + "\n",  # a number too long
        "a: 1.5e+101\n",  # an exponent too large
        "a: =\n",  # a plain scalar YAML reads as a 'value' tag
        "x:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60)),  # too deep
        "[" * 100_000,  # deep enough to crash a recursive composer
    ],
)
def test_anything_unusual_is_read_carefully(text: str) -> None:
    assert not _agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "---\n",
        "a:\n",
        "- 1\n- [2, {b: c}]\n",
        "plain scalar\n",
        "a: 1.0\nb: 1.00\nc: -0.0\nd: 0x1F\ne: 0755\nf: 1_000\ng: .inf\nh: 1:30\n",
        "a: yes\nb: No\nc: ~\nd: null\ne: 2025-03-31\nf: '12'\ng: \"x\"\n",
        "a: |\n  block\n  text\nb: >\n  folded\n  text\n",
        "a: {b: [1, {c: [d, e]}], f: {}}\ng: []\n",
        '"quoted key": 1\n1: one\nnull: nothing\n',
        "a: &anchor 1\n",  # an anchor without an alias: composed as usual
    ],
)
def test_ordinary_files_read_the_same_both_ways(text: str) -> None:
    _agree(text)


_KEYS = st.one_of(
    st.sampled_from(["id", "value", "a b", "1", "yes", "null", "<<", "~", "-x", "k:v"]),
    st.text(max_size=8),
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.decimals(allow_nan=False, allow_infinity=False).map(str).map(Decimal),
    st.dates(),
    st.text(max_size=20),
    st.sampled_from(["yes", "off", "0x1F", "0755", "1:30", ".inf", "1e5", "=", "<<", "*a"]),
)
_DATA = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)


def _dumped(data: Any, flow: bool) -> str:
    """``data`` as YAML, Decimals written as bare numbers as a pack writes them."""

    class Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))

    Dumper.add_representer(Decimal, decimal)
    return yaml.dump(data, Dumper=Dumper, default_flow_style=flow, allow_unicode=True)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_DATA, st.booleans(), st.integers(min_value=0, max_value=60), st.text(max_size=3))
def test_any_document_reads_the_same_both_ways(
    data: Any, flow: bool, cut: int, insert: str
) -> None:
    text = _dumped(data, flow)
    event(f"whole: {'quick' if _agree(text) else 'careful'}")
    damaged = text[:cut] + insert + text[cut:]
    event(f"damaged: {'quick' if _agree(damaged) else 'careful'}")
