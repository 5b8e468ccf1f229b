"""Source readers: text, HTML and PDF into searchable text with locations."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from briefgen.errors import SourceError
from briefgen.sources import SourceText, read_source, sha256_of


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with one Helvetica text line per entry, a page per list."""
    bodies: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    page_ids: list[int] = []
    for number, lines in enumerate(pages):
        page_id, content_id = 4 + 2 * number, 5 + 2 * number
        page_ids.append(page_id)
        shows = " T* ".join(f"({line}) Tj" for line in lines)
        stream = f"BT /F1 12 Tf 72 720 Td 14 TL {shows} ET".encode("latin-1")
        bodies[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        bodies[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    kids = " ".join(f"{page} 0 R" for page in page_ids)
    bodies[2] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets: dict[int, int] = {}
    for number in sorted(bodies):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number])
    xref, count = len(out), max(bodies) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, count))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


# --- Plain text ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".markdown", ".TXT"])
def test_text_suffixes_read_as_text(tmp_path: Path, suffix: str) -> None:
    source = read_source(_write(tmp_path, f"note{suffix}", "Revenue rose.\n"))
    assert source.format == "text"
    assert source.text == "Revenue rose.\n"


def test_bom_is_stripped(tmp_path: Path) -> None:
    source = read_source(_write(tmp_path, "a.txt", b"\xef\xbb\xbfHello"))
    assert source.text == "Hello"


def test_line_endings_keep_the_files_line_numbers(tmp_path: Path) -> None:
    source = read_source(_write(tmp_path, "a.txt", "one\r\ntwo\rthree\n\nfive"))
    assert source.text == "one\ntwo\nthree\n\nfive"
    assert source.locate(source.text.index("five")) == "line 5"
    assert source.locate(0) == "line 1"
    assert source.locate(source.text.index("two")) == "line 2"


def test_locate_clamps_out_of_range_offsets() -> None:
    source = SourceText(Path("x.txt"), "text", "a\nb")
    assert source.locate(-5) == "line 1"
    assert source.locate(999) == "line 2"
    assert source.page_of(0) is None


def test_not_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin.txt", b"caf\xc3\xa9\nna\xefve")
    with pytest.raises(SourceError) as caught:
        read_source(path)
    message = str(caught.value)
    assert "not UTF-8" in message
    assert "byte offset 8" in message
    assert "line 2" in message
    assert "\n" not in message


def test_not_utf8_offset_counts_the_bom(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="byte offset 4"):
        read_source(_write(tmp_path, "a.txt", b"\xef\xbb\xbfa\xff"))


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"unsupported source type '\.docx'"):
        read_source(_write(tmp_path, "a.docx", b"PK"))


