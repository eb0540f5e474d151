"""Vietnamese collation: given name first, then family name; letters in the Vietnamese alphabet.

Base letters follow a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; tone marks
order words that are otherwise equal: none, huyền, hỏi, ngã, sắc, nặng.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Combining marks: the vowel-shape marks belong to the letter; the tone marks are secondary.
_SHAPE = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter(base: str, marks: list[str]) -> str:
    for mark in marks:
        if mark == "\u0306" and base == "a":
            return "ă"
        if mark == "\u0302" and base in "aeo":
            return {"a": "â", "e": "ê", "o": "ô"}[base]
        if mark == "\u031b" and base in "ou":
            return {"o": "ơ", "u": "ư"}[base]
    return base


def word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(letters, tones) of one word, comparable the Vietnamese way."""
    letters: list[int] = []
    tones: list[int] = []
    for char in word.lower():
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], list(decomposed[1:])
        letter = _letter(base, marks)
        letters.append(_RANK.get(letter, 100 + ord(letter)))
        tones.append(max((_TONES.get(m, 0) for m in marks), default=0))
    return tuple(letters), tuple(tones)


def name_key(full_name: str) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Sort key for a full name: given name (last word), then family name, then middle names."""
    words = full_name.split()
    return tuple(word_key(w) for w in [*words[-1:], *words[:-1]])
