"""Keep hostile templates out: what a template's ``.pptx`` may hold, what its brief may do.

A template may come from anyone, and a deck made from it goes to investors. So the
``.pptx`` is refused when it carries code (a VBA project), reaches outside itself
(relationships with ``TargetMode="External"``, but for plain web and mail hyperlinks)
or embeds other programs' objects (OLE objects, ActiveX controls, embedded packages),
and when it is not a presentation at all. Its size is judged from the zip's central
directory before anything is expanded, so a zip bomb is refused unopened.

The brief template runs in Jinja's immutable sandbox with ``StrictUndefined``: it can
read only files inside its own folder (links are resolved first), reach no Python
internals, and is bounded in what it can make (no ``'x' * 10**10``, no ``range``
budget beyond a million items, at most 1 MB of output), so it formats data and
cannot run away with the machine.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import stat
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn
from xml.etree import ElementTree

from briefgen.errors import Problem, TemplateError

MAX_PPTX_BYTES = 100 * 2**20  # the file as it lies on disk
MAX_EXPANDED_BYTES = 200 * 2**20  # all its entries, expanded
MAX_ENTRIES = 5000
MAX_RATIO = 200  # expanded over compressed, for an entry of over RATIO_FLOOR bytes
RATIO_FLOOR = 2**20

_PRESENTATION_TYPES = frozenset(
    "application/vnd.openxmlformats-officedocument.presentationml." + kind
    for kind in ("presentation.main+xml", "template.main+xml", "slideshow.main+xml")
)
_EXTERNAL_OK = ("http://", "https://", "mailto:")
_OLE_RELS = ("/oleObject", "/package", "/control", "/activeXControlBinary")
_OLE_DIRS = ("ppt/embeddings/", "ppt/activeX/")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@dataclass(frozen=True)
class CheckedPptx:
    """A template's ``.pptx`` as it passed the checks: its bytes and their SHA-256."""

    path: Path
    data: bytes
    digest: str


_CACHED_FILES = 8  # templates a long-running process remembers (a watch, a batch)
# path -> (size, mtime_ns, ctime_ns, inode, device) and the file as it then was
_FILES: OrderedDict[Path, tuple[tuple[int, ...], CheckedPptx]] = OrderedDict()
# content hashes (with the limits they were judged by) that passed the checks
_PASSED: OrderedDict[tuple[object, ...], None] = OrderedDict()


def check_pptx(path: Path) -> None:
    """Refuse a template ``.pptx`` that is oversized, a zip bomb, not a presentation, or
    that holds macros, external links or embedded objects; every finding is named."""
    checked_pptx(path)


def checked_pptx(path: Path) -> CheckedPptx:
    """The template's bytes once they pass :func:`check_pptx`'s checks.

    A process that builds again and again (a watch) reads the file again only when its
    size, times or inode changed, and checks again only content it has not passed yet,
    so what is rendered is exactly what was checked.
    """
    where = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        _unreadable(path, exc)
    if not stat.S_ISREG(info.st_mode):
        _refuse(path, [Problem("template-not-pptx", "is not a regular file", where)])
    if info.st_size > MAX_PPTX_BYTES:
        message = f"is {_mb(info.st_size)}; a template may be at most {_mb(MAX_PPTX_BYTES)}"
        _refuse(path, [Problem("template-too-large", message, where)])
    key = path.absolute()
    seen = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
    cached = _FILES.get(key)
    if cached is not None and cached[0] == seen and _verdict(cached[1].digest) in _PASSED:
        _remember(_FILES, key, cached)
        return cached[1]
    try:
        data = path.read_bytes()
    except OSError as exc:
        _unreadable(path, exc)
    found = CheckedPptx(path, data, hashlib.sha256(data).hexdigest())
    if _verdict(found.digest) not in _PASSED:
        _check_zip(path, data)
        _remember(_PASSED, _verdict(found.digest), None)
    _remember(_FILES, key, (seen, found))
    return found


def _verdict(digest: str) -> tuple[object, ...]:
    """A passed check holds for this content under these limits (tests lower them)."""
    return (digest, MAX_PPTX_BYTES, MAX_EXPANDED_BYTES, MAX_ENTRIES, MAX_RATIO, RATIO_FLOOR)


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    """Keep ``value`` as the newest entry, forgetting the oldest beyond the limit."""
    cache.pop(key, None)
    cache[key] = value
    while len(cache) > _CACHED_FILES:
        cache.popitem(last=False)


