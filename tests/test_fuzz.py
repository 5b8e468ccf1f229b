"""Fuzzing: any pack gives valid outputs or a clean BriefgenError, never another exception.

Hypothesis writes small packs whose texts mix scripts and hazards (CJK, right-to-left
Arabic and Hebrew with direction marks, emoji with ZWJ sequences and skin tones,
combining marks, very long words, Markdown and brace characters, odd spaces, control
characters and YAML escapes of lone surrogates) and whose numbers and dates run to the
extremes (huge and tiny exponents, ``-0``, year 1 and year 9999). Each pack is built
in-process with every built-in template, with its sources but ``verify`` off so that
bad quotes do not stop the renderers; a build that succeeds must give a deck that
python-pptx reopens with the slide count reported, and a UTF-8 brief. ``check`` runs
on the same pack.

Profiles: ``ci`` (500 examples) when ``CI`` is set, else ``dev`` (60); or choose with
``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from pptx import Presentation

from briefgen.build import BuildOptions, build, check
from briefgen.errors import BriefgenError

from .conftest import ROOT

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
}
settings.register_profile("ci", max_examples=500, **_COMMON)
settings.register_profile("dev", max_examples=60, **_COMMON)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

TEMPLATES = sorted(p.parent.name for p in (ROOT / "briefgen" / "templates").glob("*/manifest.yaml"))

# -- texts ----------------------------------------------------------------------------

_LATIN = st.from_regex(r"[A-Za-z][a-z ,.'-]{0,30}[a-z]", fullmatch=True)
_CJK = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.sampled_from("，。「」（）：、"),
    ),
    min_size=1,
    max_size=20,
)
_RTL = st.text(
    alphabet=st.one_of(
        # Arabic-Indic digits are digits: prose refuses them as it does 0-9.
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF, exclude_categories=["Nd"]),
        st.characters(min_codepoint=0x0590, max_codepoint=0x05FF),
        st.sampled_from(" \u200f\u200e\u202b\u202c\u202e\u2067\u2069"),
    ),
    min_size=1,
    max_size=20,
)
_EMOJI = st.sampled_from(
    [
        "👍",
        "👍🏽",
        "👨‍👩‍👧‍👦",
        "🏳️‍🌈",
        "🇨🇳",
        "❤️",
        "🧑🏿‍💻",
        "\U0001f600",
        "👩‍❤️‍💋‍👨",
    ]
)
_COMBINING = st.sampled_from(["e\u0301", "a\u0308\u0323", "Z̷̢̛̪a̸l̵g̶o̴", "\u0915\u094d\u0937", "ñ"])
_LONG_WORD = st.integers(min_value=30, max_value=150).map(lambda n: ("Donau" * n)[:n])
_MARKDOWN = st.sampled_from(["*", "_", "[", "]", "<", ">", "|", "`", "\\", "#", "<br>", "&amp;"])
_SPACES = st.sampled_from(["\u00a0", "\t", "\u3000", "\u2028", "\u200b", "\ufeff", "  ", "\u2029"])
_DIGITS = st.sampled_from(["2025", "12%", "Q4", "88VIP", "3.5", "1,000", "Qwen2.5-Max"])
_BRACES = st.sampled_from(["{", "}", "{{", "}}", "{name:Qwen 2.5}", "{nope}"])
_ANY = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_CONTROL = st.characters(categories=["Cc"]).map(str)

_SAFE_FRAGMENT = st.one_of(
    _LATIN, _LATIN, _LATIN, _CJK, _RTL, _EMOJI, _COMBINING, _LONG_WORD, _MARKDOWN, _SPACES
)
_HOSTILE_FRAGMENT = st.one_of(_SAFE_FRAGMENT, _DIGITS, _BRACES, _ANY, _CONTROL)


def _text(hostile: bool, max_parts: int = 4) -> st.SearchStrategy[str]:
    """Fragments of every kind run together, starting with a word so that few are blank."""
    fragment = _HOSTILE_FRAGMENT if hostile else _SAFE_FRAGMENT
    rest = st.lists(fragment, max_size=max_parts - 1).map("".join)
    return st.tuples(st.one_of(_LATIN, _CJK, _RTL), rest).map("".join)


# -- numbers and dates ---------------------------------------------------------------

_EXTREME = st.sampled_from(
    [
        Decimal("-0"),
        Decimal("0"),
        Decimal("0.000001"),
        Decimal("1e-7"),
        Decimal("1e-30"),
        Decimal("-1e-30"),
        Decimal("999999999999999"),
        Decimal("-999999999999999"),
        Decimal("1E+400"),
        Decimal("1E+14"),
        Decimal(10**400),
        Decimal("123456789.123456"),
        Decimal("-0.5"),
    ]
)
_PLAIN_VALUE = st.integers(min_value=0, max_value=3).flatmap(
    lambda places: st.decimals(
        min_value=Decimal("-1000000"),
        max_value=Decimal("1000000"),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )
)
_EXTREME_VALUE = st.one_of(
    _EXTREME, _PLAIN_VALUE, st.integers(min_value=-(10**20), max_value=10**20).map(Decimal)
)
_PLAIN_DAY = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
_EXTREME_DAY = st.one_of(
    _PLAIN_DAY,
    st.dates(),
    st.sampled_from(
        [date(1, 1, 1), date(9999, 12, 31), date(1900, 1, 1), date(2199, 12, 31), date(2000, 2, 29)]
    ),
)


class _Number:
    """A number written into the YAML as typed, plain or in exponent form."""

    def __init__(self, value: Decimal, plain: bool) -> None:
        self.text = format(value, "f") if plain and abs(value.adjusted()) < 60 else str(value)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # write shared values out: the loader refuses aliases


_Dumper.add_representer(
    _Number, lambda dumper, n: dumper.represent_scalar("tag:yaml.org,2002:float", n.text)
)

# -- packs ----------------------------------------------------------------------------

# Uniform, unlike st.integers(), which favours its bounds.
_ONE_IN_FOUR = st.sampled_from([False, False, False, True])
_ONE_IN_TEN = st.sampled_from([False] * 9 + [True])

_KINDS = ["amount", "percent", "pp", "count", "ratio", "multiple"]


@st.composite
def _figure(draw: st.DrawFn, index: int, hostile: bool, extreme: bool) -> dict[str, Any]:
    kind = draw(st.sampled_from(_KINDS))
    day = _EXTREME_DAY if extreme else _PLAIN_DAY
    start, end = sorted([draw(day), draw(day)])
    value = draw(_EXTREME_VALUE if extreme else _PLAIN_VALUE)
    figure: dict[str, Any] = {
        "id": f"f{index}",
        "label": draw(_text(hostile, 3)),
        "metric": draw(st.sampled_from(["revenue", "profit", "users"])),
        "value": _Number(value, draw(st.booleans())),
        "kind": kind,
        "period": {"start": start, "end": end},
        "citations": [{"source": "s0", "quote": f"rose to {value} percent"}],
    }
    if kind == "amount" or draw(_ONE_IN_TEN):
        figure["currency"] = draw(st.sampled_from(["CNY", "USD", "HKD", "EUR"]))
    if draw(st.booleans()):
        figure["scale"] = draw(st.sampled_from(["unit", "thousand", "million", "billion"]))
    if draw(st.booleans()):
        figure["bound"] = draw(st.sampled_from(["exact", "over", "about", "up_to"]))
    if draw(st.booleans()):
        figure["basis"] = draw(st.sampled_from(["level", "yoy", "qoq", "target"]))
    return figure


@st.composite
def _prose(draw: st.DrawFn, ids: list[str], hostile: bool) -> str:
    reference = st.sampled_from(ids).map("{{{}}}".format)
    parts = draw(st.lists(st.one_of(_text(hostile, 2), reference), max_size=4))
    return draw(_text(hostile, 2)) + "".join(parts)


@st.composite
def packs(draw: st.DrawFn) -> dict[str, Any]:
    # A pack is hostile in its texts, or extreme in its numbers and dates, a quarter of the
    # time each: mostly packs get far enough to be rendered.
    hostile = draw(_ONE_IN_FOUR)
    extreme = draw(_ONE_IN_FOUR)
    day = _EXTREME_DAY if extreme else _PLAIN_DAY
    count = draw(st.integers(min_value=1, max_value=3))
    figures = [draw(_figure(i, hostile, extreme)) for i in range(count)]
    ids = [f["id"] for f in figures]
    meta: dict[str, Any] = {
        "name": "fuzz",
        "company": draw(_text(hostile, 2)),
        "title": draw(_text(hostile, 3)),
        "as_of": draw(day),
        "fiscal_year_end_month": draw(st.integers(min_value=1, max_value=12)),
        "currency": draw(st.sampled_from(["CNY", "USD"])),
        "headline": draw(_prose(ids, hostile)),
        "summary": draw(st.lists(_prose(ids, hostile), min_size=1, max_size=2)),
        "key_figures": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)),
    }
    if draw(st.booleans()):
        meta["subtitle"] = draw(_text(hostile, 2))
    if draw(st.booleans()):
        meta["company_local"] = draw(_CJK)
    sections: dict[str, Any] = {
        "sources": [
            {
                "id": "s0",
                "title": draw(_text(hostile, 3)),
                "publisher": draw(_text(hostile, 2)),
                "kind": "news",
                "file": "s0.txt",
                "published": draw(day),
            }
        ],
        "figures": figures,
        "pillars": [
            {
                "id": f"p{i}",
                "title": draw(_text(hostile, 2)),
                "summary": draw(_prose(ids, hostile)),
                "evidence": draw(st.lists(_prose(ids, hostile), max_size=2)),
                "sources": ["s0"],
            }
            for i in range(draw(st.integers(min_value=0, max_value=2)))
        ],
        "risks": [
            {
                "id": f"r{i}",
                "title": draw(_text(hostile, 2)),
                "detail": draw(_prose(ids, hostile)),
                "severity": draw(st.sampled_from(["low", "medium", "high"])),
                "likelihood": draw(st.sampled_from(["low", "medium", "high"])),
                "sources": ["s0"],
            }
            for i in range(draw(st.integers(min_value=0, max_value=2)))
        ],
    }
    if draw(_ONE_IN_FOUR):  # a chart of figures of mixed units is refused: not too often
        sections["charts"] = [
            {
                "id": "c0",
                "title": draw(_text(hostile, 2)),
                "type": draw(st.sampled_from(["column", "bar", "line"])),
                "categories": [draw(_text(hostile, 1)) for _ in ids],
                "series": [{"name": draw(_text(hostile, 1)), "figures": ids}],
            }
        ]
    if draw(st.booleans()):
        first = figures[0]
        meta["highlights"] = {
            "periods": [first["period"]],
            "rows": [{"label": draw(_text(hostile, 1)), "metric": first["metric"]}],
        }
    escapes = ["\\ud800", "\\udfff\\ud800", "\\x85", "\\u2028", "\\uFFFE", "\\0", "\\x07"]
    escape = draw(st.sampled_from(escapes)) if draw(_ONE_IN_TEN) else None
    return {
        "meta": meta,
        "sections": sections,
        "escape": escape,
        "unicode": draw(st.booleans()),
        "template": draw(st.sampled_from(TEMPLATES)),
    }


def _write_pack(spec: dict[str, Any], root: Path) -> tuple[Path, Path]:
    pack, sources = root / "fuzz", root / "sources"
    pack.mkdir()
    sources.mkdir()
    unicode = spec["unicode"]
    meta = dict(spec["meta"])
    if spec["escape"] is not None:
        meta.pop("subtitle", None)
    text = yaml.dump(meta, Dumper=_Dumper, allow_unicode=unicode, sort_keys=False)
    if spec["escape"] is not None:
        text += f'subtitle: "Fuzz {spec["escape"]} pack"\n'  # a YAML escape, not a character
    (pack / "pack.yaml").write_text(text, encoding="utf-8")
    for name, items in spec["sections"].items():
        dumped = yaml.dump({name: items}, Dumper=_Dumper, allow_unicode=unicode, sort_keys=False)
        (pack / f"{name}.yaml").write_text(dumped, encoding="utf-8")
    quotes = [c["quote"] for f in spec["sections"]["figures"] for c in f["citations"]]
    (sources / "s0.txt").write_text("\n".join(quotes) + "\n", encoding="utf-8")
    return pack, sources


def _built_or_refused(pack: Path, sources: Path, out: Path, template: str) -> bool:
    """True when the build wrote outputs, which are then checked; False when it refused."""
    options = BuildOptions(
        pack, out, template=template, sources_dir=sources, project_dir=out, verify=False
    )
    try:
        result = build(options)
    except BriefgenError as exc:
        assert exc.lines(), "a refusal must say why"
        assert not out.exists() or not any(out.iterdir()), "a refused build wrote files"
        event(f"refused: {exc.problems[0].code if exc.problems else exc}")
        return False
    event("built")
    deck = Presentation(str(result.deck))
    assert len(deck.slides) == result.slides > 0
    assert result.brief.read_bytes().decode("utf-8").strip()
    assert sorted(p.name for p in out.iterdir()) == sorted([result.deck.name, result.brief.name])
    again = build(replace(options, out_dir=out.with_name("again")))
    assert again.deck.read_bytes() == result.deck.read_bytes(), "a rebuild gave other bytes"
    assert again.brief.read_bytes() == result.brief.read_bytes()
    return True


@given(packs())
def test_any_pack_builds_or_is_refused_cleanly(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pack, sources = _write_pack(spec, Path(tmp))
        _built_or_refused(pack, sources, Path(tmp) / "out", spec["template"])
        try:
            check(BuildOptions(pack, sources_dir=sources, template=spec["template"]))
        except BriefgenError as exc:
            assert exc.lines()


# -- any bytes, any value anywhere ------------------------------------------------------

_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.dates(),
    st.sampled_from(["", " ", "~", "<<", "*a", "&a", "!!python/name:os.system", "1e400000000"]),
)
_VALUE_ANYWHERE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12), inner, max_size=4),
    ),
    max_leaves=12,
)


@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_any_bytes_are_a_yaml_file_or_its_problems(raw: bytes) -> None:
    from briefgen.yamlsrc import read_yaml

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.yaml"
        path.write_bytes(raw)
        doc, problems = read_yaml(path, "any.yaml")
    assert doc is not None or problems  # a document, or why there is none
    for problem in problems:
        assert "\n" not in problem.format(), "a problem is one line"


@st.composite
def _mutated_pack(draw: st.DrawFn) -> tuple[str, Any]:
    """The checked fixture with one value, anywhere in it, replaced by any other."""
    files = {p.name: yaml.safe_load(p.read_text("utf-8")) for p in _CHECKED.glob("*.yaml")}
    name = draw(st.sampled_from(sorted(files)))
    node: Any = files[name]
    while isinstance(node, dict | list) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or not child or draw(_ONE_IN_FOUR):
            node[key] = draw(_VALUE_ANYWHERE)
            break
        node = child
    return name, files


_CHECKED = ROOT / "tests" / "fixtures" / "checked" / "pack"


@given(_mutated_pack())
def test_any_value_anywhere_is_loaded_or_refused(mutated: tuple[str, Any]) -> None:
    from briefgen.load import load_pack
    from briefgen.resolve import resolve_pack

    _, files = mutated
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "pack"
        pack.mkdir()
        for name, data in files.items():
            text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
            (pack / name).write_text(text, encoding="utf-8")
        try:
            resolve_pack(load_pack(pack))
        except BriefgenError as exc:
            assert exc.problems, str(exc)
            for problem in exc.problems:
                assert "\n" not in problem.format(), "a problem is one line"
            event(f"refused: {exc.problems[0].code}")
        else:
            event("loaded")
