"""Per-process caches for the phone's hot pages: a bounded LRU, and pages rendered once with holes.

A `HoledPage` is a page (or partial) rendered with marker strings in place of the values that
change on every request (the count, the CSRF token, the server's clock in the player's data);
it is split at the markers once, and each request joins the pieces with its own values. So the
cached bytes never hold a token, a clock or anything else that differs between two requests
with the same key: the key names everything else the output depends on.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Generic, TypeVar

from markupsafe import Markup, escape

V = TypeVar("V")

# One character no page text contains (a control character: the catalogue and templates are
# prose) around a random per-process word, so a marker can't be typed into a page by anyone.
_SEP = "\x1f"
_NONCE = secrets.token_hex(4)


class BoundedCache(Generic[V]):
    """A thread-safe least-recently-used map holding at most `limit` entries."""

    def __init__(self, limit: int):
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def marker(name: str) -> Markup:
    """The placeholder for the per-request value `name` (Markup: autoescaping leaves it alone)."""
    return Markup(f"{_SEP}{_NONCE}:{name}{_SEP}")


class HoledPage:
    """Rendered text split at its markers: the text before the first hole, then each hole's
    value name with the text that follows it; the text is UTF-8, encoded once."""

    def __init__(self, head: bytes, holes: tuple[tuple[str, bytes], ...]):
        self.head = head
        self.holes = holes

    @classmethod
    def split(cls, rendered: str, names: frozenset[str]) -> HoledPage | None:
        """None when the text holds a stray separator or a marker that is not one of `names`
        (then the caller renders without the cache)."""
        parts = rendered.split(_SEP)
        if len(parts) % 2 == 0:
            return None
        prefix = f"{_NONCE}:"
        holes = []
        for i in range(1, len(parts), 2):
            if not parts[i].startswith(prefix) or parts[i][len(prefix) :] not in names:
                return None
            holes.append((parts[i][len(prefix) :], parts[i + 1].encode()))
        return cls(parts[0].encode(), tuple(holes))

    def fill(self, values: Mapping[str, str]) -> bytes:
        """The page (UTF-8) with each hole filled; `values` are HTML-escaped unless they are Markup."""
        filled = {name: escape(value).encode() for name, value in values.items()}  # once, not per hole
        out = [self.head]
        for name, text in self.holes:
            out.append(filled[name])
            out.append(text)
        return b"".join(out)


def render_holed(
    cache: BoundedCache[HoledPage],
    key: Hashable,
    values: Mapping[str, str],
    render: Callable[[Mapping[str, Markup]], str],
) -> bytes:
    """The page (UTF-8) for `key` with `values` filled in; `render(markers)` renders it on a
    miss, given a marker for each value name (the text it returns must use nothing else that
    varies)."""
    page = cache.get(key)
    if page is None:
        names = frozenset(values)
        rendered = render({name: marker(name) for name in names})
        page = HoledPage.split(rendered, names)
        if page is None:  # a stray separator in the text: render this one directly
            return render(values).encode()  # type: ignore[arg-type]
        cache.put(key, page)
    return page.fill(values)
