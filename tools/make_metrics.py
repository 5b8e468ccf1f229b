"""Write the advance widths of the metric-compatible fonts the deck is measured with.

Run from the repository root, with fontTools installed (the ``dev`` extra)::

    python tools/make_metrics.py            # writes briefgen/deck/metrics/widths.json
    python tools/make_metrics.py --check    # exit 1 if the committed file is stale

Reads the Debian packages' TrueType files (fonts-crosextra-carlito and -caladea,
fonts-liberation2, fonts-noto-cjk): Carlito has Calibri's widths, Caladea Cambria's,
Liberation Sans, Serif and Mono those of Arial, Times New Roman and Courier New, so
text measured with them wraps where it wraps in PowerPoint. Noto Sans and Serif CJK
give the widths of Chinese, Japanese and Korean text (the larger of the two for each
character). For each face and weight the file holds the units per em, the height of
a line (the larger of the ``hhea`` and Windows ascent-plus-descent) and the advance
width of every character the font has in the blocks below, as runs over consecutive
characters. The output depends only on the font files, so the same fonts give the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "briefgen" / "deck" / "metrics" / "widths.json"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

# (face, weight) -> file names to look for; the first found is read.
LATIN: dict[tuple[str, str], tuple[str, ...]] = {
    ("Carlito", "regular"): ("Carlito-Regular.ttf",),
    ("Carlito", "bold"): ("Carlito-Bold.ttf",),
    ("Caladea", "regular"): ("Caladea-Regular.ttf",),
    ("Caladea", "bold"): ("Caladea-Bold.ttf",),
    ("Liberation Sans", "regular"): ("LiberationSans-Regular.ttf",),
    ("Liberation Sans", "bold"): ("LiberationSans-Bold.ttf",),
    ("Liberation Serif", "regular"): ("LiberationSerif-Regular.ttf",),
    ("Liberation Serif", "bold"): ("LiberationSerif-Bold.ttf",),
    ("Liberation Mono", "regular"): ("LiberationMono-Regular.ttf",),
    ("Liberation Mono", "bold"): ("LiberationMono-Bold.ttf",),
}
# The CJK table: per weight, collections whose Simplified Chinese member is read.
CJK: dict[str, tuple[str, ...]] = {
    "regular": ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc"),
    "bold": ("NotoSansCJK-Bold.ttc", "NotoSerifCJK-Bold.ttc"),
}
CJK_MEMBER = "SC"

LATIN_BLOCKS = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x02B0, 0x02FF),  # spacing modifier letters
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x21FF),  # letterlike symbols, number forms, arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x25A0, 0x25FF),  # geometric shapes (bullets)
    (0xFB00, 0xFB06),  # Latin ligatures
)
CJK_BLOCKS = (
    (0x0020, 0x007E),  # Latin, for characters whose width depends on the script around them
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),
    (0x2100, 0x214F),
    (0x2460, 0x24FF),  # enclosed alphanumerics
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x33FF),  # CJK punctuation, kana, bopomofo, hangul jamo, enclosed, compatibility
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)


def find_font(names: Iterable[str]) -> Path | None:
    for name in names:
        for folder in FONT_DIRS:
            found = sorted(folder.rglob(name)) if folder.is_dir() else []
            if found:
                return found[0]
    return None


def _line(font: Any) -> float:
    """A line's height in ems: the larger of the hhea and Windows metrics."""
    units = font["head"].unitsPerEm
    hhea = font["hhea"]
    os2 = font["OS/2"]
    return max(
        (hhea.ascent - hhea.descent + hhea.lineGap) / units,
        (os2.usWinAscent + os2.usWinDescent) / units,
    )


def _widths(font: Any, blocks: Iterable[tuple[int, int]]) -> dict[int, int]:
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    return {
        code: metrics[cmap[code]][0]
        for first, last in blocks
        for code in range(first, last + 1)
        if code in cmap
    }


def runs(widths: dict[int, int]) -> list[list[Any]]:
    """Consecutive characters as ``[first, w, w, [w, count], ...]``: a bare width is one
    character's, a pair a run of equal widths."""
    out: list[list[Any]] = []
    previous = None
    for code in sorted(widths):
        if previous is None or code != previous + 1:
            out.append([code])
        row = out[-1]
        width = widths[code]
        last = row[-1] if len(row) > 1 else None
        if isinstance(last, list) and last[0] == width:
            last[1] += 1
        elif isinstance(last, int) and last == width and len(row) > 1:
            row[-1] = [width, 2]
        else:
            row.append(width)
        previous = code
    return out


def latin_face(path: Path) -> dict[str, Any]:
    with TTFont(str(path)) as font:
        return {
            "file": path.name,
            "units_per_em": font["head"].unitsPerEm,
            "line": round(_line(font), 4),
            "widths": runs(_widths(font, LATIN_BLOCKS)),
        }


def cjk_face(paths: list[Path]) -> dict[str, Any]:
    """The larger width of each character over the collections' Chinese members, in
    units of the first's em (all Noto CJK fonts have 1000 units per em)."""
    widest: dict[int, int] = {}
    units, line = 0, 0.0
    for path in paths:
        with TTCollection(str(path)) as collection:
            member = next(
                f for f in collection.fonts if f["name"].getDebugName(1).endswith(f" {CJK_MEMBER}")
            )
            units = units or member["head"].unitsPerEm
            assert member["head"].unitsPerEm == units, "CJK fonts differ in units per em"
            line = max(line, _line(member))
            for code, width in _widths(member, CJK_BLOCKS).items():
                widest[code] = max(width, widest.get(code, 0))
    return {
        "file": " + ".join(p.name for p in paths),
        "units_per_em": units,
        "line": round(line, 4),
        "widths": runs(widest),
    }


def build() -> tuple[str, list[str]]:
    """The JSON text, and the fonts that were not found."""
    missing: list[str] = []
    faces: dict[str, dict[str, Any]] = {}
    for (face, weight), names in LATIN.items():
        path = find_font(names)
        if path is None:
            missing.append(names[0])
            continue
        faces.setdefault(face, {})[weight] = latin_face(path)
    for weight, names in CJK.items():
        paths = [p for p in (find_font([n]) for n in names) if p is not None]
        missing.extend(n for n in names if find_font([n]) is None)
        if paths:
            faces.setdefault("Noto CJK", {})[weight] = cjk_face(paths)
    return dump({"format": 1, "faces": faces}), missing


def dump(data: dict[str, Any]) -> str:
    """Compact JSON with one run per line, so that a change reads well in a diff."""
    lines = [f'{{"format": {data["format"]}, "faces": {{']
    face_items = list(data["faces"].items())
    for i, (face, weights) in enumerate(face_items):
        lines.append(f"{json.dumps(face)}: {{")
        for j, (weight, table) in enumerate(weights.items()):
            head = {k: v for k, v in table.items() if k != "widths"}
            lines.append(f"{json.dumps(weight)}: {json.dumps(head)[:-1]}, " + '"widths": [')
            rows = [json.dumps(row, separators=(",", ":")) for row in table["widths"]]
            lines.append(",\n".join(rows))
            lines.append("]}" + ("," if j < len(weights) - 1 else ""))
        lines.append("}" + ("," if i < len(face_items) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # old fonts' timestamps
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the file on disk is stale")
    args = parser.parse_args(argv)
    text, missing = build()
    if missing:
        print(f"fonts not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print(
                f"{TARGET.relative_to(ROOT)} is stale; run python tools/make_metrics.py",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
