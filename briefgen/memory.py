"""Memory for a long-running process, and keeping the collector out of the way.

A process that builds again and again (watch mode) should redo only the work a
changed file calls for. :class:`LastVersions` keeps, for each of a bounded number
of files, the result made from its last content; a result is served only for the
very content it was made from, so an edit is never missed, even one that keeps the
file's size and time stamp.

Reading a large pack makes millions of objects that all live to the end of a run.
Python's cyclic collector would scan them again and again as they accumulate
(most of the time spent reading a 10,000-figure pack), while none of them can form
a garbage cycle; :func:`collector_paused` holds it off for a stage.

Start-up is the same story. Importing what a build needs (pydantic, python-pptx,
Jinja and the rest) makes a few hundred thousand objects that live as long as the
process, and with the usual thresholds the collector walks them again and again while
they load, then in every full collection after: about a sixth of a one-deck build,
a tenth of a 300-slide one. The command line calls :func:`hold_collector` first, so
the collector runs rarely while modules load; :func:`settle`, once the modules (and,
in a one-shot build, the verified pack) are in, freezes everything then alive out of
all later collections and restores the usual thresholds for the work itself.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Generic, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

_THRESHOLDS = gc.get_threshold()
_HELD_THRESHOLD = 100_000  # allocations between young collections while holding
_held = False


class LastVersions(Generic[T]):
    """Up to ``size`` keys, each with the one value last made from its content.

    ``content`` is whatever identifies what the value was made from exactly: the
    file's bytes, or their digest. Storing a new content replaces the old value, and
    the key used longest ago is dropped when there are more than ``size``.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[object, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, content: object) -> T | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != content:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, content: object, value: T) -> T:
        with self._lock:
            self._entries[key] = (content, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


@contextmanager
def _paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def collector_paused(function: Callable[P, T]) -> Callable[P, T]:
    """Run ``function`` with the cyclic garbage collector off, then restore it."""

    @wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with _paused():
            return function(*args, **kwargs)

    return paused


def hold_collector() -> None:
    """Collect rarely until :func:`settle`: what is made meanwhile lives on.

    The collector is not switched off, so a command that never settles still has
    one; it runs after every 100,000 allocations rather than every 700.
    """
    global _held
    _held = True
    gc.set_threshold(_HELD_THRESHOLD, *_THRESHOLDS[1:])


def settle() -> None:
    """End the hold: keep every object alive now out of all later collections.

    Does nothing unless :func:`hold_collector` ran, and nothing the second time. A
    process that builds many times (a batch, a watch) settles once, before its first
    build, so that no build's objects are kept for good; its forked workers inherit
    the frozen objects, and their collections neither walk nor write to those pages.
    """
    global _held
    if not _held:
        return
    _held = False
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