def test_no_suffix(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="unsupported source type"):
        read_source(_write(tmp_path, "README", "x"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read source"):
        read_source(tmp_path / "absent.txt")


def test_sha256_of(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", b"abc" * 50_000)
    assert sha256_of(path) == hashlib.sha256(b"abc" * 50_000).hexdigest()


def test_sha256_of_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        sha256_of(tmp_path / "absent.txt")


# --- HTML -------------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html><html><head><title>Site title</title>
<style>p {{ color: red }}</style><script>var x = "script text";</script></head>
<body><nav><a href="/">Home</a></nav><header>Masthead</header>
{middle}
<aside>Related stories</aside><footer>Copyright line</footer></body></html>"""


def _html(tmp_path: Path, middle: str) -> SourceText:
    return read_source(_write(tmp_path, "page.html", _PAGE.format(middle=middle)))


def test_html_prefers_article(tmp_path: Path) -> None:
    source = _html(
        tmp_path,
        "<main><p>Main intro</p><article><h1>Head</h1><p>Sales &amp; profit rose "
        "8&#x25;.</p><p>Second\n   paragraph</p></article></main>",
    )
    assert source.format == "html"
    assert source.text == "Head\nSales & profit rose 8%.\nSecond paragraph"
    assert source.locate(source.text.index("Second")) == "line 3"


def test_html_falls_back_to_main_then_body(tmp_path: Path) -> None:
    assert _html(tmp_path, "<main><div>In main</div></main><p>outside</p>").text == "In main"
    body = _html(tmp_path, "<div>Body <b>text</b><br>next line</div>").text
    assert body == "Body text\nnext line"


def test_html_body_drops_boilerplate_scripts_and_styles(tmp_path: Path) -> None:
    text = _html(tmp_path, "<p>Only this</p>").text
    assert text == "Only this"
    for unwanted in ("Home", "Masthead", "Related", "Copyright", "script text", "color", "Site"):
        assert unwanted not in text


def test_html_article_drops_nav_inside_it(tmp_path: Path) -> None:
    text = _html(tmp_path, "<article><nav>Share</nav><p>Story</p></article>").text
    assert text == "Story"


def test_html_keeps_nbsp_and_table_cells_apart(tmp_path: Path) -> None:
    text = _html(tmp_path, "<table><tr><td>a</td><td>b&nbsp;c</td></tr></table>").text
    assert text == "a b\u00a0c"


def test_html_pre_keeps_its_lines(tmp_path: Path) -> None:
    assert _html(tmp_path, "<pre>one\ntwo</pre>").text == "one\ntwo"


def test_html_without_text(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="HTML has no text"):
        _html(tmp_path, "<div>   </div>")


def test_htm_suffix(tmp_path: Path) -> None:
    assert read_source(_write(tmp_path, "a.htm", "<p>x</p>")).text == "x"


# --- PDF --------------------------------------------------------------------------------


def test_pdf_pages_and_locations(tmp_path: Path) -> None:
    pdf = make_pdf([["First page line", "second line"], ["Page two starts", "and ends"]])
    source = read_source(_write(tmp_path, "doc.pdf", pdf))
    assert source.format == "pdf"
    assert len(source.page_starts) == 2
    assert source.page_of(source.text.index("First")) == 1
    assert source.locate(source.text.index("second")) == "page 1, line 2"
    assert source.locate(source.text.index("Page two")) == "page 2, line 1"
    assert source.locate(source.text.index("ends")) == "page 2, line 2"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(SourceError, match="has no text layer; OCR it first"):
        read_source(_write(tmp_path, "scan.pdf", buffer.getvalue()))


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\nthis is not a pdf", b"hello", make_pdf([["Hello"]])[:150]],
    ids=["garbage", "not-pdf", "truncated"],
)
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(SourceError, match="not a readable PDF") as caught:
        read_source(_write(tmp_path, "bad.pdf", data))
    assert "\n" not in str(caught.value)


# --- The real sources -------------------------------------------------------------------


def test_real_html_yields_the_article(sources_dir: Path) -> None:
    source = read_source(sources_dir / "001_18ce53219521eee2.html")
    assert "280.15 billion yuan" in source.text
    assert "Home" not in source.text
    assert "Copyright notice" not in source.text
    assert source.text.startswith("Alibaba to aggressively")


def test_real_pdf_has_six_pages(sources_dir: Path) -> None:
    source = read_source(sources_dir / "004_eb0ad920de8b15a4.pdf")
    assert len(source.page_starts) == 6
    assert source.page_of(source.text.index("18.228 billion")) == 3


def test_real_text_keeps_file_lines(sources_dir: Path) -> None:
    path = sources_dir / "000_44e83391e2a43152.txt"
    source = read_source(path)
    line = source.line_of(source.text.index("callHe"))
    assert "callHe" in path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_real_sources_all_read(sources_dir: Path) -> None:
    for path in sorted(sources_dir.iterdir()):
        if path.name == "README.md":
            continue
        source = read_source(path)
        assert source.text.strip(), path
        assert len(sha256_of(path)) == 64