def _unreadable(path: Path, exc: OSError) -> NoReturn:
    problem = Problem("template-not-pptx", f"cannot read: {exc.strerror}", str(path))
    raise TemplateError(f"{path}: cannot read the template's .pptx", [problem]) from None


def _check_zip(path: Path, data: bytes) -> None:
    where = str(path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _refuse(path, zip_size_problems(entries, where))
            _refuse(path, _contents(archive, entries, where))
    # An encrypted entry raises RuntimeError; an unknown compression NotImplementedError.
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        detail = str(exc) or type(exc).__name__
        message = f"is not a .pptx: not a readable zip archive ({detail})"
        _refuse(path, [Problem("template-not-pptx", message, where)])


def _refuse(path: Path, problems: list[Problem]) -> None:
    """Raise the problems found, if any."""
    if problems:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        raise TemplateError(f"{path}: the template's .pptx is refused: {count} {noun}", problems)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def zip_size_problems(entries: list[zipfile.ZipInfo], where: str) -> list[Problem]:
    """Judge the archive from its central directory alone: nothing is expanded yet.

    Python's zipfile never expands an entry past the size the directory declares, so
    the declared sizes bound what reading the template can cost.
    """
    if len(entries) > MAX_ENTRIES:
        message = f"has {len(entries)} entries; a presentation has a few hundred at most"
        return [Problem("template-zip-bomb", message, where)]
    problems = []
    total = sum(e.file_size for e in entries)
    if total > MAX_EXPANDED_BYTES:
        message = (
            f"would expand to {_mb(total)}; a template may expand to at most "
            f"{_mb(MAX_EXPANDED_BYTES)}"
        )
        problems.append(Problem("template-too-large", message, where))
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            message = (
                f"expands {ratio:,.0f} times ({_mb(entry.compress_size)} to "
                f"{_mb(entry.file_size)}), as a zip bomb does"
            )
            problems.append(Problem("template-zip-bomb", message, where, field=entry.filename))
    names = [e.filename for e in entries]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem("template-not-pptx", "is in the archive twice", where, field=name))
    return problems


def _contents(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], where: str
) -> list[Problem]:
    names = {e.filename for e in entries}
    problems = []
    for required in ("[Content_Types].xml", "ppt/presentation.xml"):
        if required not in names:
            message = f"is not a .pptx: it has no '{required}'"
            problems.append(Problem("template-not-pptx", message, where))
    if problems:
        return problems
    for name in sorted(names):
        if name.endswith((".xml", ".rels")) and _DTD.search(archive.read(name)):
            message = "declares a DTD, which Office documents never do (an XML entity bomb?)"
            problems.append(Problem("template-not-pptx", message, where, field=name))
    if problems:
        return problems  # not parsed: an entity bomb expands in the parser
    problems += _content_types(archive, where)
    for name in sorted(names):
        lowered = name.lower()
        if lowered.endswith(("vbaproject.bin", "vbadata.xml")):
            problems.append(_macro(name, where))
        elif lowered.startswith(_OLE_DIRS):
            problems.append(_ole(name, "is an embedded object", where))
        elif lowered.endswith(".rels"):
            problems += _relationships(archive, name, where)
    return _unique(problems)


def _content_types(archive: zipfile.ZipFile, where: str) -> list[Problem]:
    name = "[Content_Types].xml"
    root = _parse(archive, name, where)
    if isinstance(root, Problem):
        return [root]
    problems = []
    main = None
    for element in root:
        content_type = element.attrib.get("ContentType", "")
        part = element.attrib.get("PartName", "").lstrip("/")
        if part == "ppt/presentation.xml":
            main = content_type
        lowered = content_type.lower()
        if "macroenabled" in lowered or "vbaproject" in lowered:
            problems.append(_macro(part or name, where))
        elif "oleobject" in lowered or "activex" in lowered:
            problems.append(_ole(part or name, f"has the content type '{content_type}'", where))
    if main is not None and main not in _PRESENTATION_TYPES and not problems:
        message = f"is not a .pptx: its main part has the content type '{main}'"
        problems.append(Problem("template-not-pptx", message, where, field=name))
    return problems


