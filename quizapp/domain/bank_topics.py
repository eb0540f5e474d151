"""The one order topics are listed in, everywhere: the chapters of the Law in order (and the
sections within a chapter, "Chương III, Mục 1–2" before "Mục 3…"), then the topics outside the
Law, alphabetically (Vietnamese order)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

from .vnsort import word_key

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_SECTION = re.compile(r"\bMục\s+(\d+)")
OUTSIDE_THE_LAW = 1_000


class HasChapter(Protocol):
    @property
    def chapter(self) -> str | None: ...

    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=HasChapter)


def chapter_number(chapter: str | None) -> int:
    """Roman chapter numbers (I…VIII) as integers; anything else sorts after the Law."""
    values = [_ROMAN.get(c, 0) for c in (chapter or "").strip().upper()]
    if not values or 0 in values:
        return OUTSIDE_THE_LAW
    return sum(-v if v < n else v for v, n in zip(values, [*values[1:], 0], strict=True))


def topic_key(chapter: str | None, name: str) -> tuple[int, int, object]:
    section = _SECTION.search(name)
    words = tuple(word_key(w) for w in name.split())
    return (chapter_number(chapter), int(section.group(1)) if section else 0, words)


def ordered(topics: Iterable[T]) -> list[T]:
    """Topics in the order of the Law (see the module's docstring)."""
    return sorted(topics, key=lambda t: topic_key(t.chapter, t.name))
