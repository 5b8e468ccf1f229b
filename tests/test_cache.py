"""In-process memory: a process that checks again and again redoes only what changed.

Parsed YAML files and indexed sources are kept by path and exact content, so an edit is
seen even when it keeps the file's size and time stamps; the memory holds one version
per file and a bounded number of files.
"""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import pytest

from briefgen.build import BuildOptions, check
from briefgen.errors import PackError
from briefgen.load import load_pack
from briefgen.memory import LastVersions, collector_paused
from briefgen.sources import fingerprint
from briefgen.verify import indexed_source
from briefgen.yamlsrc import read_yaml

from .conftest import FIXTURES


def _rewrite_in_place(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (same length), keeping the file's size and time stamps."""
    assert len(old) == len(new)
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (info.st_size, info.st_mtime_ns)


def test_an_unchanged_file_is_parsed_once(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    first, _ = read_yaml(path, "a.yaml")
    again, _ = read_yaml(path, "a.yaml")
    assert first is not None and again is first


def test_an_edit_that_keeps_size_and_time_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("value: 120.50\n", encoding="utf-8")
    first, _ = read_yaml(path, "a.yaml")
    _rewrite_in_place(path, "120.50", "121.50")
    again, _ = read_yaml(path, "a.yaml")
    assert first is not None and again is not None
    assert str(first.data["value"]) == "120.50" and str(again.data["value"]) == "121.50"


def test_problems_are_remembered_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    first = [p.format() for p in read_yaml(path, "a.yaml")[1]]
    again = [p.format() for p in read_yaml(path, "a.yaml")[1]]
    assert (
        first == again == ["a.yaml:2: a: duplicate key 'a' (first at line 1) [yaml-duplicate-key]"]
    )


def test_a_pack_loaded_again_sees_a_same_size_edit(mini_pack: Path) -> None:
    before = load_pack(mini_pack)
    _rewrite_in_place(mini_pack / "figures.yaml", "value: 120.50", "value: 121.50")
    after = load_pack(mini_pack)
    values = {f.id: str(f.value) for f in before.pack.figures}
    changed = {f.id: str(f.value) for f in after.pack.figures}
    assert values["revenue_q4"] == "120.50" and changed["revenue_q4"] == "121.50"
    assert after.origin(("figures", 0, "value")) == before.origin(("figures", 0, "value"))


def test_a_problem_made_by_an_edit_is_reported_then_gone_when_undone(mini_pack: Path) -> None:
    load_pack(mini_pack)
    _rewrite_in_place(mini_pack / "figures.yaml", "kind: amount", "kind: amont!")
    with pytest.raises(PackError) as caught:
        load_pack(mini_pack)
    assert "[field-enum]" in caught.value.lines()[0]
    _rewrite_in_place(mini_pack / "figures.yaml", "kind: amont!", "kind: amount")
    assert load_pack(mini_pack).pack.figures[0].kind == "amount"


def test_a_source_is_indexed_once_per_content(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Revenue rose 12% to 120.50 billion yuan.\n", encoding="utf-8")
    digest, data = fingerprint(path)
    first = indexed_source(path, digest, data)
    assert indexed_source(path, digest) is first
    _rewrite_in_place(path, "120.50", "121.50")
    digest, data = fingerprint(path)
    again = indexed_source(path, digest, data)
    assert again is not first and "121.50" in again.source.text


def test_check_run_again_sees_a_source_edited_in_place(tmp_path: Path) -> None:
    """The second check in one process must judge the edited source, not the one it read."""
    shutil.copytree(FIXTURES / "checked", tmp_path / "checked")
    pack, sources = tmp_path / "checked" / "pack", tmp_path / "checked" / "sources"
    options = BuildOptions(pack_dir=pack, sources_dir=sources)
    assert check(options).ok
    _rewrite_in_place(sources / "wire.txt", "revenue of 120.50", "revenue of 121.50")
    found = {(p.code, p.figure) for p in check(options).problems}
    assert ("source-stale", None) in found  # the pin no longer matches
    assert ("quote-not-found", "revenue_q4") in found  # and the text was read again


def test_check_run_again_judges_a_value_written_to_more_places(tmp_path: Path) -> None:
    """120.50 and 120.500 are equal numbers, but only one is stated by the quote."""
    shutil.copytree(FIXTURES / "checked", tmp_path / "checked")
    pack, sources = tmp_path / "checked" / "pack", tmp_path / "checked" / "sources"
    options = BuildOptions(pack_dir=pack, sources_dir=sources)
    assert check(options).ok
    figures = pack / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("value: 120.50\n", "value: 120.500\n", 1), encoding="utf-8")
    found = {(p.code, p.figure) for p in check(options).problems}
    assert ("value-precision", "revenue_q4") in found


def test_memory_holds_one_version_per_key_and_a_bounded_number_of_keys() -> None:
    memory: LastVersions[str] = LastVersions(2)
    memory.put("a", b"1", "a1")
    memory.put("a", b"2", "a2")
    assert len(memory) == 1
    assert memory.get("a", b"1") is None and memory.get("a", b"2") == "a2"
    memory.put("b", b"1", "b1")
    memory.get("a", b"2")  # "a" is now the more recently used
    memory.put("c", b"1", "c1")
    assert len(memory) == 2
    assert memory.get("b", b"1") is None
    assert memory.get("a", b"2") == "a2" and memory.get("c", b"1") == "c1"


def test_the_collector_is_restored_after_a_stage_even_when_it_fails() -> None:
    @collector_paused
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    assert gc.isenabled()
    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()
    gc.disable()
    try:
        collector_paused(lambda: None)()
        assert not gc.isenabled(), "a collector turned off by the caller stays off"
    finally:
        gc.enable()


def test_the_files_behind_sections_change_only_with_their_content(mini_pack: Path) -> None:
    first = load_pack(mini_pack).files("figures", "sources")
    assert [Path(name).name for name, _ in first] == ["figures.yaml", "sources.yaml"]
    assert load_pack(mini_pack).files("figures", "sources") == first
    pack_file = mini_pack / "pack.yaml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load_pack(mini_pack).files("figures", "sources") == first
    _rewrite_in_place(mini_pack / "figures.yaml", "value: 120.50", "value: 121.50")
    changed = load_pack(mini_pack).files("figures", "sources")
    assert changed[1] == first[1] and changed[0][0] == first[0][0]
    assert changed[0][1] != first[0][1]