def _relationships(archive: zipfile.ZipFile, name: str, where: str) -> list[Problem]:
    root = _parse(archive, name, where)
    if isinstance(root, Problem):
        return [root]
    owner = _owner(name)
    problems = []
    for rel in root.iter(_REL):
        kind = rel.attrib.get("Type", "")
        target = rel.attrib.get("Target", "")
        if kind.endswith("/vbaProject"):
            problems.append(_macro(owner, where))
        elif kind.endswith(_OLE_RELS):
            inside = rel.attrib.get("TargetMode") != "External"
            if not (inside and _resolve(owner, target).lower().startswith(_OLE_DIRS)):
                # A part in ppt/embeddings or ppt/activeX is reported by its own name.
                what = f"embeds '{_shorten(target)}' ({kind.rsplit('/', 1)[-1]})"
                problems.append(_ole(owner, what, where))
        elif rel.attrib.get("TargetMode") == "External" and not (
            kind.endswith("/hyperlink") and target.lower().startswith(_EXTERNAL_OK)
        ):
            message = (
                f"links to '{_shorten(target)}' outside the file ({kind.rsplit('/', 1)[-1]}), "
                "which Office would fetch or open; make the content part of the template"
            )
            problems.append(Problem("template-external-link", message, where, field=owner))
    return problems


def _resolve(owner: str, target: str) -> str:
    """The zip name of ``target``, relative to part ``owner`` (or absolute, from ``/``)."""
    base = [] if target.startswith("/") else list(PurePosixPath(owner).parent.parts)
    for piece in target.lstrip("/").split("/"):
        if piece == "..":
            if base:
                base.pop()
        elif piece not in ("", "."):
            base.append(piece)
    return "/".join(base)


def _owner(rels_name: str) -> str:
    """``ppt/slides/_rels/slide1.xml.rels`` -> ``ppt/slides/slide1.xml``."""
    rels = PurePosixPath(rels_name)
    return str(rels.parent.parent / rels.name.removesuffix(".rels")).removeprefix("./")


def _parse(archive: zipfile.ZipFile, name: str, where: str) -> ElementTree.Element | Problem:
    try:
        return ElementTree.fromstring(archive.read(name))
    except ElementTree.ParseError as exc:
        return Problem("template-not-pptx", f"is not well-formed XML: {exc}", where, field=name)


def _macro(part: str, where: str) -> Problem:
    message = "holds a VBA macro project; a template carries no code: save it as .pptx, not .pptm"
    return Problem("template-macro", message, where, field=part)


def _ole(part: str, what: str, where: str) -> Problem:
    message = (
        f"{what}; a template holds layouts, not embedded objects (OLE, ActiveX, "
        "workbooks), which can run other programs: delete the object"
    )
    return Problem("template-ole", message, where, field=part)


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the brief template's sandbox -------------------------------------------------------

MAX_OUTPUT = 2**20  # characters a brief template may write, or hold in one value
MAX_NUMBER = 100_000  # the largest size or count a template may ask for
MAX_RANGE_ITEMS = 1_000_000  # all of a render's range() calls together
_WIDE_FORMAT = re.compile(r"\d{6,}")  # a field width or precision of a million or more


def _refused(message: str) -> Exception:
    from jinja2.exceptions import SecurityError

    return SecurityError(message)


