"""The loader: every problem in one run, each with its file, line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from briefgen.errors import PackError
from briefgen.load import load_pack
from briefgen.resolve import resolve_pack


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(pack: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        resolve_pack(load_pack(pack))
    return caught.value.lines()


def test_valid_pack_loads_exact_values(mini_pack: Path) -> None:
    loaded = load_pack(mini_pack)
    revenue = next(f for f in loaded.pack.figures if f.id == "revenue_q4")
    assert revenue.value == Decimal("120.50")
    assert revenue.decimals == 2
    assert loaded.origin(("figures", 0)).file.endswith("figures.yaml")
    assert loaded.origin(("figures", 0)).line == 2


def test_malformed_yaml_names_file_and_line(mini_pack: Path) -> None:
    _replace(mini_pack / "figures.yaml", "    label: Revenue\n", "    label: [Revenue\n")
    lines = _errors(mini_pack)
    assert len(lines) == 1
    assert lines[0].startswith(f"{mini_pack / 'figures.yaml'}:")
    assert "malformed YAML" in lines[0] and "[yaml-syntax]" in lines[0]


def test_duplicate_key_is_refused(mini_pack: Path) -> None:
    _replace(
        mini_pack / "figures.yaml", "    label: Revenue\n", "    label: Revenue\n    label: Again\n"
    )
    (line,) = _errors(mini_pack)
    assert f"{mini_pack / 'figures.yaml'}:4: figures[0].label: duplicate key 'label'" in line


def test_all_problems_reported_in_one_run(mini_pack: Path) -> None:
    figures = mini_pack / "figures.yaml"
    _replace(figures, "    kind: amount\n", "    kind: amont\n")  # bad enum, line 6
    _replace(figures, "    scale: billion\n", "    scael: billion\n")  # unknown field
    _replace(
        figures,
        "  - id: cloud_growth_q4\n    label: Cloud revenue growth\n",
        "  - id: cloud_growth_q4\n",
    )
    lines = _errors(mini_pack)
    text = "\n".join(lines)
    assert f"{figures}:6: figures[0].kind:" in text
    assert "unknown field 'scael' (did you mean 'scale'?)" in text
    assert "required field 'label' is missing" in text
    assert len(lines) == 3


def test_invalid_date_is_located(mini_pack: Path) -> None:
    _replace(mini_pack / "pack.yaml", "as_of: 2025-03-31", "as_of: 2025-02-30")
    (line,) = _errors(mini_pack)
    assert line.startswith(f"{mini_pack / 'pack.yaml'}:4: as_of:")


def test_unknown_figure_in_prose(mini_pack: Path) -> None:
    _replace(mini_pack / "pack.yaml", "{cloud_growth_q4}.", "{cloud_growth_q5}.")
    (line,) = _errors(mini_pack)
    assert line.startswith(f"{mini_pack / 'pack.yaml'}:7: headline: unknown figure")
    assert "did you mean 'cloud_growth_q4'?" in line and "[unknown-figure]" in line


def test_number_typed_into_prose(mini_pack: Path) -> None:
    _replace(mini_pack / "pack.yaml", "up {revenue_growth_q4} on", "up 20.5% on")
    (line,) = _errors(mini_pack)
    assert line.startswith(f"{mini_pack / 'pack.yaml'}:9: summary[0]:")
    assert "number '20.5%' typed into prose" in line and "[prose-naked-figure]" in line


def test_unknown_source_and_duplicate_id(mini_pack: Path) -> None:
    figures = mini_pack / "figures.yaml"
    _replace(
        figures,
        "      - source: report\n        quote: revenue of",
        "      - source: reprot\n        quote: revenue of",
    )
    _replace(figures, "  - id: revenue_prior\n", "  - id: revenue_q4\n")
    text = "\n".join(_errors(mini_pack))
    assert "unknown source 'reprot' (did you mean 'report'?)" in text
    assert "id 'revenue_q4' is used twice (first at line 2)" in text


def test_control_character_is_refused(mini_pack: Path) -> None:
    _replace(
        mini_pack / "pack.yaml", "title: Example investor brief", 'title: "Example\\x07 brief"'
    )
    (line,) = _errors(mini_pack)
    assert "pack.yaml:3: title: contains control character U+0007" in line


def test_missing_pack_file(tmp_path: Path) -> None:
    (line,) = _errors(tmp_path)
    assert "pack.yaml" in line and "[pack-missing]" in line


def test_bom_and_non_utf8(mini_pack: Path) -> None:
    (mini_pack / "risks.yaml").write_bytes(b"\xef\xbb\xbfrisks: []\n")
    (mini_pack / "pillars.yaml").write_bytes(b"pillars:\n  - title: caf\xe9\n")
    text = "\n".join(_errors(mini_pack))
    assert "risks.yaml:1: starts with a byte-order mark" in text
    assert "pillars.yaml:2: is not UTF-8" in text


def test_unknown_section_suggests(mini_pack: Path) -> None:
    (mini_pack / "more.yaml").write_text("figuers: []\n", encoding="utf-8")
    (line,) = _errors(mini_pack)
    assert "more.yaml:1: figuers: unknown section 'figuers' (did you mean 'figures'?)" in line


def test_sections_split_across_files(mini_pack: Path) -> None:
    (mini_pack / "more-figures.yaml").write_text(
        "figures:\n"
        "  - id: extra\n    label: Extra\n    metric: users\n    value: 3\n    kind: count\n"
        "    period: {start: 2025-03-31, end: 2025-03-31}\n"
        "    citations: [{source: report, quote: three users}]\n",
        encoding="utf-8",
    )
    loaded = load_pack(mini_pack)
    ids = [f.id for f in loaded.pack.figures]
    assert ids[-1] == "extra"  # files join in name order: figures.yaml, then more-figures.yaml
    origin = loaded.origin(("figures", len(ids) - 1, "value"))
    assert origin.file.endswith("more-figures.yaml")
    assert origin.line == 5
