"""Pictures of a deck: every slide as a PNG, and a contact sheet of them all.

The deck is built in memory exactly as ``build`` would write it, drawn by
LibreOffice to PDF and by poppler's ``pdftoppm`` to one PNG per slide. The pictures
go to ``OUT/preview/<pack>-<template>/``, which is assembled beside its final place
and swapped in whole, so a failed run leaves the previous pictures as they were and
a deck that lost slides leaves no stale pictures behind.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.build import BuildOptions, render_outputs
from briefgen.errors import BriefgenError, Problem

DEFAULT_DPI = 96  # a 13.33 in wide slide becomes 1280 px
SHEET_NAME = "contact-sheet.png"
_THUMB_WIDTH = 384
_GAP = 16
_LABEL = 26
_HEADER = 40
_BACKGROUND = (232, 232, 232)
_BORDER = (150, 150, 150)
_INK = (40, 40, 40)


@dataclass(frozen=True)
class PreviewResult:
    folder: Path
    slides: tuple[Path, ...]
    contact_sheet: Path
    template: str
    warnings: tuple[Problem, ...] = ()


def preview(options: BuildOptions, dpi: int = DEFAULT_DPI) -> PreviewResult:
    """Draw the deck ``build`` would write; raise a BriefgenError on any problem."""
    from briefgen.office import OfficeError, deck_pdf, find_poppler, find_soffice, pdf_to_pngs

    find_soffice()  # a missing tool is reported before the work, not after it
    find_poppler("pdftoppm")
    rendered = render_outputs(options)
    target = options.out_dir / "preview" / rendered.stem
    pdf = deck_pdf(rendered.deck, rendered.stem)
    with _staged(target) as staging, tempfile.TemporaryDirectory() as work:
        pdf_path = Path(work) / f"{rendered.stem}.pdf"
        pdf_path.write_bytes(pdf)
        pictures = pdf_to_pngs(pdf_path, staging, dpi)
        if len(pictures) != rendered.slides:
            message = f"drew {len(pictures)} pages for a deck of {rendered.slides} slides"
            raise OfficeError(message, [Problem("office-failed", message, "soffice")])
        contact_sheet(pictures, staging / SHEET_NAME, f"{rendered.stem}: {len(pictures)} slides")
    slides = tuple(target / p.name for p in pictures)
    return PreviewResult(target, slides, target / SHEET_NAME, rendered.template, rendered.warnings)


@contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target`` that replaces it whole when the block succeeds."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        )
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; the pictures are not
    except OSError as exc:
        raise _write_error(exc) from None
    try:
        yield staging
        _swap(staging, target)
    except OSError as exc:
        raise _write_error(exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    graveyard = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    try:
        os.replace(target, graveyard / target.name)
        try:
            os.replace(staging, target)
        except OSError:
            os.replace(graveyard / target.name, target)
            raise
    finally:
        shutil.rmtree(graveyard, ignore_errors=True)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _write_error(exc: OSError) -> BriefgenError:
    where = str(exc.filename or "")
    return BriefgenError(
        f"cannot write the preview: {exc.strerror}",
        [Problem("output-write", f"cannot write: {exc.strerror}", where)],
    )


def contact_sheet(pictures: Sequence[Path], target: Path, heading: str = "") -> Path:
    """A grid of thumbnails of ``pictures``, each numbered from 1, saved as PNG."""
    from PIL import Image, ImageDraw

    thumbs = []
    for path in pictures:
        with Image.open(path) as picture:
            height = max(1, round(picture.height * _THUMB_WIDTH / picture.width))
            thumbs.append(
                picture.convert("RGB").resize((_THUMB_WIDTH, height), Image.Resampling.LANCZOS)
            )
    columns = min(4, max(1, len(thumbs)))
    rows = math.ceil(len(thumbs) / columns)
    cell_height = max((t.height for t in thumbs), default=0) + _LABEL
    top = _HEADER if heading else _GAP
    width = columns * (_THUMB_WIDTH + _GAP) + _GAP
    sheet = Image.new("RGB", (width, top + rows * (cell_height + _GAP)), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    if heading:
        draw.text((_GAP, _HEADER // 2), heading, fill=_INK, font=_font(20), anchor="lm")
    label_font = _font(16)
    for i, thumb in enumerate(thumbs):
        x = _GAP + (i % columns) * (_THUMB_WIDTH + _GAP)
        y = top + (i // columns) * (cell_height + _GAP)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x - 1, y - 1, x + thumb.width, y + thumb.height), outline=_BORDER)
        centre = (x + thumb.width // 2, y + thumb.height + _LABEL // 2 + 2)
        draw.text(centre, str(i + 1), fill=_INK, font=label_font, anchor="mm")
    sheet.save(target, "PNG", optimize=True)
    return target


def _font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except ImportError:  # Pillow without FreeType has one bitmap size only
        return ImageFont.load_default()