def _check_argument(where: str, value: Any) -> None:
    """A number too large to be a size or a count is refused as an argument."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise _refused(f"{where}: {value} is too large a number for a template")
    _check_size(where, value)


def _check_size(where: str, value: Any) -> None:
    """A text or list longer than a whole brief is refused wherever it turns up.

    Checked on every attribute, item, call and filter, this stops the ways a template
    could double a value until memory runs out (``ns.s ~ ns.s`` in a loop, a macro
    calling itself with ``s ~ s``): the value is refused one doubling past the limit.
    """
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_OUTPUT:
        raise _refused(f"{where}: a value of {len(value):,} items is more than a brief holds")


def _check_format(where: str, value: Any) -> None:
    if isinstance(value, str) and _WIDE_FORMAT.search(value):
        raise _refused(f"{where}: the format asks for too wide a field")


def _guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps copies jinja's pass_context/pass_environment marks with __dict__.
    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for arg in (*args, *kwargs.values()):
            _check_argument(name, arg)
        if name == "format" and args:
            _check_format(name, args[0])
        result = func(*args, **kwargs)
        _check_size(name, result)
        return result

    return guarded


def _too_big_power(base: Any, exponent: Any) -> bool:
    """An integer power of over 4096 bits: ``10 ** 100000`` and worse.

    Float powers need no guard: they overflow at once, which the render reports.
    """
    if not isinstance(base, int) or not isinstance(exponent, int) or exponent <= 0:
        return False
    return exponent * max(abs(base).bit_length() - 1, 0) > 4096


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and _too_big_power(left, right):
        raise _refused(f"{left} ** {right} is too large a number for a template")
    if operator == "%" and isinstance(left, str):
        _check_format("'%'", left)
        for value in right if isinstance(right, tuple) else (right,):
            _check_argument("'%'", value)  # '%*s' % (10**9, x)
    sized = (str, list, tuple)
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sized) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT:
                raise _refused("'*': that repeats to more than a brief holds")
    joined = isinstance(left, sized) and isinstance(right, sized)
    if operator == "+" and joined and len(left) + len(right) > MAX_OUTPUT:
        raise _refused("'+': that joins to more than a brief holds")


def brief_environment(root: Path) -> Any:
    """The sandbox a brief template renders in, able to read files only under ``root``."""
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    home = root.resolve()

    class ConfinedLoader(FileSystemLoader):
        """Jinja's loader refuses ``..``; this also refuses links leading out of ``root``."""

        def get_source(self, environment: Any, template: str) -> Any:
            source = super().get_source(environment, template)
            if not Path(source[1]).resolve().is_relative_to(home):
                raise TemplateNotFound(template)
            return source

    class BriefSandbox(ImmutableSandboxedEnvironment):
        """Jinja's sandbox keeps a template from Python's internals; this one also bounds
        what it can make. Intercepted operators are also never folded at compile time."""

        intercepted_binops = frozenset({"*", "**", "%", "+"})

        def __init__(self) -> None:
            super().__init__(
                loader=ConfinedLoader(str(root)),
                undefined=StrictUndefined,
                autoescape=False,
                keep_trailing_newline=True,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            self.range_left = MAX_RANGE_ITEMS
            self.globals["range"] = self.budgeted_range
            del self.globals["lipsum"]  # makes text by the megabyte; a brief has no use for it
            for name, func in list(self.filters.items()):
                self.filters[name] = _guarded_filter(name, func)

        def budgeted_range(self, *args: int) -> range:
            for arg in args:
                _check_argument("range", arg)
            numbers = range(*args)
            self.range_left -= len(numbers)
            if self.range_left < 0:
                raise _refused(f"range(): over {MAX_RANGE_ITEMS:,} items in one brief")
            return numbers

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

        def getattr(self, obj: Any, attribute: str) -> Any:
            value = super().getattr(obj, attribute)
            _check_size(f"'.{attribute}'", value)
            return value

        def wrap_str_format(self, value: Any) -> Any:
            # Jinja wraps "...".format as the attribute is read; the format is judged then.
            if getattr(value, "__name__", "") in ("format", "format_map"):
                _check_format(value.__name__, getattr(value, "__self__", None))
            return super().wrap_str_format(value)

        def getitem(self, obj: Any, argument: Any) -> Any:
            value = super().getitem(obj, argument)
            _check_size("'[...]'", value)
            return value

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            where = getattr(__obj, "__name__", "call")
            for arg in (*args, *kwargs.values()):
                _check_argument(where, arg)
            value = super().call(__context, __obj, *args, **kwargs)
            _check_size(where, value)
            return value

    return BriefSandbox()


def render_bounded(template: Any, context: dict[str, Any]) -> str:
    """Render ``template``, refusing output past MAX_OUTPUT characters as it is made."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _refused(f"the brief template wrote over {MAX_OUTPUT:,} characters")
        parts.append(chunk)
    return "".join(parts)
